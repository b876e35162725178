// Vectorized agb_shape (agb_shape_block in carbon_stage.hpp): each core repeats
// det_log and det_exp of deterministic_math.hpp operation for operation, written without
// branches (selects, and the exponent and floor by exact floating-point tricks) so that the
// compiler vectorizes them; -fno-trapping-math (this file only) lets it evaluate both arms of a
// select, which changes no result. tests/unit/deterministic_math_test.cpp checks the bits
// against the scalar functions.
#include "sinkmap/kernels/carbon_stage.hpp"

#include <cstdint>
#include <cstring>

namespace sinkmap::kernels {
namespace {

inline std::uint64_t bits(double x)
{
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

inline double from_bits(std::uint64_t u)
{
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

constexpr double shifter = 6755399441055744.0;  // 1.5 x 2^52: x + shifter - shifter rounds x to an integer
constexpr double two52 = 4503599627370496.0;

// det_log for a positive normal x.
inline double log_core(double x)
{
  std::uint64_t const u = bits(x);
  double const e_field = from_bits(0x4330000000000000ull | ((u >> 52) & 0x7ffull)) - two52;  // exact
  double m = from_bits((u & 0x000fffffffffffffull) | 0x3ff0000000000000ull);
  bool const big = m > 1.4142135623730951;
  m = big ? m * 0.5 : m;
  double const k = (e_field - 1023.0) + (big ? 1.0 : 0.0);  // the integer e of det_log, exactly
  double const s = (m - 1.0) / (m + 1.0);
  double const z = s * s;
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
  return k * detail::ln2_hi + (k * detail::ln2_lo + log_m);
}

// det_exp for |t| < 700 (2^k stays a normal number, so scale_by_pow2 is one multiplication).
inline double exp_core(double t)
{
  double const f = t * detail::inv_ln2 + 0.5;
  double const rn = (f + shifter) - shifter;  // f rounded to an integer
  double const kd = rn > f ? rn - 1.0 : rn;   // floor(f), exactly
  double const r = (t - kd * detail::ln2_hi) - kd * detail::ln2_lo;
  double p = 1.0 / 87178291200.0;
  p = p * r + 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  double const er = 1.0 + (r + (r * r) * p);
  std::uint64_t const kbits = bits(kd + shifter);  // low bits: kd as a two's-complement integer
  double const scale = from_bits(((kbits + 1023ull) & 0x7ffull) << 52);
  return er * scale;
}

constexpr double min_normal = 2.2250738585072014e-308;

__attribute__((target_clones("avx512f", "avx2", "default")))
void power_block(float b, float const* x, float* out, unsigned char* slow, int n)
{
  double const y = b;
  for (int k = 0; k < n; ++k) {
    double const xd = x[k];
    bool const normal = (xd > min_normal) & (xd < 1.0e300);
    double const t = y * log_core(normal ? xd : 1.0);
    bool const fast = normal & (t > -700.0) & (t < 700.0) & !(xd == 1.0);
    out[k] = static_cast<float>(exp_core(fast ? t : 0.0));
    slow[k] = fast ? 0 : 1;
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void exponential_block(float b, float const* x, float* out, unsigned char* slow, int n)
{
  for (int k = 0; k < n; ++k) {
    double const t = static_cast<double>(b * x[k]);  // det_expf(m.b * x): the product in float
    bool const fast = (t > -700.0) & (t < 700.0);
    out[k] = static_cast<float>(exp_core(fast ? t : 0.0));
    slow[k] = fast ? 0 : 1;
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void log_block(float const* x, float* out, unsigned char* slow, int n)
{
  for (int k = 0; k < n; ++k) {
    double const xd = x[k];
    bool const fast = (xd > min_normal) & (xd < 1.0e300);
    out[k] = static_cast<float>(log_core(fast ? xd : 1.0));
    slow[k] = fast ? 0 : 1;
  }
}

}  // namespace

void agb_shape_block(class_params const& m, float const* x, float* shape, int n)
{
  constexpr int chunk = 512;
  unsigned char slow[chunk];
  for (int k0 = 0; k0 < n; k0 += chunk) {
    int const len = n - k0 < chunk ? n - k0 : chunk;
    switch (m.form) {
      case agb_form::power: power_block(m.b, x + k0, shape + k0, slow, len); break;
      case agb_form::exponential: exponential_block(m.b, x + k0, shape + k0, slow, len); break;
      case agb_form::logarithmic: log_block(x + k0, shape + k0, slow, len); break;
      default:
        for (int k = 0; k < len; ++k) shape[k0 + k] = agb_shape(m, x[k0 + k]);
        continue;
    }
    for (int k = 0; k < len; ++k)
      if (slow[k]) shape[k0 + k] = agb_shape(m, x[k0 + k]);
  }
}

}  // namespace sinkmap::kernels
