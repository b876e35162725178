// The fused carbon-stock stage: reflectance -> indices -> ecosystem class -> above-ground biomass
// -> below-ground biomass -> carbon pools, in one pass over the pixel. Units (docs/architecture.md):
// biomass Mg dry matter / ha; carbon densities Mg C / ha.
#pragma once

#include "sinkmap/kernels/composite_stage.hpp"
#include "sinkmap/kernels/ecosystem_class.hpp"
#include "sinkmap/kernels/index_stage.hpp"

namespace sinkmap::kernels {

/// Above-ground biomass model forms.
enum class agb_form : int {
  none = 0,      ///< class holds no living biomass (water, built-up, bare): AGB = 0
  constant,      ///< AGB = a (IPCC Tier 1 default stock)
  linear,        ///< AGB = a + b x
  power,         ///< AGB = a x^b
  exponential,   ///< AGB = a exp(b x)
  logarithmic,   ///< AGB = a + b ln x
};

inline constexpr int max_root_shoot_steps = 4;

/// Stand biomass from a forest inventory's growing stock V (m3/ha), per class:
enum class volume_form : int {
  none = 0,    ///< the class takes no volume: its land-cover biomass applies
  linear,      ///< B = a V + b (continuous BEF, Fang et al.), for V > 0; B = 0 for V = 0
  bcef_table,  ///< AGB = V BCEF_S at V's growing-stock level (IPCC 2006 Vol. 4 Eq. 2.8, Table 4.5)
};

/// Plain-data parameters of one (class, climate zone, age class) combination, at the values
/// the model gives (the Monte Carlo draws other values into the same struct).
struct class_params {
  agb_form form = agb_form::none;
  int index_output = -1;     ///< which computed index feeds the AGB model
  float a = 0, b = 0;
  float x_min = -INFINITY, x_max = INFINITY;  ///< valid input range; outside -> nodata
  float agb_min = 0, agb_max = INFINITY;      ///< output clamp (Mg/ha)
  /// Root-to-shoot ratio by AGB class (IPCC Table 4.4): ratio[k] applies while AGB <
  /// below[k]; the last step has below = +inf.
  int rs_steps = 0;
  float rs_below[max_root_shoot_steps] = {};
  float rs_ratio[max_root_shoot_steps] = {};
  float carbon_fraction = 0.47f;  ///< Mg C per Mg dry matter
  float dead_c = 0;               ///< dead organic matter, Mg C / ha
  float soil_c = 0;               ///< soil organic carbon (the model's depth), Mg C / ha
  /// Above-ground net biomass growth G_W (Mg d.m. / ha / yr) for the gain-loss sink; NaN where
  /// the model has none for this combination.
  float growth = NAN;
  /// Fraction of biomass lost in a detected disturbance (f_d of IPCC 2006 Eq. 2.14); NaN: none.
  float loss_fraction = NAN;
  /// Per-pixel residual SD of an imagery AGB model (Mg/ha), drawn by the Monte Carlo only.
  float residual_sd = 0;
  /// Coastal wetlands (2013 Wetlands Supplement Ch. 4), Mg C / ha / yr, NaN where the class has
  /// none: soil carbon gained each year by land rewetted, revegetated or created as this class
  /// (EF_RE), lost each year by a coastal wetland soil drained into it (EF_DR), and buried each
  /// year under this class where it remains (a national burial-rate practice; NaN at Tier 1).
  float soil_gain = NAN;
  float soil_loss = NAN;
  float burial = NAN;
  /// Half-life (years) of a coastal soil extracted into this class, where the model chooses to
  /// let it decay (as InVEST's half-lives do) instead of the Supplement's emission at once; NaN:
  /// at once.
  float soil_half_life = NAN;
  /// Growing stock to biomass (forest inventory pixels only): the form, its coefficients (a in
  /// Mg d.m. per m3, b in Mg d.m. per ha) and whether B is above-ground biomass (0) or the
  /// stand's total live biomass with roots (1: then split by the root-to-shoot ratio, never
  /// expanded by it again).
  volume_form vb_form = volume_form::none;
  float vb_a = 0, vb_b = 0;
  int vb_total = 0;
};

/// Growing-stock levels of a class's BCEF table (IPCC 2006 Vol. 4 Table 4.5 has five).
inline constexpr int max_bcef_steps = 5;

/// BCEF tables per class (Table 4.5): step k applies while the growing stock is below below[k]
/// m3/ha (the last step: INFINITY); 0 steps: the class has none.
struct bcef_tables {
  unsigned char steps[max_classes];
  float below[max_classes][max_bcef_steps];
  float s[max_classes][max_bcef_steps];  ///< BCEF_S: growing stock (m3) to AGB (Mg d.m.)
  float r[max_classes][max_bcef_steps];  ///< BCEF_R: removals (m3) to AGB removed (Mg d.m.)
  /// BCEF_I: net annual volume increment (m3) to AGB growth (Mg d.m.), Eq. 2.10; NaN: none.
  float i[max_classes][max_bcef_steps];
};

/// Distinct parameter combinations a model may have (classes x zones x ages, deduplicated).
inline constexpr int max_param_sets = 128;
/// set_of entry of a combination the model does not cover (no parameters: NA in the tables).
inline constexpr unsigned char no_param_set = 255;

/// The model as lookup tables: which parameter set a (class, zone, age) pixel uses.
struct class_tables {
  int n_sets = 0;
  class_params sets[max_param_sets];
  unsigned char set_of[max_classes][max_zones][age_classes];
  unsigned char group_of[max_classes];  ///< class_group of each class id (none: undefined)
};

/// Index thresholds that classify a pixel where no land-cover map is given; the class ids are
/// the model's (its "classifier" section names the classes).
struct threshold_classifier {
  int ndvi_output = -1, ndwi_output = -1;  ///< computed index outputs read
  float water_ndwi = 0.0f;                  ///< NDWI > this -> water class
  float bare_ndvi = 0.2f;                   ///< NDVI < this -> bare class
  float forest_ndvi = 0.5f;                 ///< NDVI >= this -> forest class, else grassland
  int water = 0, bare = 0, forest = 0, grassland = 0;  ///< class ids
};

/// The values a carbon pass can compute, by name: the pools and class (`carbon_value`, the
/// stock map's bands in order), then, in compositing runs, the composite's role bands, its clear
/// count and its day of year, then the index value an AGB model read. A job picks what the stage
/// emits with these names (`emit`); codes from index_value_base up select a computed index (NBR
/// for the sink's disturbance test). Declared once here, so no job counts value codes by hand.
enum carbon_value : int {
  cv_agb,
  cv_bgb,
  cv_c_above,
  cv_c_below,
  cv_c_dead,
  cv_c_soil,
  cv_c_total,
  cv_ecosystem_class,
  carbon_outputs,                       ///< the stock map's bands: the values above
  cv_composite_first = carbon_outputs,  ///< + r: the composite's role r
  cv_clear_count = cv_composite_first + max_composite_roles,
  cv_doy,
  cv_agb_input,  ///< the index an AGB model read
  max_carbon_values
};
/// The band names of the carbon_outputs values, in order.
inline constexpr char const* carbon_output_names[carbon_outputs] = {"agb",    "bgb",    "c_above", "c_below",
                                                                    "c_dead", "c_soil", "c_total", "ecosystem_class"};
inline constexpr int agb_input_value = cv_agb_input;
inline constexpr int index_value_base = 32;
static_assert(max_carbon_values <= index_value_base, "carbon values overlap the index codes");
inline constexpr int max_carbon_emit = max_carbon_values + max_stage_outputs;

struct carbon_stage_params {
  index_stage_params idx;        ///< bands, masks and the indices the models read
  /// 1: the pixel's reflectances come from a clear-sky composite of many observations (the
  /// idx roles are then unbound and `comp` says where each observation's planes are).
  int use_composite = 0;
  composite_params comp;
  int landcover_plane = -1;      ///< input plane of land-cover codes; -1: threshold classifier
  int forest_type_plane = -1;    ///< forest-type codes (refine forest pixels); -1: none
  int forest_age_plane = -1;     ///< stand age in years; -1: default_age everywhere
  /// Years to add to the age plane's ages: the map's year minus the year the ages were surveyed
  /// (a forest inventory's ages advance with the years).
  float age_offset_years = 0;
  /// Growing stock (m3/ha) of forest inventory pixels (NaN elsewhere); -1: none. Where a pixel
  /// has one and its parameter set converts volume, biomass comes from it (volume_form).
  int volume_plane = -1;
  bcef_tables bcef;
  int zone_plane = -1;           ///< climate-zone codes; -1: default_zone everywhere
  unsigned char lut[landcover_codes];       ///< land-cover code -> class id
  unsigned char type_lut[landcover_codes];  ///< forest-type code -> class id (unmapped: keep)
  unsigned char zone_lut[landcover_codes];  ///< zone code -> zone (unmapped: nodata)
  int default_zone = 0;
  int default_age = 0;
  float age_boundary_years = 20.0f;  ///< age <= boundary: young (0), else old (1)
  threshold_classifier classifier;
  class_tables tables;
  /// The computed index that the imagery classes' biomass models read (-1: none, or several):
  /// written as agb_input for Tier 1 pixels too, so the Monte Carlo can recompute biomass for a
  /// pixel whose true class (drawn from the land-cover confusion) is an imagery class.
  int agb_input_index = -1;
  /// The output planes the stage writes: plane k holds value emit[k] (an index into the
  /// carbon_outputs values). Only what is consumed leaves the stage, so unused pools cost no
  /// memory traffic (and no device-to-host copy).
  int n_emit = carbon_outputs;
  int emit[max_carbon_emit] = {cv_agb,    cv_bgb,    cv_c_above, cv_c_below,
                               cv_c_dead, cv_c_soil, cv_c_total, cv_ecosystem_class};
};

// The stock bands: agb, bgb, c_above, c_below, c_dead, c_soil, c_total, and the ecosystem class
// id each pixel was modelled as (so inventories can be audited against it).

/// The part of a biomass model that depends on the index value and the exponent alone: x^b
/// (power), e^(b x) (exponential), ln x (logarithmic); the Monte Carlo reuses it across
/// iterations where b does not change.
SINKMAP_HD float agb_shape(class_params const& m, float x)
{
  switch (m.form) {
    case agb_form::power: return det_powf(x, m.b);
    case agb_form::exponential: return det_expf(m.b * x);
    case agb_form::logarithmic: return x > 0.0f ? det_logf(x) : NAN;
    default: return x;
  }
}

/// AGB from the shape (NaN outside the valid range, clamped to the model's bounds).
SINKMAP_HD float agb_from_shape(class_params const& m, float x, float shape)
{
  float agb = 0.0f;
  switch (m.form) {
    case agb_form::none: return 0.0f;
    case agb_form::constant: return m.a;
    case agb_form::linear: agb = m.a + m.b * x; break;
    case agb_form::power: agb = m.a * shape; break;
    case agb_form::exponential: agb = m.a * shape; break;
    case agb_form::logarithmic: agb = x > 0.0f ? m.a + m.b * shape : NAN; break;
  }
  if (is_nodata(x) || x < m.x_min || x > m.x_max || is_nodata(agb)) return NAN;
  return agb < m.agb_min ? m.agb_min : (agb > m.agb_max ? m.agb_max : agb);
}

/// Whether a parameter set's biomass comes from an imagery model (the index is read, and the
/// Monte Carlo may draw a residual), not from a constant or from nothing.
SINKMAP_HD bool reads_index(class_params const& m)
{
  return m.form != agb_form::none && m.form != agb_form::constant;
}

/// Whether the set's model has a transcendental shape (x^b, e^(b x), ln x) of an index, which
/// the CPU block computes for all of the set's pixels at once (agb_shape_block).
SINKMAP_HD bool shaped_by_block(class_params const& m)
{
  return (m.form == agb_form::power || m.form == agb_form::exponential || m.form == agb_form::logarithmic) &&
         m.index_output >= 0;
}

/// AGB of one parameter set at index value x (NaN outside the valid range).
SINKMAP_HD float above_ground_biomass(class_params const& m, float x)
{
  if (!reads_index(m)) return agb_from_shape(m, x, 0.0f);
  return agb_from_shape(m, x, agb_shape(m, x));
}

/// The ratio of the first step whose bound lies above agb, else of the last step. Written as
/// selects: neighbouring pixels cross the steps at random, and a loop with an early return
/// mispredicts on them.
SINKMAP_HD float root_to_shoot(class_params const& m, float agb)
{
  if (m.rs_steps <= 0) return 0.0f;
  float r = m.rs_ratio[m.rs_steps - 1];
  for (int k = m.rs_steps - 1; k >= 0; --k) r = agb < m.rs_below[k] ? m.rs_ratio[k] : r;
  return r;
}

/// Land-cover code -> class id (0 for nodata, codes outside 0..255 and unmapped codes).
SINKMAP_HD int class_of_code(unsigned char const* lut, float code)
{
  if (is_nodata(code) || code < 0.0f || code >= float(landcover_codes)) return 0;
  unsigned char const c = lut[static_cast<int>(code)];
  return c == unmapped_code ? 0 : c;
}

/// The class of a pixel from its land-cover code or, without a map, from index thresholds;
/// a forest pixel is then refined by its forest-type code where the type map has one.
SINKMAP_HD int classify(carbon_stage_params const& p, float code, float type_code, float const* ix)
{
  int cls = 0;
  if (p.landcover_plane >= 0) {
    cls = class_of_code(p.lut, code);
  } else {
    float const ndvi = ix[p.classifier.ndvi_output];
    float const ndwi = p.classifier.ndwi_output >= 0 ? ix[p.classifier.ndwi_output] : NAN;
    if (is_nodata(ndvi)) return 0;
    if (!is_nodata(ndwi) && ndwi > p.classifier.water_ndwi) cls = p.classifier.water;
    else if (ndvi < p.classifier.bare_ndvi) cls = p.classifier.bare;
    else cls = ndvi >= p.classifier.forest_ndvi ? p.classifier.forest : p.classifier.grassland;
  }
  if (cls > 0 && p.forest_type_plane >= 0 &&
      p.tables.group_of[cls] == static_cast<unsigned char>(class_group::forest)) {
    int const refined = class_of_code(p.type_lut, type_code);
    if (refined > 0) cls = refined;
  }
  return cls;
}

/// Climate zone of a pixel: its zone code through the zone lookup, or the default zone without
/// a zone map; -1 where the zone map is nodata or has a code without a zone.
SINKMAP_HD int zone_of(carbon_stage_params const& p, float zone_code)
{
  if (p.zone_plane < 0) return p.default_zone;
  if (is_nodata(zone_code) || zone_code < 0.0f || zone_code >= float(landcover_codes)) return -1;
  unsigned char const z = p.zone_lut[static_cast<int>(zone_code)];
  return z == unmapped_code ? -1 : z;
}

/// Age class of a pixel: young (0) at or below the boundary age, old (1) above it; the default
/// age class where there is no age map or the map has no age here.
SINKMAP_HD int age_of(carbon_stage_params const& p, float age_years)
{
  if (p.forest_age_plane < 0 || is_nodata(age_years)) return p.default_age;
  age_years += p.age_offset_years;
  if (age_years < 0.0f) return p.default_age;
  return age_years <= p.age_boundary_years ? 0 : 1;
}

/// The parameter set of a (class, zone, age) pixel, or -1 (class 0, zone unknown, or a
/// combination the model has no parameters for).
SINKMAP_HD int param_set(class_tables const& t, int cls, int zone, int age)
{
  if (cls <= 0 || cls >= max_classes || zone < 0 || zone >= max_zones) return -1;
  unsigned char const s = t.set_of[cls][zone][age];
  return s == no_param_set ? -1 : int(s);
}

/// The index value a parameter set's biomass model reads (0 where it reads none).
SINKMAP_HD float model_input(class_params const& m, float const* ix)
{
  return m.index_output >= 0 ? ix[m.index_output] : 0.0f;
}

/// agb, bgb, c_above, c_below, c_dead, c_soil, c_total of a parameter set given its biomass,
/// and the class id. A pixel with a class but no parameters keeps its class id and gets NaN
/// pools, so that the inventory can report it; a pixel without a class is NaN throughout.
SINKMAP_HD void pools_from_biomass(class_tables const& t, int cls, int set, float agb, float bgb, float* v)
{
  if (set < 0 || is_nodata(agb)) {
    for (int k = 0; k < carbon_outputs; ++k) v[k] = NAN;
    v[cv_ecosystem_class] = cls <= 0 ? NAN : float(cls);
    return;
  }
  class_params const& m = t.sets[set];
  v[cv_agb] = agb;
  v[cv_bgb] = bgb;
  v[cv_c_above] = agb * m.carbon_fraction;
  v[cv_c_below] = bgb * m.carbon_fraction;
  v[cv_c_dead] = m.dead_c;
  v[cv_c_soil] = m.soil_c;
  v[cv_c_total] = v[cv_c_above] + v[cv_c_below] + v[cv_c_dead] + v[cv_c_soil];
  v[cv_ecosystem_class] = float(cls);
}

/// The same from above-ground biomass: below-ground by the root-to-shoot ratio.
SINKMAP_HD void pools_from_agb(class_tables const& t, int cls, int set, float agb, float* v)
{
  float const bgb = set >= 0 && !is_nodata(agb) ? agb * root_to_shoot(t.sets[set], agb) : NAN;
  pools_from_biomass(t, cls, set, agb, bgb, v);
}

/// The BCEF level of growing stock v (m3/ha) in class cls's table; -1: the class has none.
SINKMAP_HD int bcef_level(bcef_tables const& b, int cls, float v)
{
  if (cls <= 0 || cls >= max_classes) return -1;
  int const n = b.steps[cls];
  for (int k = 0; k < n; ++k)
    if (k == n - 1 || v < b.below[cls][k]) return k;
  return -1;
}

/// Above- and below-ground biomass (Mg d.m. / ha) of a total live biomass B that includes the
/// roots: AGB solves AGB (1 + R(AGB)) = B under the stepwise ratio, so the total stays B (the
/// ratio splits it and never expands it again). Where the steps leave no exact solution (R
/// jumps at a bound), AGB is the bound and the roots the rest.
SINKMAP_HD void split_total_biomass(class_params const& m, float total, float& agb, float& bgb)
{
  agb = total;
  for (int k = 0; k < m.rs_steps; ++k) {
    float const lower = k > 0 ? m.rs_below[k - 1] : -INFINITY;
    float const cand = total / (1.0f + m.rs_ratio[k]);
    if (cand < lower) {  // in the gap at this step's lower bound
      agb = lower;
      break;
    }
    if (cand < m.rs_below[k]) {
      agb = cand;
      break;
    }
  }
  bgb = total - agb;
}

/// Biomass of growing stock v (m3/ha) under a parameter set's volume conversion. False where
/// the set converts no volume, v is not a growing stock, or the class has no BCEF level: the
/// pixel's land-cover biomass applies.
SINKMAP_HD bool biomass_from_volume(class_params const& m, bcef_tables const& b, int cls, float v, float& agb, float& bgb)
{
  if (m.vb_form == volume_form::none || is_nodata(v) || v < 0.0f) return false;
  if (m.vb_form == volume_form::linear) {
    // The intercept b is biomass a stand has at small volumes (Fang's BEF = a + b / V); land
    // without growing stock has no stand, so V = 0 carries none.
    float const B = v > 0.0f ? m.vb_a * v + m.vb_b : 0.0f;
    if (m.vb_total) {
      split_total_biomass(m, B < 0.0f ? 0.0f : B, agb, bgb);
      return true;
    }
    agb = B < 0.0f ? 0.0f : B;
  } else {
    int const k = bcef_level(b, cls, v);
    if (k < 0) return false;
    agb = v * b.s[cls][k];
  }
  bgb = agb * root_to_shoot(m, agb);
  return true;
}

/// Pools of a parameter set from its biomass model at the pixel's indices.
SINKMAP_HD void carbon_pools(class_tables const& t, int cls, int set, float const* ix, float* v)
{
  pools_from_agb(t, cls, set, set >= 0 ? above_ground_biomass(t.sets[set], model_input(t.sets[set], ix)) : NAN, v);
}

/// Pools of a pixel whose biomass comes from its growing stock where it has one (and its set
/// converts volume), else from the set's biomass model at index value x.
SINKMAP_HD void pixel_carbon(class_tables const& t, bcef_tables const& b, int cls, int set, float x, float volume,
                             float* v)
{
  float agb = NAN, bgb = NAN;
  if (set >= 0 && biomass_from_volume(t.sets[set], b, cls, volume, agb, bgb)) {
    pools_from_biomass(t, cls, set, agb, bgb, v);
    return;
  }
  pools_from_agb(t, cls, set, set >= 0 ? above_ground_biomass(t.sets[set], x) : NAN, v);
}


/// The input sample of plane `k` at pixel i as float, or NaN where the plane is absent.
template <typename T>
SINKMAP_HD float plane_sample(T const* in, int k, std::size_t plane, std::size_t i)
{
  return k >= 0 ? static_cast<float>(in[std::size_t(k) * plane + i]) : NAN;
}

/// Class, zone, age and parameter set of pixel i, then its pools into v.
template <typename T>
SINKMAP_HD void pixel_class_set(carbon_stage_params const& p, T const* in, std::size_t plane, std::size_t i,
                                bool valid, float const* ix, int& cls, int& set)
{
  cls = 0;
  set = -1;
  if (!valid) return;
  cls = classify(p, plane_sample(in, p.landcover_plane, plane, i), plane_sample(in, p.forest_type_plane, plane, i), ix);
  set = param_set(p.tables, cls, zone_of(p, plane_sample(in, p.zone_plane, plane, i)),
                  age_of(p, plane_sample(in, p.forest_age_plane, plane, i)));
}

/// The value the biomass model read (for Tier 1 classes the one imagery models read): the
/// Monte Carlo recomputes the biomass from it under drawn coefficients and classes.
SINKMAP_HD float agb_input_of(carbon_stage_params const& p, int set, bool valid, float const* ix)
{
  int xk = set >= 0 ? p.tables.sets[set].index_output : -1;
  if (xk < 0 && valid) xk = p.agb_input_index;
  return xk >= 0 ? ix[xk] : NAN;
}

template <typename T>
SINKMAP_HD void pixel_pools(carbon_stage_params const& p, T const* in, std::size_t plane,
                            std::size_t i, bool valid, float const* ix, float* v)
{
  int cls, set;
  pixel_class_set(p, in, plane, i, valid, ix, cls, set);
  pixel_carbon(p.tables, p.bcef, cls, set, set >= 0 ? model_input(p.tables.sets[set], ix) : NAN,
               plane_sample(in, p.volume_plane, plane, i), v);
  v[cv_agb_input] = agb_input_of(p, set, valid, ix);
}

/// The per-pixel carbon functor: writes the carbon_outputs planes, NaN where any input is
/// nodata or masked, the class has no parameters, or the index is outside the model's range.
template <typename T>
struct carbon_stage {
  carbon_stage_params const& p;
  T const* in;
  float* out;
  std::size_t plane;

