// Monte Carlo (IPCC 2006 Vol. 1 Ch. 3, Approach 2) over the pixels of stock maps: every
// iteration recomputes each pixel's carbon (or both years and the sink) under that iteration's
// parameter draws, and adds it, times the pixel's area, into the total of the pixel's
// (zone, class) cell for that iteration.
//
// What is drawn where (the correlation structure):
//  - a parameter shared by a class (Tier 1 stock, model coefficient, root-to-shoot ratio, carbon
//    fraction, growth rate) once per iteration for the whole map: the host evaluates one set of
//    class tables per iteration (`tables[it]`), so its error does not average out over area;
//  - an imagery model's residual per pixel and iteration, independently (Philox stream
//    `residual`, keyed by the global pixel id and the year);
//  - the true class per pixel and iteration from the land-cover confusion matrix (stream
//    `confusion`; one uniform per pixel and iteration serves both years of a sink, so a pixel
//    whose map class stays keeps one true class and map error creates no false conversion);
//  - the residual independently in each year of a sink (the conservative choice: image noise
//    differs between years; over a county the residuals average out either way);
//  - both years of a sink use the same iteration's tables, so class-level errors cancel where
//    the class stays.
// Totals are exact fixed-point integers (2^-20 Mg C), so any tile size, thread count or device
// gives the same iteration totals to the last digit.
#pragma once

#include "sinkmap/kernels/deterministic_math.hpp"
#include "sinkmap/kernels/philox.hpp"
#include "sinkmap/kernels/sink_stage.hpp"

#include <cstddef>
#include <cstdint>

#if !defined(__CUDACC__)
#include <vector>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif
#endif

