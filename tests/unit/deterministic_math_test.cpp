// The deterministic transcendental functions against glibc (in double) over the float ranges
// the stages use: at most 1 ulp in float (the issue allows 2), a few ulp in double.
#include "sinkmap/kernels/carbon_stage.hpp"
#include "sinkmap/kernels/deterministic_math.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

using namespace sinkmap::kernels;

namespace {

std::int64_t ordered(float x)
{
  auto const i = std::int32_t(float_bits(x));
  return i < 0 ? -std::int64_t(i & 0x7fffffff) : std::int64_t(i);
}

std::int64_t ulps(float a, float b)
{
  if (std::isnan(a) || std::isnan(b)) return (std::isnan(a) && std::isnan(b)) ? 0 : 1 << 30;
  if (std::isinf(a) || std::isinf(b)) return a == b ? 0 : 1 << 30;
  std::int64_t const d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

double ulps(double a, double b)
{
  if (a == b) return 0;
  double const u = std::nextafter(std::abs(b), INFINITY) - std::abs(b);
  return std::abs(a - b) / u;
}

// Calls f on every `stride`-th float (by bit pattern) from lo to hi, 0 <= lo <= hi, and on hi.
template <typename F>
void sweep(float lo, float hi, std::uint32_t stride, F&& f)
{
  std::uint32_t const ua = float_bits(lo), ub = float_bits(hi);
  for (std::uint64_t u = ua; u <= ub; u += stride) f(float_from_bits(std::uint32_t(u)));
  f(hi);
}

}  // namespace

TEST(DeterministicMath, LogfWithinOneUlpOfGlibcOverAllPositiveFloats)
{
  std::int64_t worst = 0;
  std::size_t n = 0;
  sweep(std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max(), 613,
        [&](float x) {
          float const want = float(std::log(double(x)));
          worst = std::max(worst, ulps(det_logf(x), want));
          ++n;
        });
  EXPECT_LE(worst, 1) << "over " << n << " floats";
  EXPECT_GT(n, 3000000u);
  EXPECT_TRUE(std::isnan(det_logf(-1.0f)));
  EXPECT_TRUE(std::isnan(det_logf(NAN)));
  EXPECT_EQ(det_logf(0.0f), -INFINITY);
  EXPECT_EQ(det_logf(INFINITY), INFINITY);
  EXPECT_EQ(det_logf(1.0f), 0.0f);
}

TEST(DeterministicMath, ExpfWithinOneUlpOfGlibcOverItsFiniteRange)
{
  std::int64_t worst = 0;
  std::size_t n = 0;
  for (float s : {1.0f, -1.0f}) {
    sweep(0.0f, s > 0 ? 88.72f : 103.97f, 97, [&](float a) {
      float const x = s * a;
      worst = std::max(worst, ulps(det_expf(x), float(std::exp(double(x)))));
      ++n;
    });
  }
  EXPECT_LE(worst, 1) << "over " << n << " floats";
  EXPECT_EQ(det_expf(0.0f), 1.0f);
  EXPECT_EQ(det_expf(100.0f), INFINITY);
  EXPECT_EQ(det_expf(-200.0f), 0.0f);
  EXPECT_TRUE(std::isnan(det_expf(NAN)));
}

TEST(DeterministicMath, TanhfWithinOneUlpOfGlibc)
{
  std::int64_t worst = 0;
  for (float s : {1.0f, -1.0f})
    sweep(0.0f, 30.0f, 37, [&](float a) {
      float const x = s * a;
      worst = std::max(worst, ulps(det_tanhf(x), float(std::tanh(double(x)))));
    });
  EXPECT_LE(worst, 1);
  EXPECT_EQ(det_tanhf(0.0f), 0.0f);
  EXPECT_EQ(det_tanhf(1e-30f), 1e-30f);
  EXPECT_EQ(det_tanhf(-1e30f), -1.0f);
}

TEST(DeterministicMath, PowfWithinOneUlpOfGlibcOnTheModelDomain)
{
  // Power models: x an index or reflectance (0, 4], exponents [-6, 6]; plus wide bases.
  std::int64_t worst = 0;
  std::size_t n = 0;
  for (float y = -6.0f; y <= 6.0f; y += 0.0625f)
    sweep(1e-6f, 4.0f, 4099, [&](float x) {
      worst = std::max(worst, ulps(det_powf(x, y), float(std::pow(double(x), double(y)))));
      ++n;
    });
  for (float y : {0.37f, 1.7f, 2.5f, -0.8f})
    sweep(1e-30f, 1e30f, 9973, [&](float x) {
      worst = std::max(worst, ulps(det_powf(x, y), float(std::pow(double(x), double(y)))));
    });
  EXPECT_LE(worst, 1) << "over " << n << " pairs";
  // C's special cases.
  EXPECT_EQ(det_powf(0.0f, 2.0f), 0.0f);
  EXPECT_EQ(det_powf(0.0f, -1.0f), INFINITY);
  EXPECT_EQ(det_powf(-2.0f, 3.0f), -8.0f);
  EXPECT_EQ(det_powf(-2.0f, 2.0f), 4.0f);
  EXPECT_TRUE(std::isnan(det_powf(-2.0f, 1.5f)));
  EXPECT_EQ(det_powf(NAN, 0.0f), 1.0f);
  EXPECT_EQ(det_powf(1.0f, NAN), 1.0f);
  EXPECT_TRUE(std::isnan(det_powf(NAN, 2.0f)));
}

TEST(DeterministicMath, DoubleFunctionsWithinFewUlpOfGlibc)
{
  double worst_log = 0, worst_exp = 0, worst_expm1 = 0;
  for (double x = 1e-300; x < 1e300; x *= 1.0137)
    worst_log = std::max(worst_log, ulps(det_log(x), std::log(x)));
  for (double x = -700; x < 700; x += 0.0173)
    worst_exp = std::max(worst_exp, ulps(det_exp(x), std::exp(x)));
  for (double x = -1; x < 1; x += 0.000137)
    worst_expm1 = std::max(worst_expm1, ulps(det_expm1(x), std::expm1(x)));
  EXPECT_LE(worst_log, 4);
  EXPECT_LE(worst_exp, 4);
  EXPECT_LE(worst_expm1, 4);
  EXPECT_NEAR(det_log(5e-324), std::log(5e-324), 1e-12);  // subnormal input
}

TEST(DeterministicMath, NormalQuantileInvertsTheNormalCdf)
{
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-16);
  EXPECT_NEAR(normal_quantile(0.025), -1.959963984540054, 1e-14);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-12);
  // Phi(q(p)) = p, with Phi(z) = erfc(-z / sqrt 2) / 2 from glibc.
  for (double p = 1e-300; p < 0.5; p *= 3.7) {
    double const z = normal_quantile(p);
    EXPECT_NEAR(0.5 * std::erfc(-z / std::sqrt(2.0)) / p, 1.0, 1e-12) << p;
  }
  for (double p = 0.001; p < 1.0; p += 0.001) {
    double const z = normal_quantile(p);
    EXPECT_NEAR(0.5 * std::erfc(-z / std::sqrt(2.0)), p, 2e-15) << p;
  }
  EXPECT_EQ(normal_quantile(0.0), -INFINITY);
  EXPECT_EQ(normal_quantile(1.0), INFINITY);
  EXPECT_TRUE(std::isnan(normal_quantile(1.5)));
}

