#include "io/cell_area.hpp"

#include "core/error.hpp"

#include <ogr_spatialref.h>

#include <cmath>

namespace sinkmap::io {
namespace {

double authalic_q(double lat_deg, double e)
{
  double const s = std::sin(lat_deg * M_PI / 180.0);
  if (e == 0) return 2 * s;
  return (1 - e * e) * (s / (1 - e * e * s * s) - std::log((1 - e * s) / (1 + e * s)) / (2 * e));
}

}  // namespace

double ellipsoid_cell_area(double lat1, double lat2, double dlon, double a, double inv_f)
{
  double const f = inv_f > 0 ? 1.0 / inv_f : 0.0;
  double const e = std::sqrt(f * (2 - f));
  return std::abs(a * a * (dlon * M_PI / 180.0) * (authalic_q(lat2, e) - authalic_q(lat1, e)) / 2);
}

cell_area::cell_area(raster_grid const& g)
{
  SINKMAP_EXPECTS(g.has_geotransform, bad_input, "the map has no geotransform: pixel areas unknown");
  auto const& gt = g.geotransform;
  OGRSpatialReference srs;
  if (!g.crs_wkt.empty()) srs.importFromWkt(g.crs_wkt.c_str());
  geographic_ = !g.crs_wkt.empty() && srs.IsGeographic();
  if (!geographic_) {
    double const linear = g.crs_wkt.empty() ? 1.0 : srs.GetLinearUnits(nullptr);
    constant_ = std::abs(gt[1] * gt[5] - gt[2] * gt[4]) * linear * linear / 1e4;
    return;
  }
  SINKMAP_EXPECTS(gt[2] == 0 && gt[4] == 0, bad_input,
                  "rotated geographic grids are not supported for cell areas");
  OGRErr err = OGRERR_NONE;
  double const a = srs.GetSemiMajor(&err);
  double const inv_f = srs.GetInvFlattening(&err);
  rows_.resize(std::size_t(g.height));
  for (int r = 0; r < g.height; ++r) {
    double const lat1 = gt[3] + gt[5] * r, lat2 = lat1 + gt[5];
    rows_[std::size_t(r)] = ellipsoid_cell_area(lat1, lat2, std::abs(gt[1]), a, inv_f) / 1e4;
  }
}

}  // namespace sinkmap::io
