// Carbon accounting through the years: each pixel carries a carbon state (confirmed class, the
// class before its last conversion, years since that conversion, stand age, the four pools, a
// pending class change) from one year's map to the next, and every year's stock is the previous
// stock plus that year's fluxes, as GCBM and the GFW flux model keep per-pixel pools. One call
// advances a pixel by one map interval; the CPU loop and the CUDA kernel run the same functor
// over all of a tile's years.
//
// The rules (IPCC 2006 Vol. 4; numbers come from the model file, never from here):
//  - land remaining in its class (Ch. 2.3.1.1, Eq. 2.9): biomass grows by G_W (1 + R) CF a year,
//    with G_W, R and CF of the class, climate zone and age class, until the class's mature
//    stock (the largest Tier 1 stock of the class in its zone; perennial crops: their stock at
//    harvest, Table 5.1). Dead organic matter and soil do not change at Tier 1 (2.3.2.1, 2.3.3.1).
//  - a forest inventory stand with a net annual volume increment grows by it instead (Tier 2,
//    Eq. 2.10: the increment through its class's volume conversion, BCEF_I or the derivative of
//    B = a V + b), with no Tier 1 cap, until it is converted, relabelled or disturbed; the state
//    carries the increment, so a continued run needs no inventory.
//  - disturbance (Eq. 2.14): a drop of NBR (dNBR above the threshold) inside forest that the
//    map still shows as forest is a stand-replacing harvest or fire: the fraction f_d of the
//    biomass is lost, the stand age restarts at 0 and the stand regrows at its young-age rate.
//  - wood removals from statistics (Eq. 2.12): where a zone reports its removals for the year,
//    they replace the detected clear-cuts there (the "or"): each forest pixel that stays
//    forest loses H/A m3 per ha (A: that forest's area in the zone, computed by a first pass),
//    as H BCEF_R (1 + R) CF of carbon, BCEF_R of its class at its growing-stock level (Table
//    4.5; the level is where AGB / BCEF_S falls), never more than it holds.
//  - land converted (Eq. 2.15, 2.16): the old class's biomass is lost in the year the change is
//    booked; the new class starts at B_AFTER (0 where the class grows, e.g. forest at Tier 1 and
//    perennial crops; the class's Tier 1 stock one year after conversion where it does not:
//    annual cropland Table 5.9, grassland Table 6.4) and then grows at its own rate. Dead organic
//    matter moves to the new class's value over T_on years where it rises and in one year where
//    it falls (Eq. 2.23), soil linearly over D years (Eq. 2.25). The pixel reports as "X
//    converted to Y" for `transition_years` (20 at Tier 1, 2006 Vol. 4 Sect. 3.1.3).
//  - coastal wetlands (2013 Wetlands Supplement Ch. 4): land rewetted, revegetated or created as
//    a coastal wetland class (a tidal flat becoming marsh, a pond restored) gains its soil
//    carbon at EF_RE every year since, instead of the mineral-soil approach of Eq. 2.25, where
//    the run says it was planted or reseeded (recolonization: EF_RE = 0 at Tier 1); the soil
//    of a coastal wetland converted to a class the model marks as extraction (ponds, dredged or
//    excavated land) is emitted in the booking year, and to a class marked as drainage it is
//    lost at EF_DR a year until none is left. A wetland that remains follows the model's choice:
//    no soil change (Tier 1) or its class's burial rate (a national practice).
//  - confirmation: a class change is booked only when the new class shows in `confirm_years`
//    consecutive maps, or at once when a disturbance signal (dNBR above the threshold in a forest
//    pixel that the map now shows as another group) confirms it. A reverted change (one-year
//    flicker) keeps the old class and is flagged. The rule is causal (maps up to this year only)
//    and its clocks start at the year the change was first seen, so a run continued from its
//    state equals a full run. Transition steps divide what is left by the years left of the
//    period, so the whole change arrives by the period's end whenever it was booked.
// Units: Mg C / ha for pools; Mg C / ha / yr for fluxes (positive = uptake).
#pragma once

#include "sinkmap/kernels/carbon_stage.hpp"
#include "sinkmap/kernels/sink_stage.hpp"

#include <cstddef>

