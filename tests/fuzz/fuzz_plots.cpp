// Field-plot CSV files (points with sizes, polygons from repeated ids, NA values).
#include "fuzz_target.hpp"
#include "validate/plots.hpp"

#include <ogr_spatialref.h>

namespace {
std::string utm50()
{
  OGRSpatialReference s;
  s.importFromEPSG(32650);
  char* wkt = nullptr;
  s.exportToWkt(&wkt);
  std::string const out = wkt;
  CPLFree(wkt);
  return out;
}
}  // namespace

SINKMAP_FUZZ_TARGET(plots, "plots.csv", {
  static std::string const wkt = utm50();
  sinkmap::validate::plot_options o;
  o.crs = "EPSG:32650";
  sinkmap::validate::load_plots({path}, o, wkt);
})
