// What the user asks of the target grid (--grid, --resolution, --extent, --like, --resampling);
// io/target_grid.hpp turns it into a grid and warps inputs onto it.
#pragma once

#include <array>
#include <optional>
#include <string>

namespace sinkmap::io {

struct grid_spec {
  std::string crs;         ///< --grid: any CRS GDAL understands (EPSG:32650, a WKT, a PROJ string)
  double resolution = 0;   ///< --resolution, in the CRS's units
  std::optional<std::array<double, 4>> extent;  ///< --extent XMIN,YMIN,XMAX,YMAX (CRS units)
  std::string extent_text;  ///< --extent as given (parsed by the CLI)
  std::string like;        ///< --like RASTER: its grid (alone), or its extent (with --grid)
  /// --target-aligned-pixels (gdalwarp -tap): an --extent that is not a whole number of pixels
  /// is widened outward to multiples of the resolution; without it such an extent is refused.
  /// Extents taken from the inputs or --like are always aligned so.
  bool target_aligned = false;
  /// --resampling for reflectance: near, bilinear, cubic or average. Masks and class maps are
  /// always nearest, or mode when the target grid is coarser.
  std::string resampling = "near";

  [[nodiscard]] bool active() const { return !crs.empty() || !like.empty(); }
};

}  // namespace sinkmap::io