  SINKMAP_HD void operator()(std::size_t i) const
  {
    float v[max_carbon_values];
    pixel_bands b;
    bool valid;
    if (p.use_composite) {
      composite_pixel c;
      composite_at(p.comp, in, plane, i, c);
      for (int r = 0; r < band_role_count; ++r) b.v[r] = NAN;
      for (int r = 0; r < p.comp.n_roles; ++r) {
        b.v[static_cast<int>(p.comp.roles[r])] = c.v[r];
        v[cv_composite_first + r] = c.v[r];
      }
      v[cv_clear_count] = float(c.clear_count);
      v[cv_doy] = c.doy;
      valid = c.clear_count > 0;
    } else {
      b = load_pixel(p.idx, in, plane, i);
      // A masked pixel, or a fill pixel (bands bound but none has a value), is nodata even
      // where a Tier 1 class would not need its reflectance.
      bool has_roles = false, any_band = false;
      for (int r = 0; r < band_role_count; ++r) {
        has_roles |= p.idx.plane_of_role[r] >= 0;
        any_band |= p.idx.plane_of_role[r] >= 0 && !is_nodata(b.v[r]);
      }
      valid = !pixel_masked(p.idx, in, plane, i) && (!has_roles || any_band);
    }
    float ix[max_stage_outputs];
    for (int k = 0; k < p.idx.n_outputs; ++k) ix[k] = evaluate(p.idx.terms[k], b);
    pixel_pools(p, in, plane, i, valid, ix, v);
    for (int k = 0; k < p.n_emit; ++k) {
      int const e = p.emit[k];
      out[std::size_t(k) * plane + i] = stored(e < index_value_base ? v[e] : (valid ? ix[e - index_value_base] : NAN));
    }
  }
};

/// CPU form of the carbon stage over pixels [begin, end): bands are decoded and indices computed
/// a block at a time (vectorized, as in run_index_stage_host); classification and pools then run
/// per pixel through the same functions the CUDA kernel calls.
/// Vectorized agb_shape over n pixels of one parameter set (kernels/src/shape_block.cpp).
void agb_shape_block(class_params const& m, float const* x, float* shape, int n);

template <typename T>
void run_carbon_stage_host(carbon_stage_params const& p, T const* in, float* out,
                           std::size_t plane, std::size_t begin, std::size_t end)
{
  constexpr std::size_t block = detail::host_block;
  alignas(64) float buf[band_role_count][block];
  alignas(64) float ix[max_stage_outputs][block];
  alignas(64) unsigned char valid[block];
  detail::fill_absent_roles(p.idx, buf);
  int bound[band_role_count];  // the roles with a plane: the only ones a pixel's validity reads
  int n_bound = 0;
  for (int r = 0; r < band_role_count; ++r)
    if (p.idx.plane_of_role[r] >= 0) bound[n_bound++] = r;
  bool const has_roles = n_bound > 0;
  alignas(64) float comp_count[block];
  alignas(64) float comp_doy[block];
  alignas(64) int cls_at[block];
  alignas(64) int set_at[block];
  alignas(64) float shape_at[block];
  alignas(64) float xs[block];
  alignas(64) float shapes[block];
  alignas(64) int where[block];
  alignas(64) float pool[carbon_outputs][block];  // the fast path's pools, a value at a time
  for (std::size_t b0 = begin; b0 < end; b0 += block) {
    std::size_t const n = (end - b0 < block) ? end - b0 : block;
    if (p.use_composite) {
      // The composite replaces the decode: its role values land in the same block rows.
      for (std::size_t j = 0; j < n; ++j) {
        composite_pixel c;
        composite_at(p.comp, in, plane, b0 + j, c);
        for (int r = 0; r < p.comp.n_roles; ++r) buf[static_cast<int>(p.comp.roles[r])][j] = c.v[r];
        comp_count[j] = float(c.clear_count);
        comp_doy[j] = c.doy;
        valid[j] = c.clear_count > 0;
      }
      detail::indices_block(p.idx, buf, n, &ix[0][0], block);
    } else {
      detail::decode_block(p.idx, in, plane, b0, n, buf);
      detail::indices_block(p.idx, buf, n, &ix[0][0], block);
      // Validity per pixel, a role at a time (vectorizable): masked pixels were decoded as NaN
      // in every role; without bands, the masks decide.
      if (has_roles) {
        for (std::size_t j = 0; j < n; ++j) valid[j] = 0;
        for (int q = 0; q < n_bound; ++q)
          for (std::size_t j = 0; j < n; ++j) valid[j] |= buf[bound[q]][j] == buf[bound[q]][j];
      } else {
        for (std::size_t j = 0; j < n; ++j) valid[j] = !pixel_masked(p.idx, in, plane, b0 + j);
      }
    }
    // Classes and parameter sets first; then each transcendental biomass model (power,
    // exponential, log) over all of its pixels at once, vectorized (shape_block.hpp, the same
    // bits as the scalar functions); then the pools, a parameter set at a time where no growing
    // stock is read, else pixel by pixel.
    bool present[max_param_sets] = {};
    if (p.landcover_plane < 0 && p.forest_type_plane < 0 && p.zone_plane < 0 && p.forest_age_plane < 0) {
      // The threshold classifier with the default zone and age: classify() as selects over
      // the block (no per-pixel branch on thresholds the pixels cross at random).
      threshold_classifier const& c = p.classifier;
      float const* ndvi = ix[c.ndvi_output];
      float const* ndwi = c.ndwi_output >= 0 ? ix[c.ndwi_output] : nullptr;
      for (std::size_t j = 0; j < n; ++j) {
        float const v = ndvi[j], w = ndwi ? ndwi[j] : NAN;
        int const land = v < c.bare_ndvi ? c.bare : (v >= c.forest_ndvi ? c.forest : c.grassland);
        int const cls = w > c.water_ndwi ? c.water : land;  // NaN NDWI compares false
        cls_at[j] = valid[j] && !is_nodata(v) ? cls : 0;
      }
      for (std::size_t j = 0; j < n; ++j) {
        set_at[j] = param_set(p.tables, cls_at[j], p.default_zone, p.default_age);
        if (set_at[j] >= 0) present[set_at[j]] = true;
      }
    } else {
      for (std::size_t j = 0; j < n; ++j) {
        float px[max_stage_outputs];
        for (int k = 0; k < p.idx.n_outputs; ++k) px[k] = ix[k][j];
        pixel_class_set(p, in, plane, b0 + j, valid[j] != 0, px, cls_at[j], set_at[j]);
        if (set_at[j] >= 0) present[set_at[j]] = true;
      }
    }
    // The pixels in order of their set (a counting sort), so each set's loops below have no
    // per-pixel test of the set (the classes of neighbouring pixels differ at random).
    int first_of[max_param_sets + 1] = {};
    for (std::size_t j = 0; j < n; ++j)
      if (set_at[j] >= 0) ++first_of[set_at[j] + 1];
    for (int s = 0; s < p.tables.n_sets; ++s) first_of[s + 1] += first_of[s];
    {
      int next[max_param_sets];
      for (int s = 0; s < p.tables.n_sets; ++s) next[s] = first_of[s];
      for (std::size_t j = 0; j < n; ++j)
        if (set_at[j] >= 0) where[next[set_at[j]]++] = int(j);
    }
    for (int s = 0; s < p.tables.n_sets; ++s) {
      class_params const& m = p.tables.sets[s];
      if (!present[s] || !shaped_by_block(m)) continue;
      int const count = first_of[s + 1] - first_of[s];
      int const* at = where + first_of[s];
      for (int k = 0; k < count; ++k) xs[k] = ix[m.index_output][at[k]];
      agb_shape_block(m, xs, shapes, count);
      for (int k = 0; k < count; ++k) shape_at[at[k]] = shapes[k];
    }
    if (!p.use_composite && p.volume_plane < 0) {
      // The common case (imagery or land cover, no growing stock): the pools a parameter set
      // at a time, its form decided once for all of its pixels instead of branching per pixel,
      // then each emitted value as one plain loop. The same functions in the same order as the
      // loop below: the same bits.
      auto keep = [&](std::size_t j, int set, float agb) {
        float v[carbon_outputs];
        pools_from_agb(p.tables, cls_at[j], set, agb, v);
        for (int k = 0; k < carbon_outputs; ++k) pool[k][j] = v[k];
      };
      for (std::size_t j = 0; j < n; ++j)
        if (set_at[j] < 0) keep(j, -1, NAN);
      for (int s = 0; s < p.tables.n_sets; ++s) {
        if (!present[s]) continue;
        class_params const& m = p.tables.sets[s];
        bool const shaped = shaped_by_block(m);
        float const* x = m.index_output >= 0 ? ix[m.index_output] : nullptr;
        for (int w = first_of[s]; w < first_of[s + 1]; ++w) {
          std::size_t const j = std::size_t(where[w]);
          float const xj = x ? x[j] : 0.0f;
          keep(j, s, shaped ? agb_from_shape(m, xj, shape_at[j]) : above_ground_biomass(m, xj));
        }
      }
      for (int k = 0; k < p.n_emit; ++k) {
        int const e = p.emit[k];
        float* o = out + std::size_t(k) * plane + b0;
        if (e <= cv_ecosystem_class) {
          for (std::size_t j = 0; j < n; ++j) o[j] = stored(pool[e][j]);
        } else if (e == cv_agb_input) {
          for (std::size_t j = 0; j < n; ++j) {
            int xk = set_at[j] >= 0 ? p.tables.sets[set_at[j]].index_output : -1;
            if (xk < 0 && valid[j]) xk = p.agb_input_index;
            o[j] = stored(xk >= 0 ? ix[xk][j] : NAN);
          }
        } else if (e >= index_value_base) {
          float const* v = ix[e - index_value_base];
          for (std::size_t j = 0; j < n; ++j) o[j] = stored(valid[j] ? v[j] : NAN);
        } else {
          for (std::size_t j = 0; j < n; ++j) o[j] = NAN;  // a composite's value without a composite
        }
      }
      continue;
    }
    for (std::size_t j = 0; j < n; ++j) {
      float px[max_stage_outputs];
      for (int k = 0; k < p.idx.n_outputs; ++k) px[k] = ix[k][j];
      float v[max_carbon_values];
      int const set = set_at[j];
      float agb = NAN, bgb = NAN;
      if (set >= 0 && biomass_from_volume(p.tables.sets[set], p.bcef, cls_at[j],
                                          plane_sample(in, p.volume_plane, plane, b0 + j), agb, bgb)) {
        pools_from_biomass(p.tables, cls_at[j], set, agb, bgb, v);
      } else {
        if (set >= 0) {
          class_params const& m = p.tables.sets[set];
          float const x = model_input(m, px);
          agb = shaped_by_block(m) ? agb_from_shape(m, x, shape_at[j]) : above_ground_biomass(m, x);
        }
        pools_from_agb(p.tables, cls_at[j], set, agb, v);
      }
      v[cv_agb_input] = agb_input_of(p, set, valid[j] != 0, px);
      if (p.use_composite) {
        for (int r = 0; r < p.comp.n_roles; ++r) v[cv_composite_first + r] = buf[static_cast<int>(p.comp.roles[r])][j];
        v[cv_clear_count] = comp_count[j];
        v[cv_doy] = comp_doy[j];
      }
      for (int k = 0; k < p.n_emit; ++k) {
        int const e = p.emit[k];
        out[std::size_t(k) * plane + b0 + j] =
          stored(e < index_value_base ? v[e] : (valid[j] ? px[e - index_value_base] : NAN));
      }
    }
  }
}

// Kernel parameters are passed by value (__grid_constant__): CUDA 12.1+ allows 32764 bytes.
static_assert(sizeof(carbon_stage_params) <= 32000, "carbon_stage_params exceeds the kernel parameter limit");

}  // namespace sinkmap::kernels
