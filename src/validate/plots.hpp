// Reference plots (field plots or GEDI footprints) and the map values they cover.
#pragma once

#include "io/scene.hpp"

#include <ogr_geometry.h>

#include <memory>
#include <string>
#include <vector>

namespace sinkmap::validate {

struct plot {
  std::string id;
  double observed = NAN;                    ///< Mg / ha (or the map's units)
  std::unique_ptr<OGRGeometry> footprint;   ///< in the map CRS: point or polygon
  std::string source;                       ///< "file line N" for messages
};

struct plot_options {
  std::string crs = "EPSG:4326";  ///< --plots-crs of CSV coordinates
  std::string value_field;        ///< observed-value column ("" = AGB_T_HA, agb, agbd, observed, value)
  std::string values_file;        ///< --values: CSV of id and value, joined to the plots by id
  bool gedi_all_quality = false;  ///< include GEDI shots with l4_quality_flag == 0
};

/// Loads plots from CSV (id, x, y [, value] [, SIZE_HA | radius_m]; rows sharing an id are the
/// vertices of one polygon plot), any OGR vector of points or polygons, or GEDI L4A granules
/// (25 m footprints). Reprojects to `map_crs_wkt`. Throws bad_input naming the file, line and
/// field of a missing column, an unparseable number or an unknown CRS.
std::vector<plot> load_plots(std::vector<std::string> const& paths, plot_options const& opt,
                             std::string const& map_crs_wkt, std::vector<std::string>* notes = nullptr);

struct extraction {
  double predicted = NAN;  ///< area-weighted mean of the covered map pixels
  int pixels = 0;          ///< pixels with a value that contributed
  std::string excluded;    ///< why not used ("" if used)
};

/// Area-weighted mean of band `band` of `map` over each plot's footprint (the pixel under a
/// point); nodata pixels are left out.
std::vector<extraction> extract(std::string const& map, int band, std::vector<plot> const& plots);

/// Value of band `band` of `raster` (any CRS) at the centroid of each plot (map CRS `map_wkt`);
/// NaN outside or on nodata.
std::vector<double> sample_at_centroids(std::string const& raster, int band,
                                        std::vector<plot> const& plots, std::string const& map_wkt);

}  // namespace sinkmap::validate
