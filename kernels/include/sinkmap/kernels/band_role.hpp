// Spectral band roles: what a band *is*, independent of which file or band number holds it
// (the Orfeo ToolBox model: roles are named, mapped to band numbers at run time).
#pragma once

namespace sinkmap::kernels {

/// Band roles known to the index formulas. The symbols in comments are the Awesome Spectral
/// Indices band symbols (asi/output/v1/bands.json).
enum class band_role : int {
  coastal = 0,  ///< A, coastal aerosol (~443 nm)
  blue,         ///< B (~490 nm)
  green,        ///< G (~560 nm)
  red,          ///< R (~665 nm)
  rededge1,     ///< RE1 (~705 nm)
  rededge2,     ///< RE2 (~740 nm)
  rededge3,     ///< RE3 (~783 nm)
  nir,          ///< N, broad near infrared (~842 nm, Landsat OLI B5 / Sentinel-2 B8)
  nir2,         ///< N2, narrow near infrared (Sentinel-2 B8A)
  swir1,        ///< S1 (~1610 nm)
  swir2,        ///< S2 (~2190 nm)
};

inline constexpr int band_role_count = 11;

}  // namespace sinkmap::kernels
