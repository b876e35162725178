// Ecosystem classes are data: a model file defines them (name, reporting group, integer id), and
// the kernels see only ids and fixed-capacity lookup tables. These are the capacities and the
// reporting groups; nothing here names a class.
#pragma once

namespace sinkmap::kernels {

/// Class ids a model may use: 1 .. max_classes - 1 (0 = none: nodata or not classified).
inline constexpr int max_classes = 32;

/// Climate zones a model may define (soil and grassland factors are chosen per zone).
inline constexpr int max_zones = 4;

/// Forest age classes of the IPCC tables: 0 = young (<= 20 years), 1 = old (> 20 years).
inline constexpr int age_classes = 2;

/// Land-cover (and forest-type, climate-zone) code -> lookup size (codes 0..255).
inline constexpr int landcover_codes = 256;

/// Lookup entry for a code that maps to nothing (the crosswalk does not list it).
inline constexpr unsigned char unmapped_code = 255;

/// IPCC land-use categories a class reports under (2006 Vol. 4 Ch. 3): inventories and the
/// sink methods group classes by them (e.g. forest-type refinement applies to forest only).
enum class class_group : unsigned char {
  none = 0,
  forest,
  grassland,
  cropland,
  wetland,
  settlement,
  other,
};

inline constexpr int class_group_count = 7;

}  // namespace sinkmap::kernels
