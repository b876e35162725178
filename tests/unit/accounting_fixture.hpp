// A small hand-made model and pixel series for the accounting stage: the unit tests compute
// each trajectory by hand from these numbers, and the GPU test compares the CUDA kernel with the
// CPU loop on the same series. The numbers are round test values, not IPCC defaults.
#pragma once

#include "sinkmap/kernels/accounting_stage.hpp"

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

namespace sinkmap::test::accounting {

using namespace sinkmap::kernels;

// Class ids of the test model.
inline constexpr int forest = 1, cropland = 2, grassland = 3, orchard = 4, bare_forest = 5, poplar = 6;
// Wetland classes: a coastal marsh (soil 200 Mg C/ha, EF_RE 1), an unvegetated flat (soil NE: 0),
// a pond (extraction), a farm on drained coastal soil (cropland, EF_DR 5), an inland marsh (soil
// 70, burial 0.5 where a test turns burial on).
inline constexpr int marsh = 7, flat = 8, pond = 9, farm = 10, inland_marsh = 11;
inline constexpr float marsh_soil = 200, marsh_ef_re = 1, farm_ef_dr = 5, inland_soil = 70, inland_burial = 0.5f;

// Forest: G_W 10 (young, <= 20 years) or 2 (older) Mg d.m./ha/yr, R 0.2, CF 0.5, DOM 10,
// soil 50, f_d 0.8, mature 200 Mg d.m./ha. Cropland: no growth, B_AFTER 5 Mg C/ha above, soil 40.
// Grassland: B_AFTER 2 above + 3 below, soil 45. Orchard (perennial cropland): grows 2.1 Mg
// d.m./ha/yr from 0 to 21 Mg d.m./ha, no roots, soil 40. bare_forest: a forest class without
// parameters.
inline constexpr float forest_young_growth = 10, forest_old_growth = 2, forest_rs = 0.2f, cf = 0.5f;
inline constexpr float forest_dead = 10, forest_soil = 50, forest_fd = 0.8f, forest_mature = 200;
inline constexpr float crop_after = 5, crop_soil = 40;
inline constexpr float grass_after_above = 2, grass_after_below = 3, grass_soil = 45;
inline constexpr float orchard_growth = 2.1f, orchard_mature = 21, orchard_soil = 40;
// Poplar's volume fit: total biomass with roots B = 0.6 V + 10 (Mg d.m./ha, V in m3/ha).
inline constexpr float poplar_vb_a = 0.6f, poplar_vb_b = 10;

inline class_params make_set(float growth, float rs, float dead, float soil, float fd)
{
  class_params m;
  m.form = agb_form::constant;
  m.carbon_fraction = cf;
  if (rs > 0) {
    m.rs_steps = 1;
    m.rs_below[0] = INFINITY;
    m.rs_ratio[0] = rs;
  }
  m.dead_c = dead;
  m.soil_c = soil;
  m.growth = growth;
  m.loss_fraction = fd;
  return m;
}

/// The test model at zone 0, the default age class "older than 20 years".
inline std::unique_ptr<accounting_params> make_params(int n_years, float first_year, float step = 1)
{
  auto p = std::make_unique<accounting_params>();
  std::memset(static_cast<void*>(p.get()), 0, sizeof(accounting_params));
  *p = accounting_params{};
  p->n_years = n_years;
  for (int y = 0; y < n_years; ++y) p->years[y] = first_year + step * float(y);
  p->state_year = NAN;
  p->confirm_years = 2;
  p->transition_years = 20;
  p->dnbr_threshold = 0.3f;
  std::memset(p->zone_lut, 0, sizeof p->zone_lut);
  p->default_zone = 0;
  p->default_age = 1;
  p->age_boundary_years = 20;
  class_tables& t = p->tables;
  std::memset(t.set_of, no_param_set, sizeof t.set_of);
  t.sets[0] = make_set(forest_young_growth, forest_rs, forest_dead, forest_soil, forest_fd);
  t.sets[1] = make_set(forest_old_growth, forest_rs, forest_dead, forest_soil, forest_fd);
  t.sets[2] = make_set(NAN, 0, 0, crop_soil, NAN);
  t.sets[3] = make_set(NAN, 0, 0, grass_soil, NAN);
  t.sets[4] = make_set(orchard_growth, 0, 0, orchard_soil, NAN);
  t.sets[5] = make_set(0, 0, 0, marsh_soil, NAN);
  t.sets[5].form = agb_form::none;
  t.sets[5].soil_gain = marsh_ef_re;
  t.sets[6] = make_set(0, 0, 0, 0, NAN);  // flat and pond: no biomass, no soil stock of their own
  t.sets[6].form = agb_form::none;
  t.sets[7] = make_set(NAN, 0, 0, crop_soil, NAN);
  t.sets[7].soil_loss = farm_ef_dr;
  t.sets[8] = make_set(0, 0, 0, inland_soil, NAN);
  t.sets[8].form = agb_form::none;
  // Volume conversions (used by an inventory stand's increment): forest by its BCEF table,
  // poplar (another forest type, otherwise the same numbers) by a linear total-biomass fit.
  for (int k : {0, 1}) t.sets[k].vb_form = volume_form::bcef_table;
  t.sets[9] = t.sets[0];
  t.sets[10] = t.sets[1];
  for (int k : {9, 10}) {
    t.sets[k].vb_form = volume_form::linear;
    t.sets[k].vb_a = poplar_vb_a;
    t.sets[k].vb_b = poplar_vb_b;
    t.sets[k].vb_total = 1;
  }
  t.n_sets = 11;
  t.set_of[forest][0][0] = 0;
  t.set_of[forest][0][1] = 1;
  t.set_of[poplar][0][0] = 9;
  t.set_of[poplar][0][1] = 10;
  for (int a = 0; a < age_classes; ++a) {
    t.set_of[cropland][0][a] = 2;
    t.set_of[grassland][0][a] = 3;
    t.set_of[orchard][0][a] = 4;
    t.set_of[marsh][0][a] = 5;
    t.set_of[flat][0][a] = t.set_of[pond][0][a] = 6;
    t.set_of[farm][0][a] = 7;
    t.set_of[inland_marsh][0][a] = 8;
  }
  for (int c : {marsh, flat, pond, inland_marsh}) t.group_of[c] = static_cast<unsigned char>(class_group::wetland);
  t.group_of[farm] = static_cast<unsigned char>(class_group::cropland);
  p->coastal[marsh] = 1;
  p->restores[marsh] = 1;
  p->coastal_soil_rule[pond] = coastal_soil_extraction;
  p->coastal_soil_rule[farm] = coastal_soil_drainage;
  p->restoration_planted = 1;
  // Soil depths: coastal marsh 0-100 cm, the others 0-30 cm; flat and pond estimate no soil.
  for (int c = 0; c < max_classes; ++c) {
    p->soil_depth[c] = 30;
    p->soil_estimated[c] = 1;
  }
  p->soil_depth[marsh] = 100;
  p->soil_estimated[flat] = p->soil_estimated[pond] = p->soil_estimated[bare_forest] = 0;
  p->soil_depth[flat] = p->soil_depth[pond] = p->soil_depth[bare_forest] = NAN;
  t.group_of[forest] = t.group_of[bare_forest] = t.group_of[poplar] = static_cast<unsigned char>(class_group::forest);
  t.group_of[cropland] = t.group_of[orchard] = static_cast<unsigned char>(class_group::cropland);
  t.group_of[grassland] = static_cast<unsigned char>(class_group::grassland);
  for (int c = 0; c < max_classes; ++c)
    for (int z = 0; z < max_zones; ++z) p->mature_agb[c][z] = INFINITY;
  p->mature_agb[forest][0] = p->mature_agb[poplar][0] = forest_mature;
  p->mature_agb[orchard][0] = orchard_mature;
  p->after_above[cropland][0] = crop_after;
  p->after_above[grassland][0] = grass_after_above;
  p->after_below[grassland][0] = grass_after_below;
  p->grows_from_zero[forest] = p->grows_from_zero[orchard] = p->grows_from_zero[poplar] = 1;
  // Forest's BCEF table by growing stock (below 20, 40, 100, 200 m3/ha, above).
  float const below[] = {20, 40, 100, 200, INFINITY}, bs[] = {3.0f, 1.7f, 1.4f, 1.05f, 0.8f},
              br[] = {3.33f, 1.89f, 1.55f, 1.17f, 0.89f}, bi[] = {1.5f, 1.3f, 0.9f, 0.6f, 0.48f};
  p->bcef.steps[forest] = 5;
  for (int k = 0; k < 5; ++k) {
    p->bcef.below[forest][k] = below[k];
    p->bcef.s[forest][k] = bs[k];
    p->bcef.r[forest][k] = br[k];
    p->bcef.i[forest][k] = bi[k];
  }
  for (auto& z : p->harvest_m3_per_ha)
    for (auto& v : z) v = NAN;
  return p;
}

/// One pixel's inputs: its class and NBR per map, its first-map pools and stand age.
struct pixel_series {
  std::vector<int> classes;
  std::vector<float> nbr;  ///< empty: no NBR
  float above = 0, below = 0, dead = 0, soil = 0, age = NAN;
  float harvest_zone = NAN;  ///< zone of the removal statistics (NaN: none)
  float increment = NAN;     ///< an inventory stand's net annual volume increment, m3/ha/yr
};

/// The first-map pools of a class as the carbon stage would give them at `agb`.
inline pixel_series start_as(int cls, float agb, std::vector<int> classes, std::vector<float> nbr = {})
{
  pixel_series s;
  s.classes = std::move(classes);
  s.nbr = std::move(nbr);
  s.classes.insert(s.classes.begin(), cls);
  if (cls == forest || cls == poplar) {
    s.above = agb * cf;
    s.below = agb * forest_rs * cf;
    s.dead = forest_dead;
    s.soil = forest_soil;
  } else if (cls == cropland) {
    s.above = crop_after;
    s.soil = crop_soil;
  } else if (cls == grassland) {
    s.above = grass_after_above;
    s.below = grass_after_below;
    s.soil = grass_soil;
  } else if (cls == marsh) {
    s.soil = marsh_soil;
  } else if (cls == inland_marsh) {
    s.soil = inland_soil;
  } else if (cls == flat || cls == pond) {
  } else if (cls == orchard) {
    s.above = agb * cf;
    s.soil = orchard_soil;
  } else {
    s.above = agb * cf;
  }
  return s;
}

/// The input planes of a fresh start (class per map, NBR per map, pools, age), planes set in p.
inline std::vector<float> fresh_inputs(accounting_params& p, std::vector<pixel_series> const& px)
{
  std::size_t const n = px.size();
  int const years = p.n_years;
  int k = 0;
  for (int y = 0; y < years; ++y) p.planes.cls[y] = k++;
  for (int y = 0; y < years; ++y) p.planes.nbr[y] = k++;
  p.planes.c_above = k++;
  p.planes.c_below = k++;
  p.planes.c_dead = k++;
  p.planes.c_soil = k++;
  p.planes.c_total = k++;
  p.planes.age = k++;
  p.planes.harvest_zone = k++;
  p.planes.increment = k++;
  p.planes.state = -1;
  p.planes.zone = -1;
  std::vector<float> in(std::size_t(k) * n, NAN);
  for (std::size_t i = 0; i < n; ++i) {
    auto const& s = px[i];
    for (int y = 0; y < years; ++y) {
      in[std::size_t(p.planes.cls[y]) * n + i] = y < int(s.classes.size()) && s.classes[y] > 0 ? float(s.classes[y]) : NAN;
      in[std::size_t(p.planes.nbr[y]) * n + i] = y < int(s.nbr.size()) ? s.nbr[y] : NAN;
    }
    bool const mapped = !s.classes.empty() && s.classes[0] > 0;
    in[std::size_t(p.planes.c_above) * n + i] = mapped ? s.above : NAN;
    in[std::size_t(p.planes.c_below) * n + i] = mapped ? s.below : NAN;
    in[std::size_t(p.planes.c_dead) * n + i] = mapped ? s.dead : NAN;
    in[std::size_t(p.planes.c_soil) * n + i] = mapped ? s.soil : NAN;
    in[std::size_t(p.planes.c_total) * n + i] = mapped ? s.above + s.below + s.dead + s.soil : NAN;
    in[std::size_t(p.planes.age) * n + i] = s.age;
    in[std::size_t(p.planes.harvest_zone) * n + i] = s.harvest_zone;
    in[std::size_t(p.planes.increment) * n + i] = s.increment;
  }
  return in;
}

/// The input planes of a continued run: class and NBR per map, then the start state's bands.
inline std::vector<float> continued_inputs(accounting_params& p, std::vector<pixel_series> const& px,
                                           int first_map, std::vector<float> const& state)
{
  std::size_t const n = px.size();
  int const years = p.n_years;
  int k = 0;
  for (int y = 0; y < years; ++y) p.planes.cls[y] = k++;
  for (int y = 0; y < years; ++y) p.planes.nbr[y] = k++;
  p.planes.c_above = p.planes.c_below = p.planes.c_dead = p.planes.c_soil = p.planes.c_total = -1;
  p.planes.age = -1;
  p.planes.zone = -1;
  p.planes.increment = -1;  // the state carries it
  p.planes.harvest_zone = k++;
  p.planes.state = k;
  k += state_bands;
  std::vector<float> in(std::size_t(k) * n, NAN);
  for (std::size_t i = 0; i < n; ++i) {
    auto const& s = px[i];
    for (int y = 0; y < years; ++y) {
      int const m = first_map + y;
      in[std::size_t(p.planes.cls[y]) * n + i] = m < int(s.classes.size()) && s.classes[m] > 0 ? float(s.classes[m]) : NAN;
      in[std::size_t(p.planes.nbr[y]) * n + i] = m < int(s.nbr.size()) ? s.nbr[m] : NAN;
    }
    in[std::size_t(p.planes.harvest_zone) * n + i] = s.harvest_zone;
  }
  std::copy(state.begin(), state.end(), in.begin() + std::ptrdiff_t(p.planes.state) * std::ptrdiff_t(n));
  return in;
}

/// Runs the stage's CPU loop over all pixels.
inline std::vector<float> run_cpu(accounting_params const& p, std::vector<float> const& in, std::size_t n)
{
  std::vector<float> out(std::size_t(accounting_outputs(p)) * n, -999.0f);
  accounting_stage<float> const stage{p, in.data(), out.data(), n};
  for (std::size_t i = 0; i < n; ++i) stage(i);
  return out;
}

/// Reading an accounting pass's output planes.
struct result {
  accounting_params const& p;
  std::vector<float> const& out;
  std::size_t n;
  float at(int band, std::size_t i) const { return out[std::size_t(band) * n + i]; }
  /// Stock band b of map y.
  float stock(int y, int b, std::size_t i) const { return at(y * stock_bands + b, i); }
  /// Flux band b of the interval ending at map y.
  float flux(int y, int b, std::size_t i) const
  {
    int const first = is_nodata(p.state_year) ? 1 : 0;
    return at(p.n_years * stock_bands + (y - first) * flux_bands + b, i);
  }
  float state(int b, std::size_t i) const { return at(p.n_years * stock_bands + flux_blocks(p) * flux_bands + b, i); }
  /// The state block as planes (the next run's input).
  std::vector<float> state_planes() const
  {
    std::size_t const first = std::size_t(p.n_years * stock_bands + flux_blocks(p) * flux_bands) * n;
    return {out.begin() + std::ptrdiff_t(first), out.begin() + std::ptrdiff_t(first + state_bands * n)};
  }
};

}  // namespace sinkmap::test::accounting
