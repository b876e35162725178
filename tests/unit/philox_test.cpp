// Philox4x32-10 against the known-answer vectors of Random123 (kat_vectors), and the uniforms
// the Monte Carlo draws from it: inside (0, 1), mean 1/2 and variance 1/12.
#include "sinkmap/kernels/philox.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace sinkmap::kernels;

TEST(Philox, MatchesRandom123KnownAnswers)
{
  struct kat {
    philox_block ctr;
    std::uint32_t k0, k1;
    philox_block want;
  };
  kat const cases[] = {
    {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
    {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu,
     {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
    {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u,
     {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
  };
  for (auto const& c : cases) {
    auto const r = philox4x32_10(c.ctr, c.k0, c.k1);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(r.v[k], c.want.v[k]) << k;
  }
}

TEST(Philox, UniformsAreInTheOpenUnitIntervalAndUniform)
{
  double sum = 0, sum2 = 0;
  int const n = 200000;
  for (int i = 0; i < n; ++i) {
    double a, b;
    philox_uniforms(12345, random_stream::residual, std::uint32_t(i % 1000), std::uint64_t(i / 1000), 0, a, b);
    ASSERT_GT(a, 0.0);
    ASSERT_LT(a, 1.0);
    ASSERT_GT(b, 0.0);
    ASSERT_LT(b, 1.0);
    sum += a + b;
    sum2 += a * a + b * b;
  }
  double const mean = sum / (2 * n), var = sum2 / (2 * n) - mean * mean;
  EXPECT_NEAR(mean, 0.5, 0.003);
  EXPECT_NEAR(var, 1.0 / 12, 0.001);
  // Different streams, iterations, ids and years give different numbers.
  double a0, a1, b0, b1;
  philox_uniforms(1, random_stream::residual, 0, 7, 0, a0, a1);
  philox_uniforms(1, random_stream::confusion, 0, 7, 0, b0, b1);
  EXPECT_NE(a0, b0);
  philox_uniforms(1, random_stream::residual, 0, 7, 1, b0, b1);
  EXPECT_NE(a0, b0);
}
