// Pixel areas (docs/architecture.md): projected CRS use the pixel size; geographic CRS use the
// ellipsoidal area of each cell (it changes with latitude, so per row).
#pragma once

#include "io/scene.hpp"

#include <vector>

namespace sinkmap::io {

/// Area in m^2 of the ellipsoidal quadrangle between latitudes lat1, lat2 (degrees) spanning
/// dlon degrees, on an ellipsoid of semi-major axis a (m) and inverse flattening inv_f:
/// A = a^2 dlon (q(lat2) - q(lat1)) / 2 with q the authalic-latitude function.
double ellipsoid_cell_area(double lat1, double lat2, double dlon, double a, double inv_f);

class cell_area {
 public:
  explicit cell_area(raster_grid const& grid);
  /// Hectares of one pixel in `row`.
  [[nodiscard]] double hectares(int row) const { return geographic_ ? rows_[std::size_t(row)] : constant_; }
  [[nodiscard]] bool geographic() const { return geographic_; }

 private:
  bool geographic_ = false;
  double constant_ = 0;
  std::vector<double> rows_;
};

}  // namespace sinkmap::io
