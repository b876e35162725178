#include "jobs/run_settings.hpp"

#include "core/error.hpp"
#include "pipeline/stream_runner.hpp"

#include <algorithm>
#include <string>
#include <thread>

namespace sinkmap::jobs {

int worker_threads(run_settings const& s)
{
  return s.threads > 0 ? s.threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

run_layout layout_run(run_settings const& s, int width, int height, int block_w, int block_h,
                      std::size_t bytes_per_pixel, bool cuda, std::size_t handle_bytes, std::size_t slot_bytes)
{
  SINKMAP_EXPECTS(s.threads >= 0, bad_input, "--threads must be 0 (all cores) or more");
  SINKMAP_EXPECTS(s.tile >= 0, bad_input, "--tile must be positive");
  SINKMAP_EXPECTS(s.memory_mb >= 16, bad_input,
                  "--memory " + std::to_string(s.memory_mb) + ": at least 16 MB is needed");
  run_layout l;
  l.threads = worker_threads(s);
  l.threads_asked = l.threads;
  std::size_t const budget = s.memory_mb << 20;
  // A quarter to GDAL's block cache, and an eighth left to what no one counts exactly: the C
  // allocator's fragmentation under the cache's churn and GDAL's overshoot of its cache limit
  // (measured: without it, peak RSS above the process at rest ran 10-20 % over --memory). The
  // slack comes from the tile slots; the cache keeps its quarter (a smaller cache exposed the
  // multi-threaded output compression race described in io/geotiff_writer.cpp).
  l.gdal_cache = budget / 4;
  std::size_t const rest = budget - budget / 4 - budget / 8;
  if (handle_bytes > 0) {
    // A composite of hundreds of scenes: each reader's handles hold a block of every file. They
    // take at most half of what the slots may use, with one reading thread at least.
    l.threads = std::max(1, std::min(l.threads, int(rest / 2 / handle_bytes)));
    l.handles = std::size_t(l.threads) * handle_bytes;
  }
  l.slots = pipeline::default_slot_count(l.threads, cuda);
  pipeline::tile_plan_request r;
  r.width = width;
  r.height = height;
  r.block_w = block_w;
  r.block_h = block_h;
  r.bytes_per_pixel = bytes_per_pixel;
  std::size_t const fixed = std::size_t(l.slots) * slot_bytes;  // e.g. Monte Carlo partial sums
  if (l.handles + fixed > rest / 4 * 3) {
    // The run still goes (the decoder buffers are an estimate, and the partial sums are what
    // the user asked for), with a quarter of the slots' share for tiles, and says so.
    std::size_t const mb = std::size_t(1) << 20;
    l.over_budget = "--memory " + std::to_string(s.memory_mb) + " is too small: " +
                    std::to_string((l.handles + mb - 1) / mb) + " MB of decoder buffers for the input files and " +
                    std::to_string((fixed + mb - 1) / mb) + " MB of per-tile sums leave too little for the tiles, so " +
                    "this run uses more memory than asked; --memory " +
                    std::to_string((l.handles + fixed) * 32 / 15 / mb + 1) + " or more keeps it within";
    r.memory_budget = rest / 4;
  } else {
    r.memory_budget = rest - l.handles - fixed;
  }
  r.slots = l.slots;
  r.workers = l.threads;
  r.forced_tile = s.tile;
  l.plan = pipeline::tile_plan::make(r);
  return l;
}

}  // namespace sinkmap::jobs
