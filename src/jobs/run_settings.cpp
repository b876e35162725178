#include "jobs/run_settings.hpp"

#include "core/error.hpp"
#include "pipeline/stream_runner.hpp"

#include <algorithm>
#include <string>
#include <thread>

namespace sinkmap::jobs {

run_layout layout_run(run_settings const& s, int width, int height, int block_w, int block_h,
                      std::size_t bytes_per_pixel, bool cuda, std::size_t handle_bytes, std::size_t slot_bytes)
{
  SINKMAP_EXPECTS(s.threads >= 0, bad_input, "--threads must be 0 (all cores) or more");
  SINKMAP_EXPECTS(s.tile >= 0, bad_input, "--tile must be positive");
  SINKMAP_EXPECTS(s.memory_mb >= 16, bad_input,
                  "--memory " + std::to_string(s.memory_mb) + ": at least 16 MB is needed");
  run_layout l;
  int const cores = int(std::max(1u, std::thread::hardware_concurrency()));
  l.threads = s.threads > 0 ? s.threads : cores;
  l.threads_asked = l.threads;
  std::size_t const budget = s.memory_mb << 20;
  // A quarter to GDAL's block cache, and an eighth left to what no one counts exactly: the C
  // allocator's fragmentation under the cache's churn and GDAL's overshoot of its cache limit
  // (measured: without it, peak RSS above the process at rest ran 10-20 % over --memory). A
  // smaller cache made the accounting pass of tests/io/accounting_run_test.cpp differ between
  // runs (an unexplained interaction of GDAL's cache evictions with the pass), so the cache keeps
  // its quarter and the slack comes from the tile slots.
  l.gdal_cache = budget / 4;
  std::size_t const rest = budget - budget / 4 - budget / 8;
  if (handle_bytes > 0) {
    // A composite of hundreds of scenes: each reader's handles hold a block of every file.
    // Readers' handles take at most half of what GDAL's cache leaves, or three quarters for a
    // single reader: the tile slots keep the rest (tiles shrink to fit it).
    std::size_t const mb = std::size_t(1) << 20;
    std::size_t const least_mb = handle_bytes * 32 / 15 / mb + 1;  // handles < 3/4 (5/8 M)
    SINKMAP_EXPECTS(handle_bytes < rest / 4 * 3, bad_input,
                    "--memory " + std::to_string(s.memory_mb) + ": reading the inputs takes " +
                      std::to_string((handle_bytes + mb - 1) / mb) + " MB of decoder buffers per thread, more than " +
                      "three quarters of the " + std::to_string(rest / mb) +
                      " MB left after GDAL's cache and the allocator's share; raise --memory to at least " + std::to_string(least_mb));
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
  SINKMAP_EXPECTS(l.handles + fixed < rest, bad_input,
                  "--memory " + std::to_string(s.memory_mb) + ": the " + std::to_string(l.slots) + " tile slots hold " +
                    std::to_string(fixed >> 20) + " MB of per-tile sums (more Monte Carlo iterations take more) besides " +
                    std::to_string(l.handles >> 20) + " MB of decoder buffers, more than the " + std::to_string(rest >> 20) +
                    " MB the slots may use; raise --memory or pass fewer --threads");
  r.memory_budget = rest - l.handles - fixed;
  r.slots = l.slots;
  r.workers = l.threads;
  r.forced_tile = s.tile;
  l.plan = pipeline::tile_plan::make(r);
  return l;
}

}  // namespace sinkmap::jobs
