// Streams the tiles of a plan through an executor: reader threads (each with its own source
// handle) fill tile slots, the executor computes them, one writer thread drains them. Bounded
// by the slot count, so memory is fixed whatever the scene size.
#pragma once

#include "pipeline/executor.hpp"
#include "pipeline/tile_kernel.hpp"
#include "pipeline/tile_plan.hpp"

#include <functional>

namespace sinkmap::pipeline {

/// Reads the input planes of a window into `dst` (band-sequential, planes of w*h pixels).
/// `reader` is the reader thread's number: implementations keep one handle per reader, since
/// GDAL datasets are not thread-safe.
class tile_source {
 public:
  virtual ~tile_source() = default;
  virtual void read(int reader, window const& w, void* dst) = 0;
};

/// Receives the output planes of a window (band-sequential float planes of w*h pixels).
/// Called from one writer thread only, in any tile order; `t` is the tile number.
class tile_sink {
 public:
  virtual ~tile_sink() = default;
  virtual void write(int t, window const& w, void const* src) = 0;
};

struct stream_options {
  int readers = 1;  ///< reader threads; with the CPU executor they also compute
  int slots = 3;    ///< tile slots, at least readers + 1
  /// Called from the writer thread after each tile: (tiles done, tiles total, bytes read so far).
  std::function<void(int, int, std::size_t)> on_tile;
  /// Per-tile reduction over a finished output tile (tile, window, output planes). Runs in the
  /// worker thread with a synchronous executor, else in the writer thread: it may run in
  /// several threads at once and must be thread-safe.
  std::function<void(int, window const&, void const*)> on_output;
};

/// Slots a run needs for `readers` readers: one being filled per reader, one in the writer, and
/// one more so that for CUDA copy and compute of the next tile overlap the write of this one.
int default_slot_count(int readers, bool cuda);

/// Runs the whole plan. The first exception of any thread stops every thread and is rethrown
/// here; the slots are allocated on `ex` by this call.
void run_stream(tile_plan const& plan, tile_source& source, tile_kernel const& kernel,
                executor& ex, tile_sink& sink, stream_options const& opt);

}  // namespace sinkmap::pipeline
