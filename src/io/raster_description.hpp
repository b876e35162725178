// What `sinkmap info` reports about a raster file: size, bands, CRS, georeferencing.
#pragma once

#include "io/scene.hpp"

#include <string>
#include <vector>

namespace sinkmap::io {

struct band_description {
  int number = 0;
  std::string type, description, color_interpretation;
  int block_w = 0, block_h = 0;
  bool has_nodata = false;
  double nodata = 0, scale = 1, offset = 0;
};

struct raster_description {
  std::string path, driver;
  raster_grid grid;
  std::string crs_name;     ///< e.g. "WGS 84 / UTM zone 19N"
  std::string crs_epsg;     ///< e.g. "EPSG:32619", "" if none identified
  std::vector<band_description> bands;
};

raster_description describe_raster(std::string const& path);

}  // namespace sinkmap::io
