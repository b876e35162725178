// Per-pixel clear-sky compositing of many dated observations (scenes) of one grid, host/device.
//
// An observation is clear at a pixel when its quality planes say clear and every role band is
// valid (not nodata, inside the valid reflectance range). From the clear observations:
//   median    per band, the median (an even count takes the mean of the two middle values);
//   max-ndvi  every band of the observation with the highest NDVI (Holben 1986);
//   medoid    every band of the observation whose summed Euclidean distance over the role bands
//             to all other clear observations is smallest (Flood 2013).
// Observations are ordered by date; ties go to the earliest. Every sum runs in a fixed order and
// FMA contraction is off on both compilers, so CPU and GPU give the same bits.
#pragma once

#include "sinkmap/kernels/index_stage.hpp"

#include <cstddef>
#include <cstdint>

namespace sinkmap::kernels {

inline constexpr int max_observations = 64;
inline constexpr int max_composite_roles = 8;
inline constexpr int max_decode_groups = 8;
inline constexpr int max_clear_tests = 2;

enum class composite_method : int { medoid = 0, median = 1, max_ndvi = 2 };

/// One quality plane of an observation and the rule that says a sample is clear.
struct clear_test {
  int plane = -1;  ///< input plane; -1: unused
  /// 1: clear where no bit of `set[0]` is set (QA bit flags: Landsat QA_PIXEL, QA_RADSAT);
  /// 2: clear where the value is in `set` (a list of clear values, e.g. Fmask 0,1);
  /// 3: clear where the value is not in `set` (classes to mask, e.g. Sentinel-2 SCL).
  int mode = 0;
  std::uint32_t set[8] = {};  ///< 256-bit value set (modes 2, 3) or the QA bits (mode 1)
};

SINKMAP_HD bool sample_is_clear(clear_test const& t, float sample)
{
  if (t.mode == 0) return true;
  if (sample != sample || sample < 0.0f) return false;  // no quality information: not clear
  unsigned const v = static_cast<unsigned>(sample);
  if (t.mode == 1) return (v & t.set[0]) == 0u;
  bool const in = v < 256u && ((t.set[v >> 5] >> (v & 31u)) & 1u) != 0u;
  return t.mode == 2 ? in : !in;
}

/// One dated observation: its role bands in consecutive input planes, how to decode them, and
/// its quality planes.
struct observation {
  int first_plane = 0;  ///< plane of role slot 0; slot r is first_plane + r
  int decode = 0;       ///< decode group (scale, offset, nodata per role slot)
  int doy = 0;          ///< day of year of the acquisition
  clear_test tests[max_clear_tests];
};

struct composite_params {
  composite_method method = composite_method::medoid;
  int n_roles = 0;
  band_role roles[max_composite_roles];      ///< role of each slot
  int red_slot = -1, nir_slot = -1;          ///< for max-ndvi
  input_decode decode[max_decode_groups][max_composite_roles];
  float valid_min = -INFINITY, valid_max = INFINITY;  ///< reflectance after scaling
  int n_obs = 0;
  observation obs[max_observations];         ///< in date order
};

/// The composite of one pixel: a value per role slot (NaN without a clear observation), the
/// number of clear observations, and the day of year of the chosen one (medoid, max-ndvi).
struct composite_pixel {
  float v[max_composite_roles];
  int clear_count;
  float doy;
};

/// Reflectance of role slot r of observation k at pixel i, NaN if nodata or outside the range.
template <typename T>
SINKMAP_HD float observed(composite_params const& p, T const* in, std::size_t plane, std::size_t i,
                          int k, int r)
{
  observation const& o = p.obs[k];
  float const x = decode_sample(in[std::size_t(o.first_plane + r) * plane + i], p.decode[o.decode][r]);
  return (x >= p.valid_min && x <= p.valid_max) ? x : NAN;
}

template <typename T>
SINKMAP_HD void composite_at(composite_params const& p, T const* in, std::size_t plane,
                             std::size_t i, composite_pixel& out)
{
  // The clear observations' reflectances, in date order.
  float x[max_observations][max_composite_roles];
  int idx[max_observations];
  int n = 0;
  for (int k = 0; k < p.n_obs; ++k) {
    observation const& o = p.obs[k];
    bool clear = true;
    for (int t = 0; t < max_clear_tests; ++t)
      if (o.tests[t].plane >= 0)
        clear = clear && sample_is_clear(o.tests[t], static_cast<float>(in[std::size_t(o.tests[t].plane) * plane + i]));
    if (!clear) continue;
    for (int r = 0; r < p.n_roles; ++r) {
      float const v = observed(p, in, plane, i, k, r);
      clear = clear && v == v;
      x[n][r] = v;
    }
    if (!clear) continue;
    idx[n++] = k;
  }
  out.clear_count = n;
  out.doy = NAN;
  for (int r = 0; r < max_composite_roles; ++r) out.v[r] = NAN;
  if (n == 0) return;

  if (p.method == composite_method::median) {
    float s[max_observations];
    for (int r = 0; r < p.n_roles; ++r) {
      for (int j = 0; j < n; ++j) {  // insertion sort: n is small and the order is fixed
        float const v = x[j][r];
        int m = j;
        while (m > 0 && s[m - 1] > v) {
          s[m] = s[m - 1];
          --m;
        }
        s[m] = v;
      }
      out.v[r] = (n & 1) ? s[n / 2] : 0.5f * (s[n / 2 - 1] + s[n / 2]);
    }
    return;
  }

  int best = 0;
  if (p.method == composite_method::max_ndvi) {
    float best_ndvi = -INFINITY;
    for (int j = 0; j < n; ++j) {
      float const nir = x[j][p.nir_slot], red = x[j][p.red_slot];
      float const ndvi = normalized_difference(nir, red);
      if (ndvi > best_ndvi) {  // strict: ties keep the earliest; NaN never wins
        best_ndvi = ndvi;
        best = j;
      }
    }
  } else {
    // Medoid: sum_j ||x_i - x_j|| for every i; each pair once, each sum in ascending partner
    // order (the same order as the plain double loop).
    float sum[max_observations];
    for (int j = 0; j < n; ++j) sum[j] = 0.0f;
    for (int a = 0; a < n; ++a)
      for (int b = a + 1; b < n; ++b) {
        float d2 = 0.0f;
        for (int r = 0; r < p.n_roles; ++r) {
          float const d = x[a][r] - x[b][r];
          d2 = d2 + d * d;
        }
        float const d = sqrtf(d2);
        sum[a] += d;
        sum[b] += d;
      }
    for (int j = 1; j < n; ++j)
      if (sum[j] < sum[best]) best = j;
  }
  for (int r = 0; r < p.n_roles; ++r) out.v[r] = x[best][r];
  out.doy = float(p.obs[idx[best]].doy);
}

/// Outputs of the composite stage: the role bands, clear_count, doy, then any indices of the
/// composite (index terms over the composite's roles).
struct composite_stage_params {
  composite_params comp;
  int with_doy = 1;
  int n_indices = 0;
  index_term terms[max_stage_outputs];
};

template <typename T>
struct composite_stage {
  composite_stage_params const& p;
  T const* in;
  float* out;
  std::size_t plane;

  SINKMAP_HD void operator()(std::size_t i) const
  {
    composite_pixel c;
    composite_at(p.comp, in, plane, i, c);
    int k = 0;
    for (int r = 0; r < p.comp.n_roles; ++r) out[std::size_t(k++) * plane + i] = stored(c.v[r]);
    out[std::size_t(k++) * plane + i] = float(c.clear_count);
    if (p.with_doy) out[std::size_t(k++) * plane + i] = stored(c.doy);
    if (p.n_indices > 0) {
      pixel_bands b;
      for (int r = 0; r < band_role_count; ++r) b.v[r] = NAN;
      for (int r = 0; r < p.comp.n_roles; ++r) b.v[static_cast<int>(p.comp.roles[r])] = c.v[r];
      for (int t = 0; t < p.n_indices; ++t) out[std::size_t(k++) * plane + i] = stored(evaluate(p.terms[t], b));
    }
  }
};

/// Output planes of a composite stage.
SINKMAP_HD int composite_output_count(composite_stage_params const& p)
{
  return p.comp.n_roles + 1 + (p.with_doy ? 1 : 0) + p.n_indices;
}

}  // namespace sinkmap::kernels