namespace sinkmap::kernels {

/// (zone, class) cells one tile may span.
inline constexpr int max_mc_cells = 256;
/// Fixed-point scale of the per-tile partial sums: 2^20 units per Mg C (about 1 g C).
inline constexpr double mc_fixed_scale = 1048576.0;

/// Input planes (float); -1 where absent. Index 0 = year 1 (a stock's only year), 1 = year 2.
struct mc_planes {
  int cls[2] = {-1, -1};      ///< ecosystem_class
  int x[2] = {-1, -1};        ///< agb_input: the index value the biomass model reads
  int c_total[2] = {-1, -1};  ///< the deterministic map: NaN there stays unmapped
  int nbr[2] = {-1, -1};
  int zone = -1;              ///< climate-zone codes
  int age = -1;               ///< stand age, years
  int volume = -1;            ///< growing stock (m3/ha) of forest inventory pixels, year 1 only
  int cell = -1;              ///< tile-local (zone, class) cell, NaN or < 0: not counted
};

struct mc_params {
  int sink = 0;          ///< 0: stock (accumulates c_total); 1: sink (net, gains, losses)
  int iterations = 0;
  std::uint64_t seed = 0;
  class_tables const* tables = nullptr;  ///< one per iteration (host or device memory)
  sink_options opt;
  mc_planes planes;
  unsigned char zone_lut[landcover_codes];
  int default_zone = 0, default_age = 0;
  float age_boundary_years = 20;
  float age_offset_years = 0;  ///< added to the age plane (an inventory's ages advance)
  bcef_tables bcef;            ///< for volumes converted through BCEF_S
  int residuals = 0;     ///< draw imagery models' per-pixel residuals
  int confusion = 0;     ///< draw per-pixel classes from confusion_cdf
  /// [map class][k]: probability that the true class id is <= k (k < max_classes).
  float confusion_cdf[max_classes][max_classes];
  double pixel_ha = 0;              ///< projected CRS: every pixel's area
  double const* row_ha = nullptr;   ///< geographic CRS: area per global row (host or device)
  int raster_width = 0;             ///< global pixel id = row * width + column
  int with_sd = 0;                  ///< write the per-pixel SD over the iterations
};

/// Values per pixel and iteration: c_total (stock), or net sink, gains and losses (sink).
SINKMAP_HD int mc_value_count(mc_params const& p) { return p.sink ? 3 : 1; }
/// Accumulators per cell: the values, then the count of pixel-iterations without a value (a
/// drawn class with no parameters in the pixel's zone, say), which the job reports.
SINKMAP_HD int mc_accumulators(mc_params const& p) { return mc_value_count(p) + 1; }

/// One Philox call gives two uniforms: iterations 2k and 2k + 1 of a (stream, pixel, year)
/// share it, which halves the generator's cost per draw.
SINKMAP_HD double mc_uniform(mc_params const& p, random_stream stream, std::uint32_t it, std::uint64_t pixel,
                             std::uint32_t year)
{
  double u0, u1;
  philox_uniforms(p.seed, stream, it >> 1, pixel, year, u0, u1);
  return (it & 1u) ? u1 : u0;
}

/// A pixel's biomass-model shape (x^b, e^(b x), ln x) per year, kept across iterations while
/// the form and exponent stay the same (they do unless b itself is uncertain).
struct mc_shape_cache {
  int form[2] = {-1, -1};
  float b[2] = {0, 0};
  float shape[2] = {0, 0};
};

/// The pools of a class-`cls` pixel of parameter set `m` whose biomass is agb and bgb (Mg d.m.
/// / ha): the one arithmetic both Monte Carlo modes share.
SINKMAP_HD year_pools mc_pools_of_biomass(class_params const& m, int cls, float agb, float bgb)
{
  year_pools y;
  y.cls = cls;
  y.agb = agb;
  y.c_above = agb * m.carbon_fraction;
  y.c_below = bgb * m.carbon_fraction;
  y.c_dead = m.dead_c;
  y.c_soil = m.soil_c;
  y.c_total = y.c_above + y.c_below + y.c_dead + y.c_soil;
  return y;
}

/// One year's pools at a pixel under iteration `it`'s tables and draws.
SINKMAP_HD year_pools mc_pools(mc_params const& p, class_tables const& t, int cls_map, float x, float volume,
                               int zone, int age, std::uint32_t it, std::uint64_t pixel,
                               std::uint32_t year, mc_shape_cache& cache)
{
  year_pools y;
  int cls = cls_map;
  if (p.confusion && cls_map > 0) {
    // One draw per pixel and iteration for both years of a sink: a pixel mapped as the same
    // class in both years gets the same true class, so map error adds no spurious conversion.
    double const u = mc_uniform(p, random_stream::confusion, it, pixel, 0);
    float const* cdf = p.confusion_cdf[cls_map];
    cls = cls_map;
    for (int k = 1; k < max_classes; ++k)
      if (double(cdf[k]) >= u) {
        cls = k;
        break;
      }
  }
  y.cls = cls;
  int const set = param_set(t, cls, zone, age);
  if (set < 0) return y;
  class_params const& m = t.sets[set];
  float agb, bgb;
  // An inventory's growing stock under this iteration's conversion coefficients.
  if (biomass_from_volume(m, p.bcef, cls, volume, agb, bgb)) return mc_pools_of_biomass(m, cls, agb, bgb);
  bool const imagery = reads_index(m);
  if (imagery && m.form != agb_form::linear) {
    if (cache.form[year] != int(m.form) || !(cache.b[year] == m.b)) {
      cache.form[year] = int(m.form);
      cache.b[year] = m.b;
      cache.shape[year] = agb_shape(m, x);
    }
    agb = agb_from_shape(m, x, cache.shape[year]);
  } else {
    agb = above_ground_biomass(m, x);
  }
  if (p.residuals && imagery && m.residual_sd > 0.0f && !is_nodata(agb)) {
    double const u = mc_uniform(p, random_stream::residual, it, pixel, year);
    float const drawn = agb + float(double(m.residual_sd) * normal_quantile(u));
    agb = drawn < m.agb_min ? m.agb_min : (drawn > m.agb_max ? m.agb_max : drawn);
  }
  if (is_nodata(agb)) return y;
  return mc_pools_of_biomass(m, cls, agb, agb * root_to_shoot(m, agb));
}

/// The pixel's static inputs, read once for all iterations.
struct mc_pixel {
  int cell = -1;
  int cls[2] = {0, 0};
  float x[2] = {NAN, NAN};
  float nbr[2] = {NAN, NAN};
  float volume = NAN;  ///< growing stock of a stock map's inventory pixel
  int zone = 0, age = 0;
  double ha = 0;
  std::uint64_t id = 0;
  bool classes_known = false;
};

template <typename T>
SINKMAP_HD mc_pixel mc_load(mc_params const& p, T const* in, std::size_t plane, std::size_t i,
                            int tile_x, int tile_y, int tile_w)
{
  mc_pixel px;
  mc_planes const& q = p.planes;
  float const cell = sink_sample(in, q.cell, plane, i);
  if (is_nodata(cell) || cell < 0.0f) return px;
  int const years = p.sink ? 2 : 1;
  for (int k = 0; k < years; ++k) {
    if (is_nodata(sink_sample(in, q.c_total[k], plane, i))) return px;  // unmapped in the map
    float const c = sink_sample(in, q.cls[k], plane, i);
    px.cls[k] = (c > 0 && c < float(max_classes)) ? int(c) : 0;
    px.x[k] = sink_sample(in, q.x[k], plane, i);
    px.nbr[k] = sink_sample(in, q.nbr[k], plane, i);
  }
  px.classes_known = q.cls[0] >= 0 && (!p.sink || q.cls[1] >= 0);
  px.zone = zone_from_code(p.zone_lut, q.zone >= 0, p.default_zone, sink_sample(in, q.zone, plane, i));
  px.age = age_from_years(q.age >= 0, p.default_age, p.age_boundary_years,
                          sink_sample(in, q.age, plane, i) + p.age_offset_years);
  if (!p.sink) px.volume = sink_sample(in, q.volume, plane, i);
  int const row = tile_y + int(i / std::size_t(tile_w)), col = tile_x + int(i % std::size_t(tile_w));
  px.ha = p.row_ha ? p.row_ha[row] : p.pixel_ha;
  px.id = std::uint64_t(row) * std::uint64_t(p.raster_width) + std::uint64_t(col);
  px.cell = int(cell);
  return px;
}

/// The values of iteration `it` at a pixel: out[0] c_total (stock) or net, gains, losses (sink).
SINKMAP_HD bool mc_values(mc_params const& p, mc_pixel const& px, std::uint32_t it, float* out,
                          mc_shape_cache& cache)
{
  class_tables const& t = p.tables[it];
  year_pools const a = mc_pools(p, t, px.cls[0], px.x[0], px.volume, px.zone, px.age, it, px.id, 0, cache);
  if (!p.sink) {
    out[0] = a.c_total;
    return !is_nodata(a.c_total);
  }
  year_pools const b = mc_pools(p, t, px.cls[1], px.x[1], NAN, px.zone, px.age, it, px.id, 1, cache);
  float v[sink_outputs];
  sink_from_pools(p.opt, t, a, b, px.classes_known, px.nbr[0], px.nbr[1], px.zone, px.age, v);
  out[0] = v[so_sink_c];
  out[1] = v[so_gains_c];
  out[2] = v[so_losses_c];
  return !is_nodata(v[so_sink_c]);
}

/// The sample SD of m values from their sum and sum of squares (NaN for fewer than 2).
SINKMAP_HD float mc_sd(double s, double s2, int m)
{
  if (m < 2) return NAN;
  double const var = (s2 - s * s / m) / (m - 1);
  return float(var > 0 ? sqrt(var) : 0.0);
}

/// value x area in fixed-point units (rounded to nearest, ties to even, on both sides).
SINKMAP_HD long long mc_fixed(float value, double ha)
{
#if defined(__CUDA_ARCH__)
  return __double2ll_rn(double(value) * ha * mc_fixed_scale);
#else
  return std::llrint(double(value) * ha * mc_fixed_scale);
#endif
}

/// Launches the CUDA form over a tile (kernels/src/montecarlo_launcher.cu): `partial` and `sd`
/// are device pointers; the partial block is zeroed on `stream` first.
void launch_montecarlo(mc_params const& p, float const* d_in, float* d_sd, long long* d_partial,
                       std::size_t plane, int tile_x, int tile_y, int tile_w, int n_cells, void* stream);


#if !defined(__CUDACC__)  // the host's tile loop (nvcc compiles the device form above)

/// What decides a pixel's values in every iteration when no per-pixel draw applies: its cell,
/// classes, zone, age, area, the disturbance test's outcome and (imagery classes only) its index
/// values. Neighbouring pixels of a land-cover patch often share it.
struct mc_run_key {
  int cell = -1, cls0 = 0, cls1 = 0, zone = 0, age = 0, dnbr = -1;
  float x0 = 0, x1 = 0, volume = 0;
  double ha = 0;
  bool pure = false;  ///< no residual or class draw for this pixel: equal keys, equal values