namespace sinkmap::kernels {

/// Maps an accounting pass may carry a pixel through (the years of one tile stay in memory).
inline constexpr int max_accounting_years = 40;

/// The state bands, in order (state_YEAR.tif; docs/run-config.md documents them).
enum state_band : int {
  st_class = 0,          ///< confirmed ecosystem class id (NaN: not mapped)
  st_prior_class,        ///< class before the last conversion (NaN: none seen)
  st_years_since_conversion,  ///< transition steps since the last conversion (NaN: none)
  st_age,                ///< stand age in years (NaN: unknown; the default age class applies)
  st_c_above, st_c_below, st_c_dead, st_c_soil,  ///< pools, Mg C / ha
  st_pending_class,      ///< class seen but not yet confirmed (NaN: none)
  st_pending_first_year, ///< year it was first seen
  st_pending_count,      ///< consecutive maps that showed it
  st_last_nbr,           ///< NBR of the last map that had one (the next disturbance test)
  st_soil_depth,         ///< depth (cm) the soil pool is measured to: it travels with the pool
  st_volume_increment,   ///< a forest inventory stand's net annual volume increment (m3/ha/yr) that
                         ///< drives its growth until it is converted or disturbed (NaN: IPCC rates)
  state_bands
};
/// Their band names (a state file's bands are checked against these).
inline constexpr char const* state_band_name[state_bands] = {
  "class",         "prior_class",     "years_since_conversion", "stand_age",          "c_above",       "c_below",
  "c_dead",        "c_soil",          "pending_class",          "pending_first_year", "pending_count", "last_nbr",
  "soil_depth_cm", "volume_increment"};

/// Zones that may carry wood-removal statistics in one pass.
inline constexpr int max_harvest_zones = 48;

/// Per-year stock outputs, in order.
enum stock_band : int {
  sb_c_above = 0, sb_c_below, sb_c_dead, sb_c_soil, sb_c_total, sb_class, sb_category, sb_age,
  sb_soil_depth,  ///< depth (cm) of the pixel's soil pool (its class's, or the one it carried in)
  stock_bands
};
inline constexpr char const* stock_band_name[stock_bands] = {"c_above",       "c_below",   "c_dead",
                                                             "c_soil",        "c_total",   "ecosystem_class",
                                                             "ipcc_category", "stand_age", "soil_depth_cm"};

/// Per-interval flux outputs, in order (Mg C / ha / yr averaged over the interval).
enum flux_band : int {
  fb_net = 0, fb_co2, fb_gains, fb_losses, fb_biomass, fb_dom, fb_soil, fb_category, fb_events,
  fb_pending,
  fb_class_before,  ///< confirmed class at the interval's start (the transition table's from)
  fb_class_after,   ///< confirmed class at its end
  fb_removed_volume,  ///< wood removals booked from statistics, m3 / ha / yr
  fb_stock_before,  ///< c_total at the interval's start (for the mass balance; not a map band)
  flux_bands
};
/// The flux map's bands: every flux_band before fb_stock_before.
inline constexpr char const* flux_band_name[fb_stock_before] = {
  "sink_c",        "sink_co2", "gains_c",       "losses_c",   "biomass_c", "dom_c",       "soil_c",
  "ipcc_category", "events",   "pending_class", "class_from", "class_to",  "wood_removal"};

/// Bits of fb_events.
inline constexpr int event_conversion = 1;   ///< a class change was booked
inline constexpr int event_disturbance = 2;  ///< stand-replacing loss inside forest (dNBR)
inline constexpr int event_flicker = 4;      ///< a pending change was not confirmed (reverted)
inline constexpr int event_no_rate = 8;      ///< forest without a growth rate: no growth booked
inline constexpr int event_removal = 16;     ///< wood removals from statistics booked
inline constexpr int event_no_bcef = 32;     ///< removals due but the class has no BCEF: none booked
inline constexpr int event_restoration = 64; ///< soil gained at EF_RE (restored or created wetland)
inline constexpr int event_extraction = 128; ///< a coastal wetland soil extracted (emitted at once)
inline constexpr int event_drainage = 256;   ///< a drained coastal wetland soil lost at EF_DR
inline constexpr int event_recolonized = 512; ///< revegetated by recolonization: EF_RE = 0 (Tier 1)
inline constexpr int event_depth_kept = 1024; ///< soil of another depth kept: no rule converts it
inline constexpr int event_increment = 2048;  ///< grown by the inventory's volume increment, not G_W

/// What happens to the soil of a coastal wetland converted into a class (accounting_params::
/// coastal_soil_rule).
enum coastal_soil : unsigned char {
  coastal_soil_default = 0,  ///< Eq. 2.25 toward the new class's soil stock
  coastal_soil_extraction,   ///< all soil carbon emitted in the booking year (WS Eq. 4.6)
  coastal_soil_drainage,     ///< soil carbon lost at the class's EF_DR each year (WS Eq. 4.8)
};

/// IPCC reporting category code: from_group * 8 + to_group (remaining: from == to).
SINKMAP_HD float category_code(int from_group, int to_group) { return float(from_group * 8 + to_group); }

struct accounting_planes {
  int cls[max_accounting_years];  ///< observed class id per map
  int nbr[max_accounting_years];  ///< NBR per map (-1: none)
  /// Fresh start: the first map's pools (Mg C / ha); -1 where the state comes from a file.
  int c_above = -1, c_below = -1, c_dead = -1, c_soil = -1, c_total = -1;
  int state = -1;  ///< first of the state_bands planes of a start state (-1: fresh start)
  int zone = -1;   ///< climate-zone codes (through zone_lut)
  int age = -1;    ///< stand age in years (fresh start; plus age_offset_years: at the first map)
  int volume = -1; ///< growing stock (m3/ha) of forest inventory pixels at the first map (Monte Carlo)
  int increment = -1;  ///< net annual volume increment (m3/ha/yr) of forest inventory pixels (fresh start)
  int harvest_zone = -1;  ///< zone number (1..) of the removal statistics (0: outside every zone)
};

struct accounting_params {
  int n_years = 0;
  float years[max_accounting_years] = {};
  float state_year = NAN;  ///< year of the start state (NaN: fresh start at years[0])
  int confirm_years = 2;
  float transition_years = 20;
  float dnbr_threshold = NAN;  ///< NaN: no disturbance test
  accounting_planes planes;
  unsigned char zone_lut[landcover_codes];
  int default_zone = 0, default_age = 0;
  float age_boundary_years = 20;
  float age_offset_years = 0;  ///< the first map's year minus the age plane's (an inventory's survey)
  class_tables tables;
  /// B_AFTER per class and zone (Mg C / ha, above and below ground), and the mature stock
  /// (Mg d.m. / ha above ground) where growth stops (INFINITY: none).
  float after_above[max_classes][max_zones];
  float after_below[max_classes][max_zones];
  float mature_agb[max_classes][max_zones];
  unsigned char grows_from_zero[max_classes];  ///< 1: the class starts at 0 after a conversion
  /// Coastal wetland classes (mangrove, tidal marsh, seagrass: their soils follow Ch. 4 of the
  /// Wetlands Supplement), what a coastal wetland's soil undergoes when converted into each
  /// class (coastal_soil), and the classes whose land, converted into them, accumulates at
  /// EF_RE (restored or created wetlands; set where a parameter set has soil_gain).
  unsigned char coastal[max_classes];
  unsigned char coastal_soil_rule[max_classes];
  unsigned char restores[max_classes];
  /// 1: the run says the revegetation the maps show was planted or reseeded, so EF_RE applies;
  /// 0: recolonization, for which the Supplement's Tier 1 sets EF_RE = 0 (a map cannot tell).
  int restoration_planted = 0;
  /// Each class's soil depth (cm) and whether its soil is estimated (not NE): a soil pool keeps
  /// its depth through class changes, and moves toward a new class's stock (Eq. 2.25) only when
  /// both are measured to the same depth.
  float soil_depth[max_classes];
  unsigned char soil_estimated[max_classes];
  /// BCEF tables per class (Table 4.5), for wood removals given as volume.
  bcef_tables bcef;
  /// Wood removals per ha of eligible forest, m3/ha, per harvest zone (1..n_harvest_zones) and
  /// map (removals of the years since the previous map summed); NaN: no statistic there.
  int n_harvest_zones = 0;
  float harvest_m3_per_ha[max_harvest_zones][max_accounting_years];
};

/// The pixel's state as values (the state_bands planes hold the same as floats).
struct carbon_state {
  int cls = 0, prior = 0;
  float ysc = NAN, age = NAN;
  float above = NAN, below = NAN, dead = NAN, soil = NAN;
  int pending = 0;
  float pending_first = NAN;
  int pending_count = 0;
  float last_nbr = NAN;
  float soil_depth = NAN;
  float increment = NAN;  ///< m3/ha/yr of the inventory stand the pixel still is (NaN: none)
};

/// One interval's fluxes (Mg C / ha over the whole interval).
struct interval_flux {
  float gains = 0, losses = 0, biomass = 0, dom = 0, soil = 0;
  float removed_m3 = 0;  ///< m3 / ha of wood removals booked
  int events = 0;
};

/// The BCEF step of a class at its biomass: the first growing-stock level whose volume
/// AGB / BCEF_S lies below the level's bound (Table 4.5 is by growing stock; the pixel knows
/// its biomass). -1: the class has no table.
SINKMAP_HD int bcef_step(accounting_params const& p, int cls, float agb)
{
  if (cls <= 0 || cls >= max_classes) return -1;
  int const n = p.bcef.steps[cls];
  for (int k = 0; k < n; ++k)
    if (k == n - 1 || agb / p.bcef.s[cls][k] < p.bcef.below[cls][k]) return k;
  return -1;
}

/// The removal statistic of a pixel's zone for map y (NaN: none).
SINKMAP_HD float harvest_rate(accounting_params const& p, float zone_code, int y)
{
  if (p.n_harvest_zones <= 0 || is_nodata(zone_code) || zone_code < 1.0f || zone_code > float(p.n_harvest_zones))
    return NAN;
  return p.harvest_m3_per_ha[int(zone_code) - 1][y];
}

SINKMAP_HD int group_of_class(class_tables const& t, int cls)
{
  return cls > 0 && cls < max_classes ? int(t.group_of[cls]) : 0;
}

SINKMAP_HD bool is_forest_class(class_tables const& t, int cls)
{
  return group_of_class(t, cls) == int(class_group::forest);
}

SINKMAP_HD float accounted_total(carbon_state const& s)
{
  return s.above + s.below + s.dead + s.soil;
}

/// The IPCC category of a state: X_to_Y while the last conversion is within the transition
/// period and changed the group, else Y_remaining; NaN without a class.
SINKMAP_HD float state_category(accounting_params const& p, carbon_state const& s)
{
  if (s.cls <= 0) return NAN;
  int const to = group_of_class(p.tables, s.cls);
  int from = to;
  if (s.prior > 0 && !is_nodata(s.ysc) && s.ysc <= p.transition_years) from = group_of_class(p.tables, s.prior);
  return category_code(from, to);
}

/// A change inside the wetland group that the Supplement books as a change of land use: into a
/// restored or created wetland class from one that is not, or of a coastal wetland into a class
/// with its own coastal soil rule (a pond, a drained marsh).
SINKMAP_HD bool wetland_change(accounting_params const& p, int from, int to)
{
  if (from <= 0 || from >= max_classes || to <= 0 || to >= max_classes) return false;
  return (p.restores[to] && !p.restores[from]) || (p.coastal[from] && p.coastal_soil_rule[to] != coastal_soil_default);
}

/// The coastal wetland soil rules (2013 Wetlands Supplement Ch. 4) for `years` years of a pixel in
/// its class; true where one of them governs the soil (Eq. 2.25 then does not apply):
///  - land restored or created as a coastal class (converted into a class with EF_RE from one
///    without) gains EF_RE a year, as the run says it was planted (recolonization: EF_RE = 0,
///    Table 4.12), never above the class's own stock ("until such time as stocks are equivalent
///    to soil carbon stocks in natural settings");
///  - a coastal soil drained into a class with the drainage rule loses EF_DR a year (Table 4.13)
///    until none is left; one extracted into a class with a half-life decays by 0.5^(1/h) a year;
///  - a wetland that remains (outside a transition period) buries at the class's burial rate
///    where the model chose that practice (`remaining_allowed`).
SINKMAP_HD bool coastal_soil_years(accounting_params const& p, class_params const& m, carbon_state& s,
                                   interval_flux& f, float years, bool remaining_allowed)
{
  bool const converted = s.prior > 0 && !is_nodata(s.ysc);
  bool const restored = converted && p.restores[s.cls] && !is_nodata(m.soil_gain) && !p.restores[s.prior];
  bool const drained = converted && p.coastal[s.prior] && p.coastal_soil_rule[s.cls] == coastal_soil_drainage;
  bool const extracted = converted && p.coastal[s.prior] && p.coastal_soil_rule[s.cls] == coastal_soil_extraction;
  float d = 0.0f;
  if (restored && p.restoration_planted) {
    float const room = !is_nodata(m.soil_c) && m.soil_c > 0.0f ? m.soil_c - s.soil : INFINITY;
    float const want = m.soil_gain * years;
    d = want < room ? want : (room > 0.0f ? room : 0.0f);
    if (d > 0.0f) f.events |= event_restoration;
  } else if (restored) {
    f.events |= event_recolonized;
  } else if (drained && !is_nodata(m.soil_loss)) {
    float const want = m.soil_loss * years;
    d = -(want < s.soil ? want : (s.soil > 0.0f ? s.soil : 0.0f));
    if (d < 0.0f) f.events |= event_drainage;
  } else if (extracted && !is_nodata(m.soil_half_life) && m.soil_half_life > 0.0f && s.soil > 0.0f) {
    d = -s.soil * (1.0f - det_expf(-0.6931471805599453f * years / m.soil_half_life));
    f.events |= event_extraction;
  } else if (!restored && !drained && !extracted && remaining_allowed && !is_nodata(m.burial)) {
    d = m.burial * years;
  }
  if (d != 0.0f) {
    float const soil0 = s.soil;
    s.soil = soil0 + d;
    float const ds = s.soil - soil0;  // as stored, so the pools and the fluxes agree
    f.soil += ds;
    if (ds > 0.0f) f.gains += ds; else f.losses -= ds;
  }
  return restored || drained || extracted;
}

/// Biomass growth (Mg d.m. / ha / yr, above and below ground) of a forest inventory stand from
/// its net annual volume increment inc (m3/ha/yr), through its class's volume conversion: a
/// linear fit B = a V + b grows by dB = a inc (its derivative; a total with roots is split by
/// the root-to-shoot ratio at the stand's AGB, never expanded again), a BCEF table by
/// G_W = inc BCEF_I at the stand's growing-stock level (IPCC 2006 Vol. 4 Eq. 2.10). False where
/// the stand has no increment, its class converts no volume or its level has no BCEF_I: the
/// class's IPCC growth rate then applies.
SINKMAP_HD bool growth_from_increment(accounting_params const& p, class_params const& m, int cls, float agb, float inc,
                                      float& d_agb, float& d_bgb)
{
  if (is_nodata(inc) || inc < 0.0f || m.vb_form == volume_form::none) return false;
  if (m.vb_form == volume_form::linear) {
    float const d_b = m.vb_a * inc;
    if (m.vb_total) {
      float const r = root_to_shoot(m, agb);
      d_agb = d_b / (1.0f + r);
      d_bgb = d_b - d_agb;
    } else {
      d_agb = d_b;
      d_bgb = d_b * root_to_shoot(m, agb);
    }
    return true;
  }
  int const k = bcef_step(p, cls, agb);
  if (k < 0 || !(p.bcef.i[cls][k] > 0.0f)) return false;
  d_agb = inc * p.bcef.i[cls][k];
  d_bgb = d_agb * root_to_shoot(m, agb);
  return true;
}

/// One year of growth and transition for a pixel whose class is already settled.
SINKMAP_HD void advance_one_year(accounting_params const& p, int zone, carbon_state& s, interval_flux& f)
{
  int const age_class = age_from_years(!is_nodata(s.age), p.default_age, p.age_boundary_years, s.age);
  int const set = param_set(p.tables, s.cls, zone, age_class);
  if (set >= 0) {
    class_params const& m = p.tables.sets[set];
    float const cf = m.carbon_fraction;
    // Growth of land remaining (or already converted): an inventory stand by its measured volume
    // increment (no Tier 1 cap: the stand's own growth), else G_W (1 + R) CF up to the mature stock.
    float inc_agb = 0.0f, inc_bgb = 0.0f;
    if (cf > 0.0f && growth_from_increment(p, m, s.cls, s.above / cf, s.increment, inc_agb, inc_bgb)) {
      float const d_above = inc_agb * cf, d_below = inc_bgb * cf;
      s.above += d_above;
      s.below += d_below;
      f.gains += d_above + d_below;
      f.biomass += d_above + d_below;
      f.events |= event_increment;
    } else if (!is_nodata(m.growth) && m.growth > 0.0f && cf > 0.0f) {
      float const agb = s.above / cf;
      float const cap = zone >= 0 ? p.mature_agb[s.cls][zone] : INFINITY;
      if (agb < cap) {
        float const grown = agb + m.growth < cap ? agb + m.growth : cap;
        float const d_above = (grown - agb) * cf;
        float const d_below = (grown - agb) * root_to_shoot(m, agb) * cf;
        s.above += d_above;
        s.below += d_below;
        f.gains += d_above + d_below;
        f.biomass += d_above + d_below;
      }
    } else if (is_nodata(m.growth) && is_forest_class(p.tables, s.cls)) {
      f.events |= event_no_rate;
    }
    // Coastal wetland soils follow their own rules, not Eq. 2.25 (coastal_soil_years).
    bool const remaining = is_nodata(s.ysc) || s.ysc >= p.transition_years;
    bool const coastal_soil = coastal_soil_years(p, m, s, f, 1.0f, remaining);
    // Dead organic matter and soil move only during the transition period after a conversion.
    if (!is_nodata(s.ysc) && s.ysc < p.transition_years) {
      float const left = p.transition_years - s.ysc > 1.0f ? p.transition_years - s.ysc : 1.0f;  // whole T or not
      float const dom_target = is_nodata(m.dead_c) ? 0.0f : m.dead_c;
      float d_dom = dom_target < s.dead ? dom_target - s.dead : (dom_target - s.dead) / left;  // Eq. 2.23
      // Toward the new class's stock only when both are measured to the same depth: a soil of
      // another depth is kept as it is and flagged (no rule of the Guidelines converts it).
      // A class whose soil is not estimated (NE) sets no target: its soil is not zero, unknown.
      bool const estimated = p.soil_estimated[s.cls] && !is_nodata(m.soil_c);
      bool const same_depth = s.soil_depth == p.soil_depth[s.cls];
      if (estimated && !same_depth && !coastal_soil) f.events |= event_depth_kept;
      float const soil_target = !estimated || coastal_soil || !same_depth ? s.soil : m.soil_c;
      float const d_soil = (soil_target - s.soil) / left;  // Eq. 2.25
      float const dead0 = s.dead, soil0 = s.soil;
      s.dead = dead0 + d_dom;
      s.soil = soil0 + d_soil;
      d_dom = s.dead - dead0;  // the change as stored, so the pools and the fluxes agree
      float const ds = s.soil - soil0;
      f.dom += d_dom;
      f.soil += ds;
      if (d_dom > 0.0f) f.gains += d_dom; else f.losses -= d_dom;
      if (ds > 0.0f) f.gains += ds; else f.losses -= ds;
    }
  } else if (is_forest_class(p.tables, s.cls)) {
    f.events |= event_no_rate;
  }
  if (!is_nodata(s.age)) s.age += 1.0f;
  if (!is_nodata(s.ysc)) s.ysc += 1.0f;
}

/// Advances a pixel from its state to the map of `year` (dt years later): confirms or keeps
/// its class, books conversion or disturbance, then grows it year by year.
SINKMAP_HD void advance_state(accounting_params const& p, int zone, float year, float dt, int observed,
                              float nbr, float removal_m3, carbon_state& s, interval_flux& f)
{
  if (s.cls <= 0) return;  // never mapped: stays unmapped
  class_tables const& t = p.tables;
  bool const forest = is_forest_class(t, s.cls);
  bool const have_nbr = !is_nodata(nbr) && !is_nodata(s.last_nbr) && !is_nodata(p.dnbr_threshold);
  bool const dropped = have_nbr && forest && (s.last_nbr - nbr) > p.dnbr_threshold;
  if (!is_nodata(nbr)) s.last_nbr = nbr;

  bool convert = false;
  if (observed > 0 && observed != s.cls) {
    if (observed == s.pending) {
      s.pending_count += 1;
    } else {
      s.pending = observed;
      s.pending_first = year;
      s.pending_count = 1;
    }
    bool const confirmed_by_loss = dropped && group_of_class(t, observed) != int(class_group::forest);
    convert = s.pending_count >= p.confirm_years || confirmed_by_loss;
  } else if (observed > 0 && s.pending > 0) {
    f.events |= event_flicker;  // the map went back: the change was noise
    s.pending = 0;
    s.pending_first = NAN;
    s.pending_count = 0;
  }

  float const above0 = s.above, below0 = s.below;
  if (convert && group_of_class(t, s.pending) == group_of_class(t, s.cls) && !wetland_change(p, s.cls, s.pending)) {
    // A change inside one IPCC group (one forest type to another, annual to perennial crop) is
    // land remaining in its category: the class is relabelled, the pools carry on.
    convert = false;
    s.cls = s.pending;
    s.increment = NAN;  // another stand than the one the inventory measured
    if (!(s.soil > 0.0f)) s.soil_depth = p.soil_depth[s.cls];
    s.pending = 0;
    s.pending_first = NAN;
    s.pending_count = 0;
  }
  if (convert) {
    f.events |= event_conversion;
    f.losses += above0 + below0;
    s.prior = s.cls;
    s.cls = s.pending;
    s.increment = NAN;
    // An empty soil pool takes the new class's depth; a pool with carbon keeps its own.
    if (!(s.soil > 0.0f)) s.soil_depth = p.soil_depth[s.cls];
    // The clocks run from the year the change was first seen (year - dt is the last booked map).
    float const seen = s.pending_first;
    s.ysc = year - seen + 1.0f - dt;
    if (s.ysc < 0.0f) s.ysc = 0.0f;
    // Seen so long ago that its transition period has passed (maps without data between): the
    // dead organic matter and soil changes still all arrive, in the booking year.
    if (s.ysc > p.transition_years - 1.0f) s.ysc = p.transition_years - 1.0f > 0.0f ? p.transition_years - 1.0f : 0.0f;
    int const z = zone >= 0 ? zone : 0;
    s.above = zone >= 0 ? p.after_above[s.cls][z] : 0.0f;
    s.below = zone >= 0 ? p.after_below[s.cls][z] : 0.0f;
    f.gains += s.above + s.below;
    s.age = p.grows_from_zero[s.cls] ? 0.0f : NAN;
    int const new_set = param_set(t, s.cls, zone, age_from_years(!is_nodata(s.age), p.default_age, p.age_boundary_years, s.age));
    if (p.coastal[s.prior] && p.coastal_soil_rule[s.cls] == coastal_soil_extraction && s.soil > 0.0f) {
      // Extraction (the Supplement's Table 4.11 stocks "for extraction", Eq. 4.6): the extracted
      // soil's carbon is emitted at once, unless the model gives the class a half-life (then it
      // decays from this year on, in advance_one_year).
      f.events |= event_extraction;
      if (new_set < 0 || is_nodata(t.sets[new_set].soil_half_life)) {
        f.losses += s.soil;
        f.soil -= s.soil;
        s.soil = 0.0f;
      }
    }
    // The years between the first sighting and the booking (the clocks' head start) under the
    // coastal rules too, as Eq. 2.25 catches them up through the years left of its period.
    if (s.ysc > 0.0f && new_set >= 0) coastal_soil_years(p, t.sets[new_set], s, f, s.ysc, false);
    s.pending = 0;
    s.pending_first = NAN;
    s.pending_count = 0;
  } else if (dropped && (observed <= 0 || is_forest_class(t, observed)) && is_nodata(removal_m3)) {
    // A harvest or fire inside forest that stays forest (Eq. 2.14): f_d of the biomass is lost.
    // Where the zone reports its removals this year, the statistics book the harvest instead.
    int const age_class = age_from_years(!is_nodata(s.age), p.default_age, p.age_boundary_years, s.age);
    int const set = param_set(t, s.cls, zone, age_class);
    float const fd = set >= 0 && !is_nodata(t.sets[set].loss_fraction) ? t.sets[set].loss_fraction : 1.0f;
    f.events |= event_disturbance;
    s.above = above0 * (1.0f - fd);
    s.below = below0 * (1.0f - fd);
    f.losses += (above0 - s.above) + (below0 - s.below);
    s.age = 0.0f;
    s.increment = NAN;  // the measured stand is gone: the regrowth takes the IPCC rates
  } else if (!is_nodata(removal_m3) && removal_m3 > 0.0f && forest) {
    // Wood removals (Eq. 2.12): H BCEF_R (1 + R) CF, at most the biomass there is.
    int const age_class = age_from_years(!is_nodata(s.age), p.default_age, p.age_boundary_years, s.age);
    int const set = param_set(t, s.cls, zone, age_class);
    float const cf = set >= 0 ? t.sets[set].carbon_fraction : 0.0f;
    float const agb = cf > 0.0f ? s.above / cf : 0.0f;
    int const k = bcef_step(p, s.cls, agb);
    if (k < 0 || set < 0) {
      f.events |= event_no_bcef;
    } else {
      float const r = p.bcef.r[s.cls][k];
      float removed = removal_m3 * r;  // Mg d.m. / ha above ground
      if (removed > agb) removed = agb;
      float const d_above = removed * cf;
      float d_below = removed * root_to_shoot(t.sets[set], agb) * cf;
      if (d_below > s.below) d_below = s.below;
      s.above = above0 - d_above;
      s.below = below0 - d_below;
      f.losses += d_above + d_below;
      f.removed_m3 += removed / r;
      f.events |= event_removal;
    }
  }
  f.biomass += (s.above - above0) + (s.below - below0);
  int const steps = dt > 0.0f ? int(dt + 0.5f) : 0;
  for (int k = 0; k < steps; ++k) advance_one_year(p, zone, s, f);
}

SINKMAP_HD int observed_class(float v)
{
  return (v > 0.0f && v < float(max_classes)) ? int(v) : 0;
}

template <typename T>
SINKMAP_HD float acc_sample(T const* in, int k, std::size_t plane, std::size_t i)
{
  return k >= 0 ? static_cast<float>(in[std::size_t(k) * plane + i]) : NAN;
}

/// A fresh start's stand age at the first map (the age plane advanced by age_offset_years), or
/// NaN where the pixel has none.
template <typename T>
SINKMAP_HD float start_age(accounting_params const& p, T const* in, std::size_t plane, std::size_t i)
{
  float const a = acc_sample(in, p.planes.age, plane, i) + p.age_offset_years;
  return (!is_nodata(a) && a >= 0.0f) ? a : NAN;
}

SINKMAP_HD float nan_if_zero_class(int c) { return c > 0 ? float(c) : NAN; }

/// Output planes of an accounting pass: a stock block per map, a flux block per interval (the
/// first map has none on a fresh start: it is the start), then the final state.
SINKMAP_HD int flux_blocks(accounting_params const& p)
{
  return is_nodata(p.state_year) ? p.n_years - 1 : p.n_years;
}
SINKMAP_HD int accounting_outputs(accounting_params const& p)
{
  return p.n_years * stock_bands + flux_blocks(p) * flux_bands + state_bands;
}

/// A pixel's state from the planes of a start state (state_YEAR.tif).
template <typename T>
SINKMAP_HD void load_state(accounting_params const& p, T const* in, std::size_t plane, std::size_t i, carbon_state& s)
{
  float v[state_bands];
  for (int k = 0; k < state_bands; ++k) v[k] = acc_sample(in, p.planes.state + k, plane, i);
  s.cls = observed_class(v[st_class]);
  s.prior = observed_class(v[st_prior_class]);
  s.ysc = v[st_years_since_conversion];
  s.age = v[st_age];
  s.above = v[st_c_above];
  s.below = v[st_c_below];
  s.dead = v[st_c_dead];
  s.soil = v[st_c_soil];
  s.pending = observed_class(v[st_pending_class]);
  s.pending_first = v[st_pending_first_year];
  s.pending_count = is_nodata(v[st_pending_count]) ? 0 : int(v[st_pending_count]);
  s.last_nbr = v[st_last_nbr];
  s.soil_depth = v[st_soil_depth];
  s.increment = v[st_volume_increment];
}

template <typename T>
struct accounting_stage {
  accounting_params const& p;
  T const* in;
  float* out;
  std::size_t plane;

