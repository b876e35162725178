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

/// Bytes that one reader's handles on the files of `planes` hold besides GDAL's block cache:
/// GTiff keeps the last decoded block of a pixel-interleaved file with several bands (all its
/// bands: 4 x 256 x 256 x 2 bytes for a 4-band uint16 file) and a block-sized buffer for a
/// compressed one; other drivers are taken at a decoded block of every band. Measured with
/// GDAL 3.6 at 503 KB, 112 KB (DEFLATE) and under 1 KB (uncompressed, one band) per handle.
std::size_t reader_handle_bytes(std::vector<band_source> const& planes);

/// GDAL type of a pixel type.
GDALDataType gdal_type(kernels::pixel_type t);

}  // namespace sinkmap::io
