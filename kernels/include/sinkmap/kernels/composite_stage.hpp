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
//
// The number of observations has no fixed limit: the observation table lives in memory the tile
// kernel binds (host for the CPU, device for CUDA), and median and medoid keep their clear
// observations in a workspace of composite_workspace_columns() x n_obs floats per pixel, not in
// per-thread arrays. The CPU gives each thread one pixel's workspace at a time; CUDA gives each
// pixel of the tile its own, column-major so that neighbouring threads touch neighbouring words.
#pragma once

#include "sinkmap/kernels/index_stage.hpp"

#include <cstddef>
#include <cstdint>

namespace sinkmap::kernels {

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
  observation const* obs = nullptr;  ///< n_obs observations in date order (bound by the tile kernel)
  /// Scratch of median and medoid (bound by the tile kernel): composite_workspace_columns() x
  /// n_obs floats per pixel. workspace_per_pixel = 1: element (j, c) of pixel i lies at
  /// workspace[(j * columns + c) * plane + i] (one per pixel of the tile, CUDA); 0: at
  /// workspace[j * columns + c] (one pixel at a time, a CPU thread's own buffer).
  float* workspace = nullptr;
  int workspace_per_pixel = 0;
};

/// Workspace floats per observation of one pixel: median sorts each role's clear values in
/// place; medoid keeps them with the distance sum and the observation's number; max-ndvi streams.
SINKMAP_HD int composite_workspace_columns(composite_params const& p)
{
  switch (p.method) {
    case composite_method::median: return p.n_roles;
    case composite_method::medoid: return p.n_roles + 2;
    default: return 0;
  }
}

/// One pixel's view of the workspace: element (j, c), j a clear observation, c a column.
struct composite_workspace {
  float* base;
  std::size_t stride;
  int columns;
  SINKMAP_HD float& operator()(int j, int c) const
  {
    return base[(std::size_t(j) * std::size_t(columns) + std::size_t(c)) * stride];
  }
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

/// True when observation k is clear at pixel i: its quality planes say clear (role values are
/// checked by the caller).
template <typename T>
SINKMAP_HD bool quality_clear(composite_params const& p, T const* in, std::size_t plane, std::size_t i, int k)
{
  observation const& o = p.obs[k];
  bool clear = true;
  for (int t = 0; t < max_clear_tests; ++t)
    if (o.tests[t].plane >= 0)
      clear = clear && sample_is_clear(o.tests[t], static_cast<float>(in[std::size_t(o.tests[t].plane) * plane + i]));
  return clear;
}

template <typename T>
SINKMAP_HD void composite_at(composite_params const& p, T const* in, std::size_t plane,
                             std::size_t i, composite_pixel& out)
{
  out.clear_count = 0;
  out.doy = NAN;
  for (int r = 0; r < max_composite_roles; ++r) out.v[r] = NAN;

  if (p.method == composite_method::max_ndvi) {
    // Streams the observations: the first clear one, replaced by any with a strictly higher
    // NDVI (ties keep the earliest; NaN never wins).
    int n = 0, best = -1;
    float best_ndvi = -INFINITY;
    for (int k = 0; k < p.n_obs; ++k) {
      if (!quality_clear(p, in, plane, i, k)) continue;
      bool clear = true;
      for (int r = 0; r < p.n_roles; ++r) {
        float const v = observed(p, in, plane, i, k, r);
        clear = clear && v == v;
      }
      if (!clear) continue;
      ++n;
      float const ndvi = normalized_difference(observed(p, in, plane, i, k, p.nir_slot),
                                               observed(p, in, plane, i, k, p.red_slot));
      if (best < 0) best = k;
      if (ndvi > best_ndvi) {
        best_ndvi = ndvi;
        best = k;
      }
    }
    out.clear_count = n;
    if (n == 0) return;
    for (int r = 0; r < p.n_roles; ++r) out.v[r] = observed(p, in, plane, i, best, r);
    out.doy = float(p.obs[best].doy);
    return;
  }

  // The clear observations' reflectances, in date order, in the workspace.
  int const cols = composite_workspace_columns(p);
  composite_workspace const x{p.workspace + (p.workspace_per_pixel ? i : 0), p.workspace_per_pixel ? plane : 1,
                              cols};
  int n = 0;
  for (int k = 0; k < p.n_obs; ++k) {
    if (!quality_clear(p, in, plane, i, k)) continue;
    bool clear = true;
    for (int r = 0; r < p.n_roles; ++r) {
      float const v = observed(p, in, plane, i, k, r);
      clear = clear && v == v;
      x(n, r) = v;
    }
    if (!clear) continue;
    if (p.method == composite_method::medoid) x(n, p.n_roles + 1) = float(k);  // exact: k < 2^24
    ++n;
  }
  out.clear_count = n;
  if (n == 0) return;

  if (p.method == composite_method::median) {
    for (int r = 0; r < p.n_roles; ++r) {
      for (int j = 1; j < n; ++j) {  // insertion sort of the role's column, in place, fixed order
        float const v = x(j, r);
        int m = j;
        while (m > 0 && x(m - 1, r) > v) {
          x(m, r) = x(m - 1, r);
          --m;
        }
        x(m, r) = v;
      }
      out.v[r] = (n & 1) ? x(n / 2, r) : 0.5f * (x(n / 2 - 1, r) + x(n / 2, r));
    }
    return;
  }

  // Medoid: sum_j ||x_i - x_j|| for every i; each pair once, each sum in ascending partner
  // order (the same order as the plain double loop).
  int const sum = p.n_roles;
  for (int j = 0; j < n; ++j) x(j, sum) = 0.0f;
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b) {
      float d2 = 0.0f;
      for (int r = 0; r < p.n_roles; ++r) {
        float const d = x(a, r) - x(b, r);
        d2 = d2 + d * d;
      }
      float const d = sqrtf(d2);
      x(a, sum) += d;
      x(b, sum) += d;
    }
  int best = 0;
  for (int j = 1; j < n; ++j)
    if (x(j, sum) < x(best, sum)) best = j;
  for (int r = 0; r < p.n_roles; ++r) out.v[r] = x(best, r);
  out.doy = float(p.obs[int(x(best, p.n_roles + 1))].doy);
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
