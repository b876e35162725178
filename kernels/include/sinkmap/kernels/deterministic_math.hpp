// Transcendental functions that give the same bits on the CPU and on the GPU.
//
// Why: CUDA's logf/expf/powf/tanhf differ from glibc's by an ulp or more on a few percent of
// inputs, and in a model like a + b ln(x) near cancellation that grows to tens of ulp, so "GPU
// equals CPU" and "totals identical on any device" would be false. Every function here is built
// from IEEE-754 basic operations only (+, -, *, /, sqrt, floor, comparisons and exact exponent
// manipulation), evaluated in double in one fixed order; with FMA contraction off on both
// compilers (-ffp-contract=off, nvcc -fmad=false) each step rounds identically on both sides.
//
// Accuracy: the double functions are within a few ulp of the exact result (tests compare with
// glibc in double); the float wrappers round the double result once, so they are within 1 ulp of
// glibc's correctly rounded float (tests/unit/deterministic_math_test.cpp sweeps the float range).
//
// Methods (classical, e.g. Muller, "Elementary Functions", 3rd ed., chapters 5 and 11):
//   log: x = m 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m - 1) / (m + 1),
//        as an odd series in s (|s| <= 0.1716, 12 terms reach 2^-60); e ln 2 in two parts.
//   exp: x = k ln 2 + r, |r| <= ln(2)/2 (Cody-Waite, ln 2 in two parts); Taylor series of e^r to
//        degree 14 (error < 2^-60); 2^k by building the exponent field.
//   expm1: the Taylor series of e^r - 1 for |x| < ln(2)/2 (no cancellation), else exp(x) - 1.
//   tanh: t / (t + 2) with t = expm1(2|x|).
//   pow: exp(y ln x) for x > 0, with C's special cases (x <= 0, y integer, zeros, infinities).
//   normal_quantile: Wichura (1988), Algorithm AS 241 PPND16, rational approximations with
//        relative accuracy about 1e-16.
#pragma once

#include "sinkmap/kernels/host_device.hpp"

#include <cstdint>
#if !defined(__CUDA_ARCH__)
#include <cstring>
#endif

namespace sinkmap::kernels {

namespace detail {

SINKMAP_HD std::uint64_t bits_of(double x)
{
#if defined(__CUDA_ARCH__)
  return static_cast<std::uint64_t>(__double_as_longlong(x));
#else
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
#endif
}

SINKMAP_HD double double_of(std::uint64_t u)
{
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(static_cast<long long>(u));
#else
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
#endif
}

/// floor(x), exactly. On the host an integer round trip (a libm call costs more than the whole
/// of a small polynomial on x86-64 without SSE4.1); the same value as floor for every double.
SINKMAP_HD double floor_exact(double x)
{
#if defined(__CUDA_ARCH__)
  return floor(x);
#else
  if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) return x;  // |x| >= 2^52 (or NaN): integral
  double const t = static_cast<double>(static_cast<long long>(x));   // truncation toward zero
  return t > x ? t - 1.0 : t;
#endif
}

/// 2^k for -1022 <= k <= 1023 (a normal number), exactly.
SINKMAP_HD double pow2_normal(int k)
{
  return double_of(static_cast<std::uint64_t>(k + 1023) << 52);
}

/// x * 2^k exactly (as long as the result is representable), for -2098 < k < 2047.
SINKMAP_HD double scale_by_pow2(double x, int k)
{
  // Two steps keep every factor normal; each multiplication by a power of two is exact unless
  // the result is subnormal, where it rounds once (as ldexp does).
  if (k > 1023) {
    x *= pow2_normal(1023);
    k -= 1023;
  } else if (k < -1022) {
    x *= pow2_normal(-1022);
    k += 1022;
    if (k < -1022) {
      x *= pow2_normal(-1022);
      k += 1022;
    }
  }
  return x * pow2_normal(k);
}

// ln 2 split so that k * ln2_hi is exact for |k| < 2^20 (fdlibm's split).
inline constexpr double ln2_hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000
inline constexpr double ln2_lo = 1.90821492927058770002e-10;  // 0x3dea39ef35793c76
inline constexpr double inv_ln2 = 1.44269504088896338700e+00;

/// e^r - 1 for |r| <= 0.35: Taylor series to degree 14 (truncation < 2^-60 relative), Horner.
SINKMAP_HD double expm1_reduced(double r)
{
  double p = 1.0 / 87178291200.0;         // 1/14!
  p = p * r + 1.0 / 6227020800.0;         // 1/13!
  p = p * r + 1.0 / 479001600.0;          // 1/12!
  p = p * r + 1.0 / 39916800.0;           // 1/11!
  p = p * r + 1.0 / 3628800.0;            // 1/10!
  p = p * r + 1.0 / 362880.0;             // 1/9!
  p = p * r + 1.0 / 40320.0;              // 1/8!
  p = p * r + 1.0 / 5040.0;               // 1/7!
  p = p * r + 1.0 / 720.0;                // 1/6!
  p = p * r + 1.0 / 120.0;                // 1/5!
  p = p * r + 1.0 / 24.0;                 // 1/4!
  p = p * r + 1.0 / 6.0;                  // 1/3!
  p = p * r + 0.5;                        // 1/2!
  return r + (r * r) * p;
}

}  // namespace detail

