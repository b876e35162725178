// Quicklook PNGs of a map band, drawn with OpenCV: a colour map, a legend bar with its value
// range and units, and a title (product and year).
#pragma once

#include <string>

namespace sinkmap::io {

struct quicklook_style {
  std::string title;   ///< e.g. "Carbon stock 2021"
  std::string units;   ///< e.g. "Mg C / ha"
  bool diverging = false;  ///< blue-white-red around zero (sinks); else viridis from 0
  int max_size = 1024;     ///< longest side of the map part, pixels
};

/// Reads band `band` of `raster` (decimated to max_size with averaging) and writes `png`
/// atomically. NaN (nodata) is drawn light grey.
void write_quicklook(std::string const& raster, int band, std::string const& png,
                     quicklook_style const& style);

}  // namespace sinkmap::io