TEST(DeterministicMath, VectorizedModelShapesEqualTheScalarFunctionsBitForBit)
{
  // The host's block form of x^b, e^(b x) and ln x (kernels/src/shape_block.cpp) against the
  // scalar functions the GPU runs: every float of [2^-30, 4] at a stride, the special inputs
  // (0, subnormals, negatives, NaN, inf, 1) and exponents over the range calibrate writes.
  using namespace sinkmap::kernels;
  std::vector<float> x;
  std::uint32_t const lo = float_bits(std::ldexp(1.0f, -30)), hi = float_bits(4.0f);
  for (std::uint32_t u = lo; u < hi; u += 97) x.push_back(float_from_bits(u));
  for (float f : {0.0f, -0.0f, 1e-45f, 1e-40f, -0.5f, 1.0f, NAN, INFINITY, -INFINITY, 3e38f, 1e-38f}) x.push_back(f);
  std::vector<float> got(x.size());
  long checked = 0;
  for (agb_form form : {agb_form::power, agb_form::exponential, agb_form::logarithmic}) {
    for (float exponent : {1.5f, 0.37f, -2.25f, 3.0f, 0.0f, 12.5f, -80.0f, 200.0f}) {
      class_params m;
      m.form = form;
      m.b = exponent;
      agb_shape_block(m, x.data(), got.data(), int(x.size()));
      for (std::size_t k = 0; k < x.size(); ++k) {
        float const want = agb_shape(m, x[k]);
        ASSERT_TRUE(std::memcmp(&want, &got[k], 4) == 0 || (std::isnan(want) && std::isnan(got[k])))
          << "form " << int(form) << " b " << exponent << " x " << x[k] << ": " << got[k] << " vs " << want;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 5000000);
}
