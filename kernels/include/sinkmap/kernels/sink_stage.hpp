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

struct sink_params {
  sink_method_choice method = sink_method_choice::automatic;
  float years = 1;             ///< between the maps
  float transition_years = 20; ///< D: soil carbon reaches the new class's stock after D years
  float dnbr_threshold = NAN;  ///< NaN: no disturbance test
  int has_nodata[2] = {0, 0};  ///< the c_total planes' nodata (besides NaN)
  float nodata[2] = {0, 0};
  sink_planes planes;
  unsigned char zone_lut[landcover_codes];
  int default_zone = 0, default_age = 0;
  float age_boundary_years = 20;
  class_tables tables;
  unsigned char imagery[max_classes];  ///< 1: the class's AGB comes from an imagery model
};

/// Outputs, in order.
inline constexpr int sink_outputs = 8;
// sink_c, sink_co2, gains_c, losses_c (Mg C/ha/yr), sink_method (sink_rule), disturbed (0/1,
// NaN without NBR), class_from, class_to

template <typename T>
SINKMAP_HD float sink_sample(T const* in, int k, std::size_t plane, std::size_t i)
{
  return k >= 0 ? static_cast<float>(in[std::size_t(k) * plane + i]) : NAN;
}

/// The sink of one pixel from its two years; writes the sink_outputs values into v.
template <typename T>
SINKMAP_HD void sink_at(sink_params const& p, T const* in, std::size_t plane, std::size_t i, float* v)
{
  sink_planes const& q = p.planes;
  float c1 = sink_sample(in, q.c_total[0], plane, i), c2 = sink_sample(in, q.c_total[1], plane, i);
  if (p.has_nodata[0] && c1 == p.nodata[0]) c1 = NAN;
  if (p.has_nodata[1] && c2 == p.nodata[1]) c2 = NAN;
  float const k1 = sink_sample(in, q.cls[0], plane, i), k2 = sink_sample(in, q.cls[1], plane, i);
  int const cls1 = (k1 > 0 && k1 < float(max_classes)) ? int(k1) : 0;
  int const cls2 = (k2 > 0 && k2 < float(max_classes)) ? int(k2) : 0;
  for (int k = 0; k < sink_outputs; ++k) v[k] = NAN;
  v[4] = float(int(sink_rule::none));
  v[6] = cls1 > 0 ? float(cls1) : NAN;
  v[7] = cls2 > 0 ? float(cls2) : NAN;
  if (is_nodata(c1) || is_nodata(c2)) return;  // mapped only where both years are

  // Disturbance: dNBR above the threshold inside forest (both years need NBR).
  float const n1 = sink_sample(in, q.nbr[0], plane, i), n2 = sink_sample(in, q.nbr[1], plane, i);
  bool const forest = cls1 > 0 && p.tables.group_of[cls1] == static_cast<unsigned char>(class_group::forest);
  bool const have_nbr = !is_nodata(n1) && !is_nodata(n2) && !is_nodata(p.dnbr_threshold);
  bool const disturbed = have_nbr && forest && cls1 == cls2 && (n1 - n2) > p.dnbr_threshold;
  v[5] = have_nbr ? (disturbed ? 1.0f : 0.0f) : NAN;

  bool const classes_known = q.cls[0] >= 0 && q.cls[1] >= 0 && cls1 > 0 && cls2 > 0;
  bool const remains = classes_known && cls1 == cls2;
  bool const imagery = classes_known && p.imagery[cls1] && p.imagery[cls2];
  sink_rule rule;
  if (p.method == sink_method_choice::stock_difference || !classes_known) rule = sink_rule::stock_difference;
  else if (!remains) rule = sink_rule::conversion;
  else if (p.method == sink_method_choice::gain_loss || !imagery) rule = sink_rule::gain_loss;
  else rule = sink_rule::stock_difference;

  float net = NAN, gains = NAN, losses = NAN;
  if (rule == sink_rule::stock_difference) {
    net = (c2 - c1) / p.years;
    gains = net > 0.0f ? net : 0.0f;
    losses = net < 0.0f ? -net : 0.0f;
  } else if (rule == sink_rule::conversion) {
    // Biomass and dead organic matter at once (over the years between the maps), soil over D.
    float const bio1 = sink_sample(in, q.c_above[0], plane, i) + sink_sample(in, q.c_below[0], plane, i);
    float const bio2 = sink_sample(in, q.c_above[1], plane, i) + sink_sample(in, q.c_below[1], plane, i);
    float const dom1 = sink_sample(in, q.c_dead[0], plane, i), dom2 = sink_sample(in, q.c_dead[1], plane, i);
    float const soc = sink_sample(in, q.c_soil[1], plane, i) - sink_sample(in, q.c_soil[0], plane, i);
    float const soil_rate = soc / p.transition_years;
    gains = (bio2 + dom2) / p.years + (soil_rate > 0.0f ? soil_rate : 0.0f);
    losses = (bio1 + dom1) / p.years + (soil_rate < 0.0f ? -soil_rate : 0.0f);
    net = gains - losses;
  } else {
    // Gain-loss for land remaining in its class, with the year-1 class, zone and age.
    float const zc = sink_sample(in, q.zone, plane, i);
    int zone = p.default_zone;
    if (q.zone >= 0) {
      zone = (is_nodata(zc) || zc < 0.0f || zc >= float(landcover_codes)) ? -1 : int(p.zone_lut[int(zc)]);
      if (zone == int(unmapped_code)) zone = -1;
    }
    float const age_years = sink_sample(in, q.age, plane, i);
    int const age = (q.age < 0 || is_nodata(age_years) || age_years < 0.0f)
                      ? p.default_age
                      : (age_years <= p.age_boundary_years ? 0 : 1);
    int const set = param_set(p.tables, cls1, zone, age);
    if (set >= 0) {
      class_params const& m = p.tables.sets[set];
      float const agb1 = sink_sample(in, q.agb[0], plane, i);
      float const b_w = is_nodata(agb1) ? 0.0f : agb1;
      float const r = root_to_shoot(m, b_w);
      gains = m.growth * (1.0f + r) * m.carbon_fraction;
      losses = 0.0f;
      if (disturbed) {
        float const fd = is_nodata(m.loss_fraction) ? 1.0f : m.loss_fraction;
        losses = b_w * (1.0f + r) * m.carbon_fraction * fd / p.years;
      }
      net = gains - losses;  // NaN where the class has no growth rate
    }
    if (is_nodata(net)) {
      gains = losses = NAN;
      rule = sink_rule::none;
    }
  }
  if (is_nodata(net)) rule = sink_rule::none;
  v[0] = net;
  v[1] = net * (44.0f / 12.0f);
  v[2] = gains;
  v[3] = losses;
  v[4] = float(int(rule));
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
    for (int k = 0; k < sink_outputs; ++k) out[std::size_t(k) * plane + i] = v[k];
  }
};

static_assert(sizeof(sink_params) <= 32000, "sink_params exceeds the kernel parameter limit");

}  // namespace sinkmap::kernels
