// Internal overviews (2, 4, 8, ... down to about 256 pixels) on a finished GeoTIFF, so QGIS
// opens a county-wide map at once: averages for continuous bands, the mode for classes.
#pragma once

#include <string>

namespace sinkmap::io {

/// `resampling`: "AVERAGE" (carbon, sinks) or "MODE" (classes).
void add_overviews(std::string const& path, std::string const& resampling);

}  // namespace sinkmap::io
