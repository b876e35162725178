// The run's cube as CF-1.8 NetCDF-4 (through GDAL's multidimensional netCDF driver): x, y and
// time coordinates, a grid mapping with the CRS, every year's stock variables on `time` and the
// sinks between consecutive years on `period` (with bounds), chunked and compressed, NaN fill.
// `gdalinfo NETCDF:cube.nc:c_total` shows the stock maps' geotransform and CRS, and xarray opens
// it with its coordinates. Written tile by tile from the writer thread; complete or absent
// (temporary name, renamed by commit()).
#pragma once

#include "io/scene.hpp"
#include "pipeline/tile_plan.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

class GDALDataset;
class GDALMDArray;

namespace sinkmap::io {

struct cube_variable {
  std::string name, long_name, units;
  bool per_period = false;  ///< on `period` (between consecutive years), not `time`
};

class netcdf_cube {
 public:
  netcdf_cube(std::string path, std::vector<int> const& years, raster_grid const& grid,
              std::vector<cube_variable> const& variables);
  ~netcdf_cube();
  netcdf_cube(netcdf_cube const&) = delete;
  netcdf_cube& operator=(netcdf_cube const&) = delete;

  /// Writes one tile of `variable` at time (or period) index `index`.
  void write(std::string const& variable, int index, pipeline::window const& w, float const* values);
  /// Copies band `band` of a raster on the cube's grid into `variable` at `index`.
  void copy_from(std::string const& variable, int index, std::string const& raster, int band);
  void commit();

 private:
  std::string path_, temp_;
  int width_, height_;
  GDALDataset* ds_ = nullptr;
  std::map<std::string, std::shared_ptr<GDALMDArray>> arrays_;
  std::mutex mutex_;
  bool committed_ = false;
};

}  // namespace sinkmap::io