  SINKMAP_HD void put(int k, std::size_t i, float v) const { out[std::size_t(k) * plane + i] = stored(v); }

  SINKMAP_HD void put_stock(int year_index, std::size_t i, carbon_state const& s) const
  {
    int const b = year_index * stock_bands;
    bool const mapped = s.cls > 0;
    put(b + sb_c_above, i, mapped ? s.above : NAN);
    put(b + sb_c_below, i, mapped ? s.below : NAN);
    put(b + sb_c_dead, i, mapped ? s.dead : NAN);
    put(b + sb_c_soil, i, mapped ? s.soil : NAN);
    put(b + sb_c_total, i, mapped ? accounted_total(s) : NAN);
    put(b + sb_class, i, nan_if_zero_class(s.cls));
    put(b + sb_category, i, state_category(p, s));
    put(b + sb_age, i, mapped ? s.age : NAN);
    put(b + sb_soil_depth, i, mapped ? s.soil_depth : NAN);
  }

  SINKMAP_HD void operator()(std::size_t i) const
  {
    accounting_planes const& q = p.planes;
    carbon_state s;
    int const zone = zone_from_code(p.zone_lut, q.zone >= 0, p.default_zone, acc_sample(in, q.zone, plane, i));
    float const harvest_code = acc_sample(in, q.harvest_zone, plane, i);
    int first = 0;
    float prev_year = p.state_year;
    if (q.state >= 0) {
      load_state(p, in, plane, i, s);
    } else {
      float const total = acc_sample(in, q.c_total, plane, i);
      s.cls = is_nodata(total) ? 0 : observed_class(acc_sample(in, q.cls[0], plane, i));
      if (s.cls > 0) {
        s.above = acc_sample(in, q.c_above, plane, i);
        s.below = acc_sample(in, q.c_below, plane, i);
        s.dead = acc_sample(in, q.c_dead, plane, i);
        s.soil = acc_sample(in, q.c_soil, plane, i);
        s.age = start_age(p, in, plane, i);
        if (is_nodata(s.above) || is_nodata(s.below) || is_nodata(s.dead) || is_nodata(s.soil)) s.cls = 0;
        if (s.cls > 0) s.soil_depth = p.soil_depth[s.cls];
        float const inc = acc_sample(in, q.increment, plane, i);
        s.increment = !is_nodata(inc) && inc >= 0.0f ? inc : NAN;
      }
      s.last_nbr = acc_sample(in, q.nbr[0], plane, i);
      put_stock(0, i, s);
      first = 1;
      prev_year = p.years[0];
    }
    int const flux_base = p.n_years * stock_bands;
    for (int y = first; y < p.n_years; ++y) {
      interval_flux f;
      float const before = accounted_total(s);
      int const class_before = s.cls;
      float const dt = p.years[y] - prev_year;
      advance_state(p, zone, p.years[y], dt, observed_class(acc_sample(in, q.cls[y], plane, i)),
                    acc_sample(in, q.nbr[y], plane, i), harvest_rate(p, harvest_code, y), s, f);
      prev_year = p.years[y];
      put_stock(y, i, s);
      int const b = flux_base + (y - first) * flux_bands;
      bool const mapped = s.cls > 0;
      // The net is the stock change itself, so stock(t2) - stock(t1) = net x years per pixel.
      float const net = mapped ? (accounted_total(s) - before) / dt : NAN;
      put(b + fb_net, i, net);
      put(b + fb_co2, i, net * (44.0f / 12.0f));
      put(b + fb_gains, i, mapped ? f.gains / dt : NAN);
      put(b + fb_losses, i, mapped ? f.losses / dt : NAN);
      put(b + fb_biomass, i, mapped ? f.biomass / dt : NAN);
      put(b + fb_dom, i, mapped ? f.dom / dt : NAN);
      put(b + fb_soil, i, mapped ? f.soil / dt : NAN);
      put(b + fb_category, i, state_category(p, s));
      put(b + fb_events, i, mapped ? float(f.events) : NAN);
      put(b + fb_pending, i, nan_if_zero_class(s.pending));
      put(b + fb_stock_before, i, mapped ? before : NAN);
      put(b + fb_class_before, i, nan_if_zero_class(class_before));
      put(b + fb_class_after, i, nan_if_zero_class(s.cls));
      put(b + fb_removed_volume, i, mapped ? f.removed_m3 / dt : NAN);
    }
    int const sb = flux_base + flux_blocks(p) * flux_bands;
    bool const mapped = s.cls > 0;
    put(sb + st_class, i, nan_if_zero_class(s.cls));
    put(sb + st_prior_class, i, nan_if_zero_class(s.prior));
    put(sb + st_years_since_conversion, i, mapped ? s.ysc : NAN);
    put(sb + st_age, i, mapped ? s.age : NAN);
    put(sb + st_c_above, i, mapped ? s.above : NAN);
    put(sb + st_c_below, i, mapped ? s.below : NAN);
    put(sb + st_c_dead, i, mapped ? s.dead : NAN);
    put(sb + st_c_soil, i, mapped ? s.soil : NAN);
    put(sb + st_pending_class, i, nan_if_zero_class(s.pending));
    put(sb + st_pending_first_year, i, s.pending > 0 ? s.pending_first : NAN);
    put(sb + st_pending_count, i, mapped ? float(s.pending_count) : NAN);
    put(sb + st_last_nbr, i, mapped ? s.last_nbr : NAN);
    put(sb + st_soil_depth, i, mapped ? s.soil_depth : NAN);
    put(sb + st_volume_increment, i, mapped ? s.increment : NAN);
  }
};

static_assert(sizeof(accounting_params) <= 32000, "accounting_params exceeds the kernel parameter limit");

}  // namespace sinkmap::kernels
