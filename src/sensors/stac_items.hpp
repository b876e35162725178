// STAC items as scenes (issue 21): an ItemCollection (or one Item per line, as STAC APIs and
// `stac-client search` write them) of the common collections becomes one product per item, with
// the same band roles, reflectance scaling and quality layers as the delivered product it
// describes, so a scene found in a catalogue and the same scene downloaded give the same maps.
// - landsat-c2-l2 (USGS, Planetary Computer, stactools): coastal, blue, green, red, nir08,
//   swir16, swir22; qa_pixel, qa_radsat;
// - sentinel-2-l2a: B01..B12 and B8A (Planetary Computer) or the Element 84 earth-search names
//   (coastal, blue, green, red, rededge1..3, nir, nir08 = B8A, swir16, swir22); scl. Bands at
//   other resolutions are resampled onto the finest one (or --resolution) as for a .SAFE.
// Scale, offset and nodata come from each asset's `raster:bands` (a reflectance asset without a
// scale needs --scale/--offset). Hrefs may be absolute or relative paths (relative to the items
// file), file:// URLs, or http(s):// and s3:// URLs, read through GDAL's /vsicurl/ and /vsis3/.
#pragma once

#include "sensors/product.hpp"

#include <string>
#include <vector>

namespace sinkmap::sensors {

struct stac_options {
  int resolution = 0;          ///< Sentinel-2 grid in metres (0: the finest band present)
  bool scale_given = false;    ///< --scale given: assets need no raster:bands scale
  bool offset_given = false;   ///< --offset given: a baseline 04.00 Sentinel-2 asset needs no offset
};

/// One product per item, in file order. Throws bad_input naming the file and the line (one Item
/// per line) or the item and asset at fault: not JSON, not an Item, no date, an unknown
/// collection, a local asset file that does not exist, a reflectance asset without a scale, an
/// item without any reflectance asset.
std::vector<product> read_stac_items(std::string const& path, stac_options const& opt);

/// The href of an asset as a path GDAL opens: relative paths against `base_dir`, file:// as a
/// path, http(s):// through /vsicurl/, s3:// through /vsis3/.
std::string stac_href_path(std::string const& href, std::string const& base_dir);

}  // namespace sinkmap::sensors
