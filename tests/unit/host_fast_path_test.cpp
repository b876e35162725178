// The CPU fast path of the carbon stage (run_carbon_stage_host: block-wise decode, vectorized
// indices and model shapes) equals the scalar host/device functor the GPU runs, bit for bit, for
// every mode (land cover with every model form and a growing-stock plane, the threshold
// classifier, a composite of observations) and for pixel counts around its 512-pixel block.
#include "carbon_fixture.hpp"
#include "memory_scene.hpp"
#include "sinkmap/kernels/carbon_stage.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using namespace sinkmap;

namespace {

// Both forms over the first n pixels of a scene whose planes hold `plane` pixels each.
void expect_equal_forms(kernels::carbon_stage_params const& p, std::vector<std::uint16_t> const& in,
                        std::size_t plane, std::size_t n, char const* mode)
{
  std::size_t const outputs = std::size_t(p.n_emit);
  std::vector<float> fast(outputs * plane, -1.0f), scalar(outputs * plane, -1.0f);
  kernels::run_carbon_stage_host(p, in.data(), fast.data(), plane, 0, n);
  kernels::carbon_stage<std::uint16_t> const stage{p, in.data(), scalar.data(), plane};
  for (std::size_t i = 0; i < n; ++i) stage(i);
  std::size_t values = 0;
  for (std::size_t k = 0; k < outputs; ++k)
    for (std::size_t i = 0; i < plane; ++i) {
      float const f = fast[k * plane + i], s = scalar[k * plane + i];
      ASSERT_TRUE(test::same_float(f, s)) << mode << ", n = " << n << ": output " << k << " pixel " << i << ": " << f
                                          << " vs " << s;
      values += i < n && f == f;
    }
  if (n > 64) EXPECT_GT(values, n) << mode << ": too few finite values to compare";
}

std::vector<std::size_t> const sizes = {0, 1, 511, 512, 513, 1500};

}  // namespace

TEST(HostFastPath, LandCoverEveryModelFormAndGrowingStockEqualTheScalarFunctor)
{
  auto const p = test::carbon_fixture_params();
  p->n_emit = kernels::carbon_outputs;
  for (int k = 0; k < kernels::carbon_outputs; ++k) p->emit[k] = k;
  std::size_t const plane = 1500;
  test::memory_scene scene(int(plane), 1, 7);
  for (std::size_t i = 0; i < plane; ++i) scene.planes[6 * plane + i] = std::uint16_t(i % 7);
  for (std::size_t n : sizes) expect_equal_forms(*p, scene.planes, plane, n, "land cover");
}

TEST(HostFastPath, LandCoverWithoutGrowingStockTakesTheSetWisePathAndEqualsTheScalarFunctor)
{
  // No volume plane: the pools are computed a parameter set at a time.
  auto const p = test::carbon_fixture_params();
  p->volume_plane = -1;
  p->n_emit = kernels::carbon_outputs + 2;
  for (int k = 0; k < kernels::carbon_outputs; ++k) p->emit[k] = k;
  p->emit[kernels::carbon_outputs] = kernels::cv_agb_input;
  p->emit[kernels::carbon_outputs + 1] = kernels::index_value_base + 1;  // NDWI
  std::size_t const plane = 1500;
  test::memory_scene scene(int(plane), 1, 7);
  for (std::size_t i = 0; i < plane; ++i) scene.planes[6 * plane + i] = std::uint16_t(i % 7);
  for (std::size_t n : sizes) expect_equal_forms(*p, scene.planes, plane, n, "land cover, no growing stock");
}

TEST(HostFastPath, ThresholdClassifierEqualsTheScalarFunctor)
{
  auto const p = test::carbon_fixture_classifier_params();
  p->n_emit = kernels::carbon_outputs + 2;
  for (int k = 0; k < kernels::carbon_outputs; ++k) p->emit[k] = k;
  p->emit[kernels::carbon_outputs] = kernels::cv_agb_input;
  p->emit[kernels::carbon_outputs + 1] = kernels::index_value_base;  // NDVI
  std::size_t const plane = 1500;
  test::memory_scene scene(int(plane), 1, 7, 7);
  for (std::size_t n : sizes) expect_equal_forms(*p, scene.planes, plane, n, "threshold classifier");
}

TEST(HostFastPath, CompositeOfObservationsEqualsTheScalarFunctor)
{
  // Six observations of the six bands (36 planes, then land cover), clear everywhere but where a
  // band is nodata; each form binds its own one-pixel workspace, as the tile kernel does.
  auto const p = test::carbon_fixture_params();
  p->n_emit = kernels::carbon_outputs;
  for (int k = 0; k < kernels::carbon_outputs; ++k) p->emit[k] = k;
  for (auto& r : p->idx.plane_of_role) r = -1;
  p->use_composite = 1;
  auto& c = p->comp;
  kernels::band_role const roles[4] = {kernels::band_role::blue, kernels::band_role::green, kernels::band_role::red,
                                       kernels::band_role::nir};
  c.n_roles = 4;
  for (int r = 0; r < 4; ++r) {
    c.roles[r] = roles[r];
    c.decode[0][r] = {2.75e-5, -0.2, 0.0, 1};
  }
  c.red_slot = 2;
  c.nir_slot = 3;
  std::vector<kernels::observation> obs(6);
  for (int k = 0; k < 6; ++k) {
    obs[std::size_t(k)].first_plane = 4 * k;
    obs[std::size_t(k)].doy = 150 + 10 * k;
  }
  c.n_obs = 6;
  c.obs = obs.data();
  std::size_t const plane = 1500;
  test::memory_scene scene(int(plane), 1, 25, 11);
  p->landcover_plane = 24;
  p->volume_plane = -1;
  for (std::size_t i = 0; i < plane; ++i) scene.planes[24 * plane + i] = std::uint16_t(i % 7);
  for (auto method : {kernels::composite_method::medoid, kernels::composite_method::median,
                      kernels::composite_method::max_ndvi}) {
    c.method = method;
    std::vector<float> workspace(std::size_t(kernels::composite_workspace_columns(c)) * obs.size() + 1);
    c.workspace = workspace.data();
    c.workspace_per_pixel = 0;
    for (std::size_t n : sizes) expect_equal_forms(*p, scene.planes, plane, n, "composite");
  }
}
