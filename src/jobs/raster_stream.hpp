// The one streaming pass every raster subcommand makes: GDAL planes in, a fused tile kernel on
// the chosen executor, a float32 GeoTIFF out (complete or absent), progress on stderr, and
// optional observers that see each output tile in the writer thread (zonal sums).
#pragma once

#include "io/geotiff_writer.hpp"
#include "io/scene.hpp"
#include "jobs/run_settings.hpp"
#include "pipeline/stream_runner.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sinkmap::jobs {

/// Sees each output tile (band-sequential float planes) from the writer thread.
using tile_observer = std::function<void(int tile, pipeline::window const&, float const* planes)>;

/// One more GeoTIFF a pass writes from its output planes (bands pick planes by `plane`).
struct raster_stream_output {
  std::string path;
  std::vector<io::output_band> bands;
  io::raster_output_options options;
};

struct raster_stream_request {
  std::vector<io::band_source> planes;  ///< input planes, in the kernel's order
  kernels::pixel_type read_type = kernels::pixel_type::f32;
  io::raster_grid grid;
  std::string output;                   ///< "" writes no raster (observers only)
  std::vector<io::output_band> bands;
  io::raster_output_options output_options;
  run_settings run;
  std::string label = "sinkmap";
  /// Further rasters from the same planes (a pass that writes every year's map at once).
  std::vector<raster_stream_output> more_outputs;
  tile_observer observer;  ///< writer thread, one tile at a time (ordered IO: cubes)
  tile_observer reducer;   ///< per-tile reduction, possibly several threads at once (zonal sums)
  /// A tile source other than GDAL's reader of `planes` (the Monte Carlo adds each tile's zone
  /// cells), made for the planned number of reader threads; `planes` still name the inputs.
  std::function<std::unique_ptr<pipeline::tile_source>(int readers)> make_source;
  std::size_t extra_bytes_per_pixel = 0;  ///< memory the custom source holds per tile pixel
};

struct raster_stream_result {
  run_layout layout;
  std::string device;
  double seconds = 0;
};

raster_stream_result run_raster_stream(raster_stream_request const& r,
                                       pipeline::tile_kernel const& kernel);

/// "N of M threads read: ..." when the readers' decoder buffers limited the threads under
/// --memory (a composite of many scenes), else "".
std::string reading_threads_note(raster_stream_result const& r, run_settings const& run);

}  // namespace sinkmap::jobs
