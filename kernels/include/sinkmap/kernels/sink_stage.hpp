// The carbon sink between two stock maps, per pixel, as IPCC 2006 Vol. 4 Ch. 2 defines it
// (positive = uptake; Mg C / ha / yr):
//
//  stock difference (Eq. 2.5, 2.8)   (C_t2 - C_t1) / years
//  gain-loss (Eq. 2.7, 2.9, 2.14)    land that stays in its class:
//                                    gains  = G_W (1 + R) CF                       per year
//                                    losses = B_W (1 + R) CF f_d / years           where disturbed
//                                    with G_W, R, CF, f_d of the class (zone, age) and B_W the
//                                    year-1 above-ground biomass; soil and dead organic matter of
//                                    land remaining in its class do not change at Tier 1.
//  conversion (Eq. 2.15, 2.16, 2.25) the class changed: biomass and dead organic matter of the
//                                    old class are lost and those of the new class gained at once
//                                    (Tier 1: all biomass lost in the year of conversion, the new
//                                    stock present after it), spread over the years between the
//                                    maps; soil carbon moves linearly to the new class's stock over
//                                    the transition period D (default 20 years), so the annual
//                                    soil part is (SOC_new - SOC_old) / D.
//  auto                              stock difference where both years' AGB come from an imagery
//                                    model, gain-loss where the class stays and the stock is a
//                                    Tier 1 value, conversion where the class changed.
// A disturbance is a drop of NBR between the years (dNBR = NBR_1 - NBR_2) above a threshold
// inside a forest class (where both years have NBR).
#pragma once

#include "sinkmap/kernels/carbon_stage.hpp"

#include <cstddef>

