// The fused carbon-stock stage: reflectance -> indices -> ecosystem class -> above-ground biomass
// -> below-ground biomass -> carbon pools, in one pass over the pixel. Units (ARCHITECTURE.md):
// biomass Mg dry matter / ha; carbon densities Mg C / ha.
#pragma once

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

/// Plain-data model of one ecosystem class.
struct class_model {
  int defined = 0;           ///< 0: the model does not cover this class -> nodata
  agb_form form = agb_form::none;
  int index_output = -1;     ///< which computed index feeds the AGB model
  float a = 0, b = 0;
  float x_min = -INFINITY, x_max = INFINITY;  ///< valid input range; outside -> nodata
  float agb_min = 0, agb_max = INFINITY;      ///< output clamp (Mg/ha)
  /// Root-to-shoot ratio by AGB class (IPCC 2006 V4 Table 4.4): ratio[k] applies while
  /// AGB < below[k]; the last step has below = +inf.
  int rs_steps = 0;
  float rs_below[max_root_shoot_steps] = {};
  float rs_ratio[max_root_shoot_steps] = {};
  float carbon_fraction = 0.47f;  ///< Mg C per Mg dry matter
  float dead_c = 0;               ///< dead organic matter, Mg C / ha
  float soil_c = 0;               ///< soil organic carbon, Mg C / ha
};

/// Index thresholds that classify a pixel where no land-cover map is given.
struct threshold_classifier {
  int ndvi_output = -1, ndwi_output = -1;  ///< computed index outputs read
  float water_ndwi = 0.0f;                  ///< NDWI > this -> water
  float bare_ndvi = 0.2f;                   ///< NDVI < this -> bare
  float forest_ndvi = 0.5f;                 ///< NDVI >= this -> forest, else grassland
};

struct carbon_stage_params {
  index_stage_params idx;        ///< bands, masks and the indices the models read
  int landcover_plane = -1;      ///< input plane of land-cover codes; -1: threshold classifier
  unsigned char lut[landcover_codes];  ///< land-cover code -> ecosystem_class
  threshold_classifier classifier;
  class_model classes[ecosystem_class_count];
  /// The output planes the stage writes: plane k holds value emit[k] (an index into the
  /// carbon_outputs values). Only what is consumed leaves the stage, so unused pools cost no
  /// memory traffic (and no device-to-host copy).
  int n_emit = 8;  // all carbon_outputs
  int emit[8] = {0, 1, 2, 3, 4, 5, 6, 7};
};

/// The output bands, in order: agb, bgb, c_above, c_below, c_dead, c_soil, c_total, and the
/// ecosystem class id each pixel was modelled as (so inventories can be audited against it).
inline constexpr int carbon_outputs = 8;

/// AGB of one model at index value x (NaN outside the valid range).
SINKMAP_HD float above_ground_biomass(class_model const& m, float x)
{
  float agb = 0.0f;
  switch (m.form) {
    case agb_form::none: return 0.0f;
    case agb_form::constant: return m.a;
    case agb_form::linear: agb = m.a + m.b * x; break;
    case agb_form::power: agb = m.a * det_powf(x, m.b); break;
    case agb_form::exponential: agb = m.a * det_expf(m.b * x); break;
    case agb_form::logarithmic: agb = x > 0.0f ? m.a + m.b * det_logf(x) : NAN; break;
  }
  if (is_nodata(x) || x < m.x_min || x > m.x_max || is_nodata(agb)) return NAN;
  return agb < m.agb_min ? m.agb_min : (agb > m.agb_max ? m.agb_max : agb);
}

SINKMAP_HD float root_to_shoot(class_model const& m, float agb)
{
  for (int k = 0; k < m.rs_steps; ++k)
    if (agb < m.rs_below[k]) return m.rs_ratio[k];
  return m.rs_steps > 0 ? m.rs_ratio[m.rs_steps - 1] : 0.0f;
}

/// The class of a pixel from its land-cover code or, without a map, from index thresholds.
SINKMAP_HD int classify(carbon_stage_params const& p, float code, float const* ix)
{
  if (p.landcover_plane >= 0) {
    if (is_nodata(code) || code < 0.0f || code >= float(landcover_codes)) return 0;
    unsigned char const c = p.lut[static_cast<int>(code)];
    return c == unmapped_code ? 0 : c;
  }
  float const ndvi = ix[p.classifier.ndvi_output];
  float const ndwi = p.classifier.ndwi_output >= 0 ? ix[p.classifier.ndwi_output] : NAN;
  if (is_nodata(ndvi)) return 0;
  if (!is_nodata(ndwi) && ndwi > p.classifier.water_ndwi) return int(ecosystem_class::water);
  if (ndvi < p.classifier.bare_ndvi) return int(ecosystem_class::bare);
  return int(ndvi >= p.classifier.forest_ndvi ? ecosystem_class::forest : ecosystem_class::grassland);
}