  bool operator==(mc_run_key const& o) const
  {
    // x compared by value: equal floats give equal biomass (NaN never equals, so breaks a run)
    return cell == o.cell && cls0 == o.cls0 && cls1 == o.cls1 && zone == o.zone && age == o.age &&
           dnbr == o.dnbr && x0 == o.x0 && x1 == o.x1 && volume == o.volume && ha == o.ha;
  }
};

inline mc_run_key mc_key(mc_params const& p, mc_pixel const& px)
{
  mc_run_key k;
  k.cell = px.cell;
  k.cls0 = px.cls[0];
  k.cls1 = px.cls[1];
  k.zone = px.zone;
  k.age = px.age;
  k.ha = px.ha;
  float const thr = p.opt.dnbr_threshold;
  if (p.sink && !is_nodata(px.nbr[0]) && !is_nodata(px.nbr[1]) && !is_nodata(thr))
    k.dnbr = (px.nbr[0] - px.nbr[1]) > thr ? 1 : 0;
  k.pure = !p.confusion;
  class_tables const& t = p.tables[0];  // forms and residual SDs do not change between iterations
  for (int y = 0; y < (p.sink ? 2 : 1); ++y) {
    int const set = param_set(t, px.cls[y], px.zone, px.age);
    if (set < 0) continue;
    class_params const& m = t.sets[set];
    if (y == 0 && m.vb_form != volume_form::none) k.volume = px.volume;  // NaN never equals: no run
    if (!reads_index(m)) continue;  // the index is not read
    (y == 0 ? k.x0 : k.x1) = px.x[y];
    if (p.residuals && m.residual_sd > 0.0f) k.pure = false;
  }
  return k;
}

/// value x area in fixed-point units, rounded to nearest even like the device's __double2ll_rn.
inline long long mc_fixed_host(float value, double ha)
{
#if defined(__SSE2__) && defined(__x86_64__)
  return _mm_cvtsd_si64(_mm_set_sd(double(value) * ha * mc_fixed_scale));  // MXCSR: nearest even
#else
  return std::llrint(double(value) * ha * mc_fixed_scale);
#endif
}

/// CPU form over a whole tile: partial[(cell * A + a) * iterations + it] += fixed(value x area)
/// (a < A - 1; the last accumulator counts the pixel-iterations without a value), and, with_sd,
/// the per-pixel sample SD of the first value over the iterations into sd. Pixels without a
/// per-pixel draw whose key equals the previous pixel's reuse its values: their fixed-point sum
/// is that pixel's times the run length, exactly what adding them one by one gives (the device
/// does add them one by one).
template <typename T>
void mc_tile_host(mc_params const& p, T const* in, float* sd, long long* partial, std::size_t plane,
                  int tile_x, int tile_y, int tile_w, int n_cells)
{
  int const A = mc_accumulators(p), V = mc_value_count(p), n = p.iterations;
  for (std::size_t k = 0; k < std::size_t(n_cells) * A * n; ++k) partial[k] = 0;
  std::vector<long long> fixed(std::size_t(n) * V);  // the run's per-iteration fixed-point values
  std::vector<unsigned char> valid(static_cast<std::size_t>(n));
  mc_run_key run;
  long long run_len = 0;
  float run_sd = NAN;
  auto flush = [&] {
    if (run_len == 0) return;
    long long* base = partial + std::size_t(run.cell) * A * n;
    for (int it = 0; it < n; ++it) {
      if (!valid[std::size_t(it)]) {
        base[std::size_t(V) * n + it] += run_len;
        continue;
      }
      for (int a = 0; a < V; ++a) base[std::size_t(a) * n + it] += run_len * fixed[std::size_t(it) * V + a];
    }
    run_len = 0;
  };
  for (std::size_t i = 0; i < plane; ++i) {
    mc_pixel const px = mc_load(p, in, plane, i, tile_x, tile_y, tile_w);
    if (px.cell < 0) {
      if (p.with_sd) sd[i] = stored(NAN);
      continue;
    }
    mc_run_key const key = mc_key(p, px);
    if (key.pure && run.pure && run_len > 0 && key == run) {
      ++run_len;
      if (p.with_sd) sd[i] = stored(run_sd);
      continue;
    }
    flush();
    double s = 0, s2 = 0;
    int m = 0;
    mc_shape_cache cache;
    for (int it = 0; it < n; ++it) {
      float v[3];
      valid[std::size_t(it)] = mc_values(p, px, std::uint32_t(it), v, cache) ? 1 : 0;
      if (!valid[std::size_t(it)]) continue;
      for (int a = 0; a < V; ++a) fixed[std::size_t(it) * V + a] = mc_fixed_host(v[a], px.ha);
      s += v[0];
      s2 += double(v[0]) * v[0];
      ++m;
    }
    run = key;
    run_len = 1;
    run_sd = mc_sd(s, s2, m);
    if (p.with_sd) sd[i] = stored(run_sd);
  }
  flush();
}

#endif  // !__CUDACC__

}  // namespace sinkmap::kernels