namespace sinkmap::kernels {

enum class sink_rule : int { none = 0, stock_difference = 1, gain_loss = 2, conversion = 3 };

/// The method asked for: auto picks per pixel.
enum class sink_method_choice : int { automatic = 0, stock_difference = 1, gain_loss = 2 };

/// Input planes of the sink stage (-1: absent). Index 0 = year 1, 1 = year 2.
struct sink_planes {
  int c_total[2] = {-1, -1};
  int c_above[2] = {-1, -1};
  int c_below[2] = {-1, -1};
  int c_dead[2] = {-1, -1};
  int c_soil[2] = {-1, -1};
  int agb[2] = {-1, -1};
  int cls[2] = {-1, -1};
  int nbr[2] = {-1, -1};
  int zone = -1;  ///< climate-zone codes (through zone_lut)
  int age = -1;   ///< stand age in years
};

/// The method and its constants (shared by the map pass and the Monte Carlo).
struct sink_options {
  sink_method_choice method = sink_method_choice::automatic;
  float years = 1;             ///< between the maps
  float transition_years = 20; ///< D: soil carbon reaches the new class's stock after D years
  float dnbr_threshold = NAN;  ///< NaN: no disturbance test
  unsigned char imagery[max_classes] = {};  ///< 1: the class's AGB comes from an imagery model
};

struct sink_params {
  sink_options opt;
  int has_nodata[2] = {0, 0};  ///< the c_total planes' nodata (besides NaN)
  float nodata[2] = {0, 0};
  sink_planes planes;
  unsigned char zone_lut[landcover_codes];
  int default_zone = 0, default_age = 0;
  float age_boundary_years = 20;
  class_tables tables;
};

/// The sink map's bands, in order, by name: the net sink, its CO2 equivalent, gains and losses
/// (Mg C/ha/yr), the rule that booked it (sink_rule), the disturbance flag (0/1, NaN without
/// NBR), and the classes of the two years. Writers and readers use these names.
enum sink_output : int {
  so_sink_c,
  so_sink_co2,
  so_gains_c,
  so_losses_c,
  so_sink_method,
  so_disturbed,
  so_class_from,
  so_class_to,
  sink_outputs
};
inline constexpr char const* sink_output_names[sink_outputs] = {"sink_c",      "sink_co2",  "gains_c",    "losses_c",
                                                                "sink_method", "disturbed", "class_from", "class_to"};

/// One year's pools at a pixel (Mg C/ha; agb Mg d.m./ha) and its class.
struct year_pools {
  float c_total = NAN, c_above = NAN, c_below = NAN, c_dead = NAN, c_soil = NAN, agb = NAN;
  int cls = 0;
};

template <typename T>
SINKMAP_HD float sink_sample(T const* in, int k, std::size_t plane, std::size_t i)
{
  return k >= 0 ? static_cast<float>(in[std::size_t(k) * plane + i]) : NAN;
}

/// The sink of one pixel from its two years' pools; v: net, co2, gains, losses, rule, disturbed.
/// `classes_known`: both years have a class map. zone / age pick the gain-loss parameters.
SINKMAP_HD void sink_from_pools(sink_options const& o, class_tables const& t, year_pools const& a,
                                year_pools const& b, bool classes_known, float nbr1, float nbr2,
                                int zone, int age, float* v)
{
  v[so_sink_c] = v[so_sink_co2] = v[so_gains_c] = v[so_losses_c] = NAN;
  v[so_sink_method] = float(int(sink_rule::none));
  v[so_disturbed] = NAN;
  if (is_nodata(a.c_total) || is_nodata(b.c_total)) return;  // mapped only where both years are
  // Disturbance: dNBR above the threshold inside forest (both years need NBR).
  bool const forest = a.cls > 0 && t.group_of[a.cls] == static_cast<unsigned char>(class_group::forest);
  bool const have_nbr = !is_nodata(nbr1) && !is_nodata(nbr2) && !is_nodata(o.dnbr_threshold);
  bool const disturbed = have_nbr && forest && a.cls == b.cls && (nbr1 - nbr2) > o.dnbr_threshold;
  v[so_disturbed] = have_nbr ? (disturbed ? 1.0f : 0.0f) : NAN;

  bool const known = classes_known && a.cls > 0 && b.cls > 0;
  bool const remains = known && a.cls == b.cls;
  bool const imagery = known && o.imagery[a.cls] && o.imagery[b.cls];
  sink_rule rule;
  if (o.method == sink_method_choice::stock_difference || !known) rule = sink_rule::stock_difference;
  else if (!remains) rule = sink_rule::conversion;
  else if (o.method == sink_method_choice::gain_loss || !imagery) rule = sink_rule::gain_loss;
  else rule = sink_rule::stock_difference;

  float net = NAN, gains = NAN, losses = NAN;
  if (rule == sink_rule::stock_difference) {
    net = (b.c_total - a.c_total) / o.years;
    gains = net > 0.0f ? net : 0.0f;
    losses = net < 0.0f ? -net : 0.0f;
  } else if (rule == sink_rule::conversion) {
    // Biomass and dead organic matter at once (over the years between the maps), soil over D.
    float const bio1 = a.c_above + a.c_below, bio2 = b.c_above + b.c_below;
    float const soil_rate = (b.c_soil - a.c_soil) / o.transition_years;
    gains = (bio2 + b.c_dead) / o.years + (soil_rate > 0.0f ? soil_rate : 0.0f);
    losses = (bio1 + a.c_dead) / o.years + (soil_rate < 0.0f ? -soil_rate : 0.0f);
    net = gains - losses;
  } else {
    // Gain-loss for land remaining in its class, with the year-1 class, zone and age.
    int const set = param_set(t, a.cls, zone, age);
    if (set >= 0) {
      class_params const& m = t.sets[set];
      float const b_w = is_nodata(a.agb) ? 0.0f : a.agb;
      float const r = root_to_shoot(m, b_w);
      gains = m.growth * (1.0f + r) * m.carbon_fraction;
      losses = 0.0f;
      if (disturbed) {
        float const fd = is_nodata(m.loss_fraction) ? 1.0f : m.loss_fraction;
        losses = b_w * (1.0f + r) * m.carbon_fraction * fd / o.years;
      }
      net = gains - losses;  // NaN where the class has no growth rate
    }
    if (is_nodata(net)) gains = losses = NAN;
  }
  if (is_nodata(net)) rule = sink_rule::none;
  v[so_sink_c] = net;
  v[so_sink_co2] = net * (44.0f / 12.0f);
  v[so_gains_c] = gains;
  v[so_losses_c] = losses;
  v[so_sink_method] = float(int(rule));
}

/// Climate zone of a zone code through a lookup (-1: nodata or unmapped), or the default.
SINKMAP_HD int zone_from_code(unsigned char const* lut, bool have_plane, int default_zone, float code)
{
  if (!have_plane) return default_zone;
  if (is_nodata(code) || code < 0.0f || code >= float(landcover_codes)) return -1;
  unsigned char const z = lut[int(code)];
  return z == unmapped_code ? -1 : int(z);
}

/// Age class of a stand age (the default without one).
SINKMAP_HD int age_from_years(bool have_plane, int default_age, float boundary, float years)
{
  if (!have_plane || is_nodata(years) || years < 0.0f) return default_age;
  return years <= boundary ? 0 : 1;
}

/// The sink of one pixel from its two years; writes the sink_outputs values into v.
template <typename T>
SINKMAP_HD void sink_at(sink_params const& p, T const* in, std::size_t plane, std::size_t i, float* v)
{
  sink_planes const& q = p.planes;
  year_pools y[2];
  for (int k = 0; k < 2; ++k) {
    float c = sink_sample(in, q.c_total[k], plane, i);
    if (p.has_nodata[k] && c == p.nodata[k]) c = NAN;
    y[k].c_total = c;
    y[k].c_above = sink_sample(in, q.c_above[k], plane, i);
    y[k].c_below = sink_sample(in, q.c_below[k], plane, i);
    y[k].c_dead = sink_sample(in, q.c_dead[k], plane, i);
    y[k].c_soil = sink_sample(in, q.c_soil[k], plane, i);
    y[k].agb = sink_sample(in, q.agb[k], plane, i);
    float const kc = sink_sample(in, q.cls[k], plane, i);
    y[k].cls = (kc > 0 && kc < float(max_classes)) ? int(kc) : 0;
  }
  int const zone = zone_from_code(p.zone_lut, q.zone >= 0, p.default_zone, sink_sample(in, q.zone, plane, i));
  int const age = age_from_years(q.age >= 0, p.default_age, p.age_boundary_years, sink_sample(in, q.age, plane, i));
  sink_from_pools(p.opt, p.tables, y[0], y[1], q.cls[0] >= 0 && q.cls[1] >= 0,
                  sink_sample(in, q.nbr[0], plane, i), sink_sample(in, q.nbr[1], plane, i), zone, age, v);
  v[so_class_from] = y[0].cls > 0 ? float(y[0].cls) : NAN;
  v[so_class_to] = y[1].cls > 0 ? float(y[1].cls) : NAN;
}

template <typename T>
struct sink_stage {
  sink_params const& p;
  T const* in;
  float* out;
  std::size_t plane;

  SINKMAP_HD void operator()(std::size_t i) const
  {
    float v[sink_outputs];
    sink_at(p, in, plane, i, v);
    for (int k = 0; k < sink_outputs; ++k) out[std::size_t(k) * plane + i] = stored(v[k]);
  }
};

static_assert(sizeof(sink_params) <= 32000, "sink_params exceeds the kernel parameter limit");

}  // namespace sinkmap::kernels
