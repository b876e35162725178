// Per-pixel trend over a stack of annual maps (host/device): the Theil-Sen slope (Sen 1968) and
// the two-sided Mann-Kendall test (Mann 1945, Kendall 1975) with the tie-corrected variance.
//
// Over the n years whose value is valid (n < 3: nodata):
//   slope = median of (x_j - x_i) / (t_j - t_i) over all pairs i < j (an even count takes the
//           mean of the two middle values), in the map's unit per year;
//   S     = sum over i < j of sign(x_j - x_i);
//   Var S = [n(n-1)(2n+5) - sum over tie groups of t(t-1)(2t+5)] / 18;
//   Z     = (S - 1) / sqrt(Var S) for S > 0, (S + 1) / sqrt(Var S) for S < 0, 0 for S = 0;
//   p     = 2 (1 - Phi(|Z|)) = erfc(|Z| / sqrt 2).
// The median comes from a selection whose result does not depend on the order of work, and
// erfc is built from the deterministic exp, so CPU and GPU agree to the bit.
#pragma once

#include "sinkmap/kernels/deterministic_math.hpp"

#include <cstddef>

namespace sinkmap::kernels {

inline constexpr int max_trend_years = 40;
inline constexpr int trend_outputs = 3;  // slope, p_value, n

/// erfc(x) in double for x >= 0: a power series of erf below 2, a continued fraction above.
SINKMAP_HD double det_erfc(double x)
{
  if (x != x) return NAN;
  if (x < 0) return 2.0 - det_erfc(-x);
  double const two_over_sqrt_pi = 1.1283791670955126;
  if (x < 2.0) {
    // erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)); terms fall below 1e-17 by n = 40.
    double const x2 = x * x;
    double term = x, sum = x;
    for (int n = 1; n < 60; ++n) {
      term = -term * x2 / double(n);
      double const add = term / double(2 * n + 1);
      sum += add;
      if ((add < 0 ? -add : add) < 1e-18 * (sum < 0 ? -sum : sum)) break;
    }
    return 1.0 - two_over_sqrt_pi * sum;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) / (x + 1/2 / (x + 1 / (x + 3/2 / (x + ...)))), evaluated from
  // the tail up (80 terms: far more than needed for x >= 2).
  double f = x;
  for (int k = 80; k >= 1; --k) f = x + (0.5 * double(k)) / f;
  return det_exp(-x * x) / (1.7724538509055160 * f);
}

/// The k-th smallest (0-based) of a[0..n) by selection; rearranges a.
SINKMAP_HD float select_kth(float* a, int n, int k)
{
  int lo = 0, hi = n - 1;
  while (lo < hi) {
    // Median-of-three pivot, then a Hoare partition.
    int const mid = lo + (hi - lo) / 2;
    float x = a[lo], y = a[mid], z = a[hi];
    float const pivot = (x < y) ? ((y < z) ? y : (x < z ? z : x)) : ((x < z) ? x : (y < z ? z : y));
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) ++i;
      while (pivot < a[j]) --j;
      if (i <= j) {
        float const t = a[i];
        a[i] = a[j];
        a[j] = t;
        ++i;
        --j;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

struct trend_params {
  int n_years = 0;
  float years[max_trend_years];   ///< time of each plane (years)
  int has_nodata = 0;
  float nodata = 0;               ///< input nodata besides NaN
};

/// slope, p_value and n of one pixel (planes in year order).
template <typename T>
SINKMAP_HD void trend_at(trend_params const& p, T const* in, std::size_t plane, std::size_t i, float* out)
{
  float x[max_trend_years], t[max_trend_years];
  int n = 0;
  for (int k = 0; k < p.n_years; ++k) {
    float const v = static_cast<float>(in[std::size_t(k) * plane + i]);
    if (v != v || (p.has_nodata && v == p.nodata)) continue;
    x[n] = v;
    t[n] = p.years[k];
    ++n;
  }
  out[2] = float(n);
  if (n < 3) {
    out[0] = NAN;
    out[1] = NAN;
    return;
  }
  // Theil-Sen: the median of the pairwise slopes.
  float slopes[max_trend_years * (max_trend_years - 1) / 2];
  int m = 0;
  int s = 0;
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b) {
      slopes[m++] = (x[b] - x[a]) / (t[b] - t[a]);
      s += (x[b] > x[a]) - (x[b] < x[a]);
    }
  float const hi = select_kth(slopes, m, m / 2);
  float slope = hi;
  if ((m & 1) == 0) {
    // The lower middle: the largest of the left part after selecting m / 2.
    float lo = slopes[0];
    for (int k = 1; k < m / 2; ++k) lo = slopes[k] > lo ? slopes[k] : lo;
    slope = 0.5f * (lo + hi);
  }
  out[0] = slope;
  // Mann-Kendall variance with ties: sort a copy of x (insertion sort, n <= 40) and count runs.
  float sorted[max_trend_years];
  for (int a = 0; a < n; ++a) {
    float const v = x[a];
    int b = a;
    while (b > 0 && sorted[b - 1] > v) {
      sorted[b] = sorted[b - 1];
      --b;
    }
    sorted[b] = v;
  }
  double ties = 0;
  for (int a = 0; a < n;) {
    int b = a + 1;
    while (b < n && sorted[b] == sorted[a]) ++b;
    double const g = double(b - a);
    ties += g * (g - 1) * (2 * g + 5);
    a = b;
  }
  double const dn = double(n);
  double const var = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18.0;
  double z = 0;
  if (var > 0) {
    if (s > 0) z = (double(s) - 1) / sqrt(var);
    else if (s < 0) z = (double(s) + 1) / sqrt(var);
  }
  out[1] = float(det_erfc((z < 0 ? -z : z) / 1.4142135623730951));
}

template <typename T>
struct trend_stage {
  trend_params const& p;
  T const* in;
  float* out;
  std::size_t plane;

  SINKMAP_HD void operator()(std::size_t i) const
  {
    float v[trend_outputs];
    trend_at(p, in, plane, i, v);
    for (int k = 0; k < trend_outputs; ++k) out[std::size_t(k) * plane + i] = stored(v[k]);
  }
};

}  // namespace sinkmap::kernels
