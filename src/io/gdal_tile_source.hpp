// Reads the bound bands of a scene tile by tile; one GDAL handle per reader thread per file.
#pragma once

#include "gdal/gdal_session.hpp"
#include "io/scene.hpp"
#include "pipeline/stream_runner.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace sinkmap::io {

class gdal_tile_source final : public pipeline::tile_source {
 public:
  /// Reads `planes` (file, band) as band-sequential planes of `type`.
  gdal_tile_source(std::vector<band_source> const& planes, kernels::pixel_type type, int readers);
  /// Fills band-sequential planes of the scene's read type, in scene band order.
  void read(int reader, pipeline::window const& w, void* dst) override;

 private:
  struct file_group {
    std::string file;
    std::vector<int> band_numbers;
    int first_plane;
  };
  kernels::pixel_type type_;
  std::map<std::string, std::unique_ptr<std::mutex>> serial_;  // files whose driver must not be
                                                               // read from two threads at once
  std::vector<file_group> groups_;
  std::vector<std::map<std::string, dataset_ptr>> handles_;  // [reader][file]
};

/// GDAL type of a pixel type.
GDALDataType gdal_type(kernels::pixel_type t);

}  // namespace sinkmap::io
