#include "jobs/run_settings.hpp"

#include "core/error.hpp"
#include "pipeline/stream_runner.hpp"

#include <algorithm>
#include <string>
#include <thread>

namespace sinkmap::jobs {

run_layout layout_run(run_settings const& s, int width, int height, int block_w, int block_h,
                      std::size_t bytes_per_pixel, bool cuda)
{
  SINKMAP_EXPECTS(s.threads >= 0, bad_input, "--threads must be 0 (all cores) or more");
  SINKMAP_EXPECTS(s.tile >= 0, bad_input, "--tile must be positive");
  SINKMAP_EXPECTS(s.memory_mb >= 16, bad_input,
                  "--memory " + std::to_string(s.memory_mb) + ": at least 16 MB is needed");
  run_layout l;
  int const cores = int(std::max(1u, std::thread::hardware_concurrency()));
  l.threads = s.threads > 0 ? s.threads : cores;
  l.slots = pipeline::default_slot_count(l.threads, cuda);
  std::size_t const budget = s.memory_mb << 20;
  l.gdal_cache = budget / 4;
  pipeline::tile_plan_request r;
  r.width = width;
  r.height = height;
  r.block_w = block_w;
  r.block_h = block_h;
  r.bytes_per_pixel = bytes_per_pixel;
  r.memory_budget = budget - l.gdal_cache;
  r.slots = l.slots;
  r.workers = l.threads;
  r.forced_tile = s.tile;
  l.plan = pipeline::tile_plan::make(r);
  return l;
}

}  // namespace sinkmap::jobs
