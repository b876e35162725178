// GPU equals CPU for InVEST Coastal Blue Carbon's timeline: random tables (half-lives of 0
// included), a random matrix with every kind of cell and random five-snapshot paths. The CUDA
// kernel and the CPU loop run the same functor; pow() may differ in its last bit between the
// device and host libraries, so values agree to 1e-6 relative rather than bit for bit.
#include "carbon/stage_tile_kernel.hpp"
#include "gpu/gpu_test.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <random>

using namespace sinkmap;

namespace {

using BlueCarbonGpu = test::gpu_test;

}  // namespace

TEST_F(BlueCarbonGpu, TimelineEqualsCpu)
{
  namespace k = kernels;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(0, 1);
  auto p = std::make_unique<k::cbc_params>();
  int const classes = 9;
  std::memset(p->row_of_code, k::cbc_no_class, sizeof p->row_of_code);
  for (int c = 0; c < classes; ++c) {
    p->row_of_code[10 + c] = static_cast<unsigned char>(c);
    auto& r = p->rows[c];
    for (int q = 0; q < 3; ++q) {
      r.initial[q] = 100 * u(rng);
      r.accumulation[q] = 3 * u(rng);
    }
    for (int q = 0; q < 2; ++q) {
      r.half_life[q] = c % 4 == 0 ? 0.0f : 20 * u(rng);
      for (int l = 0; l < 3; ++l) r.disturb[q][l] = u(rng);
    }
  }
  for (int a = 0; a < classes; ++a)
    for (int b = 0; b < classes; ++b) p->cell[a][b] = static_cast<unsigned char>(rng() % 5);
  p->n_snapshots = 5;
  int const years[] = {2000, 2003, 2009, 2015, 2022};
  for (int s = 0; s < 5; ++s) p->years[s] = years[s];
  p->analysis_year = 2040;
  std::size_t const n = 5000;
  std::vector<float> in(5 * n);
  for (auto& v : in) v = rng() % 13 == 0 ? NAN : float(10 + int(rng() % classes));
  int const outputs = k::cbc_outputs(*p);
  std::vector<float> cpu(std::size_t(outputs) * n);
  k::blue_carbon_stage<float> const stage{*p, in.data(), cpu.data(), n};
  for (std::size_t i = 0; i < n; ++i) stage(i);

  carbon::blue_carbon_tile_kernel const kernel(*p, k::pixel_type::f32, 5, outputs,
                                               SINKMAP_CUDA_LAUNCHER(launch_blue_carbon_stage));
  auto ex = pipeline::make_cuda_executor();
  ex->allocate(1, in.size() * sizeof(float), cpu.size() * sizeof(float));
  std::memcpy(ex->host_input(0), in.data(), in.size() * sizeof(float));
  ex->submit(0, pipeline::window{0, 0, int(n), 1}, kernel);
  ex->wait(0);
  auto const* gpu = static_cast<float const*>(ex->host_output(0));
  int nan = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    if (std::isnan(cpu[i])) {
      ++nan;
      ASSERT_TRUE(std::isnan(gpu[i])) << i;
      continue;
    }
    ASSERT_NEAR(gpu[i], cpu[i], 1e-6f * std::abs(cpu[i]) + 1e-6f) << "plane " << i / n << " pixel " << i % n;
  }
  EXPECT_GT(nan, 0);  // the nodata pixels stay nodata
}
