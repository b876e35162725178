// The Monte Carlo on the GPU equals the CPU to the last digit: the per-(zone, class) iteration
// totals are exact integers on both sides, and the per-pixel SD floats are bit-equal, with
// per-pixel residuals, a land-cover confusion matrix and Tier 1 runs, for several tile sizes.
#include "gpu/gpu_test.hpp"
#include "montecarlo_problem.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace sinkmap;

namespace {
using MonteCarloGpu = test::gpu_test;

bool same_bits(float a, float b) { return std::memcmp(&a, &b, 4) == 0; }
}  // namespace

TEST_F(MonteCarloGpu, EqualsCpuToTheLastDigit)
{
  for (bool confusion : {false, true}) {
    bench::mc_problem const pr(301, 157, 96, confusion);
    auto cpu = pipeline::make_executor(pipeline::device_kind::cpu);
    auto const ref = pr.run(*cpu, 64, 2);
    ASSERT_EQ(ref.totals.size(), 6u);  // 2 zones x 3 classes
    for (int tile : {64, 1024}) {
      auto gpu = pipeline::make_cuda_executor();
      auto const got = pr.run(*gpu, tile, 2);
      ASSERT_EQ(got.totals.size(), ref.totals.size());
      for (auto const& [key, v] : ref.totals) {
        auto const& g = got.totals.at(key);
        for (std::size_t k = 0; k < v.size(); ++k)
          ASSERT_EQ(g[k], v[k]) << "zone " << key.first << " class " << key.second << " entry " << k << " tile " << tile;
      }
      for (std::size_t i = 0; i < ref.sd.size(); ++i)
        ASSERT_TRUE(same_bits(got.sd[i], ref.sd[i]))
          << "pixel " << i << ": " << got.sd[i] << " vs " << ref.sd[i];
    }
  }
}

TEST_F(MonteCarloGpu, TileWithoutCountedPixelsHasNanSd)
{
  // The first 64 x 64 tile is unmapped (c_total NaN): the device has no cell to draw there and
  // must still write the SD plane, NaN as the CPU does, not leave the slot's old bytes.
  bench::mc_problem pr(200, 130, 16, false);
  std::size_t const px = std::size_t(pr.width) * pr.height;
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) pr.planes[2 * px + std::size_t(y) * pr.width + x] = NAN;
  auto cpu = pipeline::make_executor(pipeline::device_kind::cpu);
  auto const ref = pr.run(*cpu, 64, 2);
  auto gpu = pipeline::make_cuda_executor();
  pr.run(*gpu, 64, 2);  // leaves non-NaN SD values in the device slots
  auto const got = pr.run(*gpu, 64, 2);
  ASSERT_EQ(got.totals, ref.totals);
  for (std::size_t i = 0; i < ref.sd.size(); ++i)
    ASSERT_TRUE(same_bits(got.sd[i], ref.sd[i])) << "pixel " << i << ": " << got.sd[i] << " vs " << ref.sd[i];
  EXPECT_TRUE(std::isnan(got.sd[0]));
}