/// The per-pixel carbon functor: writes the carbon_outputs planes, NaN where any input is
/// nodata or masked, the class is not covered, or the index is outside the model's range.
template <typename T>
struct carbon_stage {
  carbon_stage_params const& p;
  T const* in;
  float* out;
  std::size_t plane;

  SINKMAP_HD void operator()(std::size_t i) const
  {
    pixel_bands const b = load_pixel(p.idx, in, plane, i);
    float ix[max_stage_outputs];
    for (int k = 0; k < p.idx.n_outputs; ++k) ix[k] = evaluate(p.idx.terms[k], b);
    float const code = p.landcover_plane >= 0
                         ? static_cast<float>(in[std::size_t(p.landcover_plane) * plane + i])
                         : NAN;
    // A masked pixel, or a fill pixel (bands bound but none has a value), is nodata even where
    // a Tier 1 class would not need its reflectance.
    bool has_roles = false, any_band = false;
    for (int r = 0; r < band_role_count; ++r) {
      has_roles |= p.idx.plane_of_role[r] >= 0;
      any_band |= p.idx.plane_of_role[r] >= 0 && !is_nodata(b.v[r]);
    }
    bool const valid = !pixel_masked(p.idx, in, plane, i) && (!has_roles || any_band);
    float v[carbon_outputs];
    pools(p, valid ? classify(p, code, ix) : 0, ix, v);
    for (int k = 0; k < p.n_emit; ++k) out[std::size_t(k) * plane + i] = v[p.emit[k]];
  }

  /// agb, bgb, c_above, c_below, c_dead, c_soil, c_total of class `cls`.
  SINKMAP_HD static void pools(carbon_stage_params const& p, int cls, float const* ix, float* v)
  {
    class_model const& m = p.classes[cls];
    float const x = m.index_output >= 0 ? ix[m.index_output] : 0.0f;
    float const agb = (cls == 0 || !m.defined) ? NAN : above_ground_biomass(m, x);
    if (is_nodata(agb)) {
      for (int k = 0; k < carbon_outputs - 1; ++k) v[k] = NAN;
      v[carbon_outputs - 1] = cls == 0 ? NAN : float(cls);
      return;
    }
    float const bgb = agb * root_to_shoot(m, agb);
    v[0] = agb;
    v[1] = bgb;
    v[2] = agb * m.carbon_fraction;
    v[3] = bgb * m.carbon_fraction;
    v[4] = m.dead_c;
    v[5] = m.soil_c;
    v[6] = v[2] + v[3] + v[4] + v[5];
    v[7] = float(cls);
  }
};

/// CPU form of the carbon stage over pixels [begin, end): bands are decoded and indices computed
/// a block at a time (vectorized, as in run_index_stage_host); classification and pools then run
/// per pixel through the same functions the CUDA kernel calls.
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
  for (std::size_t b0 = begin; b0 < end; b0 += block) {
    std::size_t const n = (end - b0 < block) ? end - b0 : block;
    detail::decode_block(p.idx, in, plane, b0, n, buf);
    detail::indices_block(p.idx, buf, n, &ix[0][0], block);
    // Validity per pixel, a role at a time (vectorizable): masked pixels were decoded as NaN in
    // every role; without bands, the masks decide.
    if (has_roles) {
      for (std::size_t j = 0; j < n; ++j) valid[j] = 0;
      for (int q = 0; q < n_bound; ++q)
        for (std::size_t j = 0; j < n; ++j) valid[j] |= buf[bound[q]][j] == buf[bound[q]][j];
    } else {
      for (std::size_t j = 0; j < n; ++j) valid[j] = !pixel_masked(p.idx, in, plane, b0 + j);
    }
    for (std::size_t j = 0; j < n; ++j) {
      std::size_t const i = b0 + j;
      float px[max_stage_outputs];
      for (int k = 0; k < p.idx.n_outputs; ++k) px[k] = ix[k][j];
      float const code =
        p.landcover_plane >= 0 ? static_cast<float>(in[std::size_t(p.landcover_plane) * plane + i]) : NAN;
      float v[carbon_outputs];
      carbon_stage<T>::pools(p, valid[j] ? classify(p, code, px) : 0, px, v);
      for (int k = 0; k < p.n_emit; ++k) out[std::size_t(k) * plane + i] = v[p.emit[k]];
    }
  }
}

}  // namespace sinkmap::kernels
