// The ecosystem class as a raster QGIS styles by itself: Byte, 0 = no class (nodata), with
// GDAL category names (the model's class names, so the legend reads "natural_forest_broadleaf",
// not "1") and a colour table by class group (forest greens, cropland yellows, wetland blues).
#pragma once

#include <map>
#include <string>

namespace sinkmap::io {

/// Writes band `band` (class ids) of `map` as OUT (atomically): a Cloud-Optimized GeoTIFF whose
/// overviews take the mode (`cog`), else a tiled GeoTIFF. `class_groups` names each class's
/// group (forest, grassland, cropland, wetland, settlement, other) for its colour.
void write_class_raster(std::string const& map, int band, std::map<int, std::string> const& class_names,
                        std::map<int, std::string> const& class_groups, std::string const& out, bool cog,
                        bool overviews = true,
                        std::string const& description = "ecosystem_class", std::string const& zero_name = "no class");

/// OUT.tif -> OUT_SUFFIX.tif.
std::string class_raster_beside(std::string const& map, std::string const& suffix = "classes");

}  // namespace sinkmap::io
