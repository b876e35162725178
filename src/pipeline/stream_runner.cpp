#include "pipeline/stream_runner.hpp"

#include "pipeline/bounded_queue.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace sinkmap::pipeline {

int default_slot_count(int readers, bool cuda)
{
  return std::max(readers, 1) + (cuda ? 2 : 1);
}

void run_stream(tile_plan const& plan, tile_source& source, tile_kernel const& kernel,
                executor& ex, tile_sink& sink, stream_options const& opt)
{
  int const readers = std::max(1, std::min(opt.readers, plan.count()));
  int const slots = std::max(opt.slots, readers + 1);
  std::size_t const max_px = plan.max_tile_pixels();
  ex.allocate(slots, max_px * kernel.input_bytes_per_pixel(),
              max_px * kernel.output_bytes_per_pixel() + kernel.reduction_bytes(),
              max_px * kernel.scratch_bytes_per_pixel());

  struct filled {
    int tile, slot;
  };
  bounded_queue<int> free_slots{std::size_t(slots)};
  bounded_queue<filled> to_write{std::size_t(slots)};
  for (int s = 0; s < slots; ++s) free_slots.push(s);

  std::atomic<int> next_tile{0};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto fail = [&](std::exception_ptr e) {
    {
      std::lock_guard lock(error_mutex);
      if (!first_error) first_error = e;
    }
    free_slots.close();
    to_write.close();
  };

  auto reader = [&](int id) {
    try {
      for (;;) {
        int const t = next_tile.fetch_add(1);
        if (t >= plan.count()) break;
        auto slot = free_slots.pop();
        if (!slot) return;
        window const w = plan.tile(t);
        source.read(id, w, ex.host_input(*slot));
        ex.submit(*slot, w, kernel);
        if (opt.on_output && ex.synchronous()) opt.on_output(t, w, ex.host_output(*slot));
        if (!to_write.push({t, *slot})) return;
      }
    } catch (...) {
      fail(std::current_exception());
    }
  };

  std::vector<std::thread> threads;
  threads.reserve(std::size_t(readers));
  for (int i = 0; i < readers; ++i) threads.emplace_back(reader, i);

  // The writer runs on this thread; it knows how many tiles to expect.
  try {
    std::size_t bytes_in = 0;
    for (int done = 0; done < plan.count(); ++done) {
      auto item = to_write.pop();
      if (!item) break;
      window const w = plan.tile(item->tile);
      ex.wait(item->slot);
      if (opt.on_output && !ex.synchronous()) opt.on_output(item->tile, w, ex.host_output(item->slot));
      sink.write(item->tile, w, ex.host_output(item->slot));
      free_slots.push(item->slot);
      bytes_in += w.pixels() * kernel.input_bytes_per_pixel();
      if (opt.on_tile) opt.on_tile(done + 1, plan.count(), bytes_in);
    }
  } catch (...) {
    fail(std::current_exception());
  }
  for (auto& t : threads) t.join();
  // Drain slots still in flight on a device before their buffers can be released.
  if (first_error) {
    for (int s = 0; s < slots; ++s) try { ex.wait(s); } catch (...) {}
    std::rethrow_exception(first_error);
  }
}

}  // namespace sinkmap::pipeline
