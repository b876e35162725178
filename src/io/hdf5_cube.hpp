// A year x row x col data cube in HDF5 (chunked, deflate-compressed, NaN fill), with the CRS and
// geotransform as attributes so it can be put back on the map. Written tile by tile from the
// writer thread; complete or absent (temporary name, renamed by commit()).
#pragma once

#include "io/scene.hpp"
#include "pipeline/tile_plan.hpp"

#include <string>
#include <vector>

namespace sinkmap::io {

class hdf5_cube {
 public:
  hdf5_cube(std::string path, std::string const& dataset, std::vector<int> const& years,
            raster_grid const& grid, std::string const& units);
  ~hdf5_cube();
  hdf5_cube(hdf5_cube const&) = delete;
  hdf5_cube& operator=(hdf5_cube const&) = delete;

  /// Writes one tile of layer `year_index` (w.h rows of w.w floats).
  void write(int year_index, pipeline::window const& w, float const* values);
  void commit();

 private:
  std::string path_, temp_;
  long long file_ = -1, dset_ = -1;
  int height_, width_;
  bool committed_ = false;
};

}  // namespace sinkmap::io