/// Natural logarithm (double). NaN for x < 0 or NaN, -inf for 0, +inf for +inf.
SINKMAP_HD double det_log(double x)
{
  if (x != x || x < 0.0) return NAN;
  if (x == 0.0) return -INFINITY;
  if (x == INFINITY) return INFINITY;
  int e = 0;
  if (x < 2.2250738585072014e-308) {  // subnormal: scale into the normal range first
    x *= 18014398509481984.0;          // 2^54
    e = -54;
  }
  std::uint64_t const u = detail::bits_of(x);
  e += static_cast<int>((u >> 52) & 0x7ff) - 1023;
  double m = detail::double_of((u & 0x000fffffffffffffull) | 0x3ff0000000000000ull);  // [1, 2)
  if (m > 1.4142135623730951) {  // keep m in [sqrt(1/2), sqrt(2)) so |s| <= 0.1716
    m *= 0.5;
    e += 1;
  }
  double const s = (m - 1.0) / (m + 1.0);  // m - 1 is exact (Sterbenz)
  double const z = s * s;
  // 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...): z <= 0.0295, so z^12/25 < 2^-63.
  double p = 1.0 / 25.0;
  p = p * z + 1.0 / 23.0;
  p = p * z + 1.0 / 21.0;
  p = p * z + 1.0 / 19.0;
  p = p * z + 1.0 / 17.0;
  p = p * z + 1.0 / 15.0;
  p = p * z + 1.0 / 13.0;
  p = p * z + 1.0 / 11.0;
  p = p * z + 1.0 / 9.0;
  p = p * z + 1.0 / 7.0;
  p = p * z + 1.0 / 5.0;
  p = p * z + 1.0 / 3.0;
  double const log_m = 2.0 * s + (2.0 * s) * (z * p);
  double const k = static_cast<double>(e);
  return k * detail::ln2_hi + (k * detail::ln2_lo + log_m);
}

/// e^x (double). +inf above ln(DBL_MAX), 0 below the subnormal range, NaN for NaN.
SINKMAP_HD double det_exp(double x)
{
  if (x != x) return NAN;
  if (x > 709.782712893384) return INFINITY;
  if (x < -745.1332191019412) return 0.0;
  double const kd = detail::floor_exact(x * detail::inv_ln2 + 0.5);
  double const r = (x - kd * detail::ln2_hi) - kd * detail::ln2_lo;  // |r| <= 0.3466
  double const er = 1.0 + detail::expm1_reduced(r);
  return detail::scale_by_pow2(er, static_cast<int>(kd));
}

/// e^x - 1 (double), accurate near 0.
SINKMAP_HD double det_expm1(double x)
{
  if (x != x) return NAN;
  if (x > -0.34657359027997264 && x < 0.34657359027997264) return detail::expm1_reduced(x);
  if (x < -40.0) return -1.0;
  return det_exp(x) - 1.0;
}

/// Hyperbolic tangent (double).
SINKMAP_HD double det_tanh(double x)
{
  if (x != x) return NAN;
  double const a = x < 0.0 ? -x : x;
  double t;
  if (a > 22.0) {
    t = 1.0;  // tanh(22) rounds to 1 in double
  } else {
    double const e = det_expm1(2.0 * a);
    t = e / (e + 2.0);
  }
  return x < 0.0 ? -t : t;
}

/// x^y (double) with C's special cases: x^0 = 1, 1^y = 1, x < 0 only for integer y.
SINKMAP_HD double det_pow(double x, double y)
{
  if (y == 0.0 || x == 1.0) return 1.0;
  if (x != x || y != y) return NAN;
  if (x == 0.0) return y > 0.0 ? 0.0 : INFINITY;
  if (x < 0.0) {
    bool const y_integer = detail::floor_exact(y) == y;
    bool const y_odd = y_integer && detail::floor_exact(y * 0.5) != y * 0.5;
    if (!y_integer) return NAN;
    double const r = det_pow(-x, y);
    return y_odd ? -r : r;
  }
  if (x == INFINITY) return y > 0.0 ? INFINITY : 0.0;
  return det_exp(y * det_log(x));
}

/// The quantile of the standard normal distribution at p (0 < p < 1): Wichura's AS 241
/// (PPND16). -inf at 0, +inf at 1, NaN outside [0, 1].
SINKMAP_HD double normal_quantile(double p)
{
  if (!(p >= 0.0 && p <= 1.0)) return NAN;
  if (p == 0.0) return -INFINITY;
  if (p == 1.0) return INFINITY;
  double const q = p - 0.5;
  if ((q < 0.0 ? -q : q) <= 0.425) {
    double const r = 0.180625 - q * q;
    double const num =
      ((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
       133.14166789178437745) * r + 3.387132872796366608;
    double const den =
      ((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
          21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
       42.313330701600911252) * r + 1.0;
    return q * num / den;
  }
  double r = q < 0.0 ? p : 1.0 - p;
  r = sqrt(-det_log(r));
  double z;
  if (r <= 5.0) {
    r -= 1.6;
    double const num =
      ((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r +
           0.24178072517745061177) * r + 1.27045825245236838258) * r +
         3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r +
      1.42343711074968357734;
    double const den =
      ((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r +
           0.0151986665636164571966) * r + 0.14810397642748007459) * r +
         0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r +
      1.0;
    z = num / den;
  } else {
    r -= 5.0;
    double const num =
      ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
           0.0012426609473880784386) * r + 0.026532189526576123093) * r +
         0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r +
      6.6579046435011037772;
    double const den =
      ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r +
           1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
         0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r +
      1.0;
    z = num / den;
  }
  return q < 0.0 ? -z : z;
}

// Float forms: the double result rounded once.
SINKMAP_HD float det_logf(float x) { return static_cast<float>(det_log(static_cast<double>(x))); }
SINKMAP_HD float det_expf(float x) { return static_cast<float>(det_exp(static_cast<double>(x))); }
SINKMAP_HD float det_tanhf(float x) { return static_cast<float>(det_tanh(static_cast<double>(x))); }
SINKMAP_HD float det_powf(float x, float y)
{
  return static_cast<float>(det_pow(static_cast<double>(x), static_cast<double>(y)));
}

}  // namespace sinkmap::kernels
