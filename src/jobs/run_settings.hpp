// The options every subcommand shares (--device, --threads, --tile, --memory, --quiet) and how
// they turn into threads, tile slots and a tile plan.
#pragma once

#include "pipeline/executor.hpp"
#include "pipeline/tile_plan.hpp"

#include <cstddef>
#include <string>

namespace sinkmap::jobs {

struct run_settings {
  pipeline::device_kind device = pipeline::device_kind::auto_select;
  int threads = 0;               ///< 0: all cores
  int tile = 0;                  ///< --tile N (0: planned from blocks and memory)
  std::size_t memory_mb = 256;   ///< --memory: the run's peak resident memory above the process at rest
  bool quiet = false;
};

struct run_layout {
  int threads = 1;                ///< worker threads (CPU: read + compute; CUDA: read)
  int slots = 2;                  ///< tile slots
  std::size_t gdal_cache = 0;     ///< bytes for GDAL's block cache
  std::size_t handles = 0;        ///< bytes the readers' file handles hold
  int threads_asked = 1;          ///< threads before the handles' memory limited them
  std::string over_budget;        ///< why this run cannot stay within --memory ("" if it can)
  pipeline::tile_plan plan;
};

/// The threads --threads asks for: its number, or every core for 0.
int worker_threads(run_settings const& s);

/// Threads, slots and tiles of a run over a width x height raster with the given blocks.
/// `cuda`: the executor is a CUDA one (one more slot in flight).
/// A quarter of --memory goes to GDAL's block cache and an eighth is left to the allocator's
/// fragmentation; the other five eighths go to the readers' file handles
/// (`handle_bytes` per reader: io::reader_handle_bytes) and the tile slots. When the handles of
/// every thread would take more than half of that rest, fewer threads read (at least one).
/// When one reader's handles and the per-slot sums take more than three quarters of it, the
/// run goes on over budget and `over_budget` says so, naming the --memory that would do.
/// `slot_bytes`: bytes each tile slot holds whatever its tile's size (a Monte Carlo's partial
/// sums), taken from the slots' share first.
run_layout layout_run(run_settings const& s, int width, int height, int block_w, int block_h,
                      std::size_t bytes_per_pixel, bool cuda, std::size_t handle_bytes = 0,
                      std::size_t slot_bytes = 0);

}  // namespace sinkmap::jobs
