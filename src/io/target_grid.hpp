// One target grid for a run (--grid EPSG:CODE --resolution R [--extent ... | --like RASTER]):
// every scene, mask and map is warped onto it on the fly, tile by tile, through GDAL warped VRTs,
// so products in different UTM zones (Shandong spans 50N and 51N) make one map.
#pragma once

#include "io/grid_spec.hpp"
#include "io/scene.hpp"

#include <ogr_spatialref.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::io {

/// Parses "XMIN,YMIN,XMAX,YMAX" (--extent); throws bad_input naming the option.
std::array<double, 4> parse_extent(std::string const& text);

/// Checks --resampling; returns GDAL's name.
std::string parse_resampling(std::string const& s);

/// The target grid: CRS and resolution from --grid/--resolution, extent from --extent, --like,
/// or the union of `inputs` (their footprints in the target CRS), snapped outward to whole
/// multiples of the resolution (gdalwarp -tap). Throws bad_input naming the option at fault,
/// or saying that the grid misses every input.
raster_grid resolve_grid(grid_spec const& spec, std::vector<std::string> const& inputs);

/// The transformation from a grid's CRS to longitude/latitude (EPSG:4326, x = lon); null where
/// the grid has no CRS or GDAL has no such transformation.
std::unique_ptr<OGRCoordinateTransformation> to_lonlat(raster_grid const& grid);

/// The grid's bounds in longitude and latitude (west, south, east, north; EPSG:4326), from 21
/// points along each edge (a projected grid's edges curve in lon/lat); nullopt without a CRS.
std::optional<std::array<double, 4>> lonlat_bounds(raster_grid const& grid);

/// How a file is warped: reflectance keeps its type and nodata (Float32 with NaN where it has
/// no nodata); a quality or class plane keeps its type, outside the input gets `fill`.
struct warp_kind {
  bool categorical = false;
  double fill = 0;  ///< categorical: value outside the input
};

/// A VRT (GDAL's in-memory file system) of `file` warped onto `grid`: all its bands, in order.
/// `resampling` (GDAL's name) applies to reflectance; categorical planes use nearest, or mode
/// when the grid is coarser than the file.
std::string warp_to_grid(std::string const& file, raster_grid const& grid,
                         std::string const& resampling, warp_kind const& kind,
                         std::string const& option);

/// True when `grid` and the raster `file` overlap.
bool grid_overlaps(raster_grid const& grid, std::string const& file);

}  // namespace sinkmap::io
