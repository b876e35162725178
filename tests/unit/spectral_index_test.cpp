// Known answers per index, worked by hand (Python's float64 on the formulas as printed in the
// Awesome Spectral Indices catalogue), nodata propagation and zero denominators.
#include "core/error.hpp"
#include "indices/index_request.hpp"
#include "indices/index_tile_kernel.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

using namespace sinkmap;
using kernels::band_role;

namespace {

// A pixel with N=0.5, R=0.1, B=0.05, G=0.08, S1=0.2, S2=0.1.
kernels::pixel_bands test_pixel()
{
  kernels::pixel_bands p;
  for (auto& v : p.v) v = NAN;
  p.v[int(band_role::nir)] = 0.5f;
  p.v[int(band_role::red)] = 0.1f;
  p.v[int(band_role::blue)] = 0.05f;
  p.v[int(band_role::green)] = 0.08f;
  p.v[int(band_role::swir1)] = 0.2f;
  p.v[int(band_role::swir2)] = 0.1f;
  return p;
}

float eval(std::string const& name, kernels::pixel_bands const& p,
           std::vector<std::string> const& consts = {})
{
  auto const req = indices::make_index_request({name}, consts);
  return kernels::evaluate(req.terms[0], p);
}

struct known_answer {
  char const* index;
  double expected;
};

class KnownAnswer : public ::testing::TestWithParam<known_answer> {};

TEST_P(KnownAnswer, MatchesHandComputedValue)
{
  auto const [name, expected] = GetParam();
  EXPECT_NEAR(eval(name, test_pixel()), expected, 2e-7) << name;
}

INSTANTIATE_TEST_SUITE_P(
  AllIndices, KnownAnswer,
  ::testing::Values(known_answer{"NDVI", 0.6666666666666667}, known_answer{"EVI", 0.5797101449275363},
                    known_answer{"EVI2", 0.5749032614704256}, known_answer{"SAVI", 0.5454545454545455},
                    known_answer{"MSAVI2", 0.5527864045000421}, known_answer{"NDWI", -0.7241379310344828},
                    known_answer{"MNDWI", -0.42857142857142855}, known_answer{"NDMI", 0.4285714285714286},
                    known_answer{"NBR", 0.6666666666666667}, known_answer{"GNDVI", 0.7241379310344828},
                    known_answer{"kNDVI", 0.41732165005887123}, known_answer{"NIRv", 0.33333333333333337}),
  [](auto const& info) { return std::string(info.param.index); });

TEST(SpectralIndex, ConstantOverridesApply)
{
  // SAVI with L = 0.25: 1.25 * 0.4 / 0.85.
  EXPECT_NEAR(eval("SAVI", test_pixel(), {"L=0.25"}), 0.5882352941176471, 2e-7);
  EXPECT_NEAR(eval("SAVI", test_pixel(), {"SAVI.L=0.25"}), 0.5882352941176471, 2e-7);
  // kNDVI with a fixed sigma = 0.2, through the kernel form (1 - k) / (1 + k).
  double const k = std::exp(-0.4 * 0.4 / (2 * 0.2 * 0.2));
  EXPECT_NEAR(eval("kNDVI", test_pixel(), {"sigma=0.2"}), (1 - k) / (1 + k), 2e-7);
}

TEST(SpectralIndex, ZeroDenominatorIsNodataNotInf)
{
  auto p = test_pixel();
  p.v[int(band_role::nir)] = 0.f;
  p.v[int(band_role::red)] = 0.f;
  p.v[int(band_role::green)] = 0.f;
  for (auto name : {"NDVI", "NDWI", "GNDVI", "NIRv", "kNDVI"})
    EXPECT_TRUE(std::isnan(eval(name, p))) << name;
  // EVI with L = 0 over N = R = B = 0: a zero denominator.
  p.v[int(band_role::blue)] = 0.f;
  EXPECT_TRUE(std::isnan(eval("EVI", p, {"L=0"})));
  EXPECT_TRUE(std::isnan(eval("SAVI", p, {"L=0"})));
}

TEST(SpectralIndex, NodataPropagates)
{
  auto p = test_pixel();
  p.v[int(band_role::red)] = NAN;
  for (auto name : {"NDVI", "EVI", "EVI2", "SAVI", "MSAVI2", "kNDVI", "NIRv"})
    EXPECT_TRUE(std::isnan(eval(name, p))) << name;
  // Indices that do not read red are unaffected.
  EXPECT_NEAR(eval("NDMI", p), 0.4285714285714286, 2e-7);
}

TEST(IndexStage, DecodesScaleOffsetAndNodata)
{
  // Landsat C2L2 scaling: reflectance = DN * 2.75e-5 - 0.2; DN 0 is fill. Sentinel-2 scaling
  // for the third pixel: DN 1000 * 1e-4 - 0.1 = 0 exactly, so N + R = 0.
  auto const req = indices::make_index_request({"NDVI"}, {});
  kernels::index_stage_params p{};
  for (auto& r : p.plane_of_role) r = -1;
  p.plane_of_role[int(band_role::red)] = 0;
  p.plane_of_role[int(band_role::nir)] = 1;
  for (auto r : {band_role::red, band_role::nir})
    p.decode_of_role[int(r)] = {2.75e-5, -0.2, 0.0, 1};
  p.n_outputs = 1;
  p.terms[0] = req.terms[0];
  // pixel 0: red 10000, nir 20000; pixel 1: red fill; pixel 2: N + R == 0 after scaling.
  std::vector<std::uint16_t> in = {10000, 0, 20000, 20000};
  std::vector<float> out(2);
  indices::index_tile_kernel const k(p, kernels::pixel_type::u16, 2);
  k.run_cpu(in.data(), out.data(), 2, 0, 2);
  double const red = 10000 * 2.75e-5 - 0.2, nir = 20000 * 2.75e-5 - 0.2;
  EXPECT_NEAR(out[0], (nir - red) / (nir + red), 1e-7);
  EXPECT_TRUE(std::isnan(out[1]));

  for (auto r : {band_role::red, band_role::nir})
    p.decode_of_role[int(r)] = {1e-4, -0.1, 0.0, 1};
  indices::index_tile_kernel const s2(p, kernels::pixel_type::u16, 2);
  std::vector<std::uint16_t> zero = {1000, 1000};
  s2.run_cpu(zero.data(), out.data(), 1, 0, 1);
  EXPECT_TRUE(std::isnan(out[0]));
}

TEST(IndexRequest, RejectsUnknownNamesAndConstants)
{
  EXPECT_THROW(indices::make_index_request({"NDXX"}, {}), bad_input);
  try {
    indices::make_index_request({"NDVI"}, {"L=0.5"});
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("--const"), std::string::npos);
  }
  EXPECT_THROW(indices::make_index_request({"SAVI"}, {"L=abc"}), bad_input);
  EXPECT_THROW(indices::make_index_request({}, {}), bad_input);
}

TEST(IndexRequest, CaseInsensitiveListAndRoleUnion)
{
  auto const req = indices::make_index_request({"ndvi,Evi", "NBR"}, {});
  ASSERT_EQ(req.indices.size(), 3u);
  EXPECT_EQ(req.indices[1]->name, "EVI");
  // blue, red, nir, swir2 in role order.
  std::vector<band_role> const want = {band_role::blue, band_role::red, band_role::nir,
                                       band_role::swir2};
  EXPECT_EQ(req.roles, want);
}

}  // namespace
