// sinkmap's ecosystem classes: what land-cover codes are cross-walked to, and what biomass
// models, pools and inventories are keyed by.
#pragma once

namespace sinkmap::kernels {

enum class ecosystem_class : unsigned char {
  none = 0,                     ///< nodata / not classified
  forest_evergreen_needleleaf,  ///< 1
  forest_evergreen_broadleaf,   ///< 2
  forest_deciduous_needleleaf,  ///< 3
  forest_deciduous_broadleaf,   ///< 4
  forest_mixed,                 ///< 5
  forest,                       ///< 6: forest of unknown type (e.g. ESA WorldCover "tree cover")
  shrubland,                    ///< 7
  grassland,                    ///< 8
  cropland,                     ///< 9
  wetland_herbaceous,           ///< 10: inland marsh
  wetland_woody,                ///< 11: swamp, forested wetland
  mangrove,                     ///< 12
  tidal_marsh,                  ///< 13: salt marsh, tidal flat vegetation
  water,                        ///< 14
  built_up,                     ///< 15
  bare,                         ///< 16
  snow_ice,                     ///< 17
};

inline constexpr int ecosystem_class_count = 18;

/// Land-cover code -> class lookup size (codes 0..255).
inline constexpr int landcover_codes = 256;
/// LUT entry for a code the crosswalk does not list.
inline constexpr unsigned char unmapped_code = 255;

}  // namespace sinkmap::kernels
