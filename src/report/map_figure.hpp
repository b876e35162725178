// A map of one raster band as an inline SVG figure for reports: the band resampled to at most
// ~560 pixels (average for values, mode for classes), coloured (a sequential ramp, a diverging
// ramp around 0, or the class raster's own colour table), nodata in a labelled grey, zone
// outlines with their names, coordinate ticks in the map's CRS, a scale bar and a legend.
#pragma once

#include <string>
#include <vector>

namespace sinkmap::report {

enum class map_colours { sequential, diverging, classes };

struct map_points {
  std::vector<double> x, y;  ///< in the raster's CRS
  std::vector<double> value; ///< coloured on a diverging ramp (e.g. plot residuals)
  std::string label;         ///< legend title, e.g. "residual (Mg/ha)"
};

struct map_figure {
  std::string raster;
  int band = 1;
  map_colours colours = map_colours::sequential;
  std::string title, unit;
  std::string zones_file, zone_field;  ///< outlines ("" = none)
  map_points points;                   ///< markers (empty = none)
};

/// The figure as SVG. Throws runtime_failure naming the raster when it cannot be read.
std::string svg_map(map_figure const& f);

}  // namespace sinkmap::report
