#include "jobs/raster_stream.hpp"

#include "core/input_registry.hpp"
#include "io/gdal_tile_source.hpp"
#include "io/provenance.hpp"
#include "jobs/progress_reporter.hpp"

#include <chrono>
#include <memory>

namespace sinkmap::jobs {
namespace {

// Hands each tile to the observer, then to the writer (if any).
class observed_sink final : public pipeline::tile_sink {
 public:
  observed_sink(std::vector<std::unique_ptr<io::geotiff_writer>> const& writers, tile_observer const& observer)
    : writers_(writers), observer_(observer)
  {
  }
  void write(int t, pipeline::window const& w, void const* src) override
  {
    if (observer_) observer_(t, w, static_cast<float const*>(src));
    for (auto const& writer : writers_) writer->write(t, w, src);
  }

 private:
  std::vector<std::unique_ptr<io::geotiff_writer>> const& writers_;
  tile_observer const& observer_;
};

}  // namespace

raster_stream_result run_raster_stream(raster_stream_request const& r,
                                       pipeline::tile_kernel const& kernel)
{
  auto const start = std::chrono::steady_clock::now();
  auto ex = pipeline::make_executor(r.run.device);
  raster_stream_result result;
  result.device = ex->name();
  result.layout = layout_run(r.run, r.grid.width, r.grid.height, r.grid.block_w, r.grid.block_h,
                             kernel.input_bytes_per_pixel() + kernel.output_bytes_per_pixel() + r.extra_bytes_per_pixel +
                               (ex->name() == "cuda" ? kernel.scratch_bytes_per_pixel() : 0),
                             ex->name() == "cuda", io::reader_handle_bytes(r.planes), kernel.reduction_bytes());
  io::set_gdal_cache_bytes(result.layout.gdal_cache);

  std::vector<std::unique_ptr<io::geotiff_writer>> writers;
  std::unique_ptr<io::input_hashes> hashes;
  if (!r.output.empty() || !r.more_outputs.empty()) {
    auto inputs = io::files_behind(r.planes);
    for (auto const& f : inputs) note_input(f);  // the outputs may be none of them
    if (!r.output.empty())
      writers.push_back(std::make_unique<io::geotiff_writer>(r.output, r.grid, r.bands, r.output_options));
    for (auto const& o : r.more_outputs)
      writers.push_back(std::make_unique<io::geotiff_writer>(o.path, r.grid, o.bands, o.options));
    hashes = std::make_unique<io::input_hashes>(std::move(inputs));  // hashed while the pass runs
  }
  std::unique_ptr<pipeline::tile_source> source =
    r.make_source ? r.make_source(result.layout.threads)
                  : std::make_unique<io::gdal_tile_source>(r.planes, r.read_type, result.layout.threads);
  observed_sink sink(writers, r.observer);
  progress_reporter progress(r.label, !r.run.quiet);

  pipeline::stream_options so;
  so.readers = result.layout.threads;
  so.slots = result.layout.slots;
  so.on_tile = [&](int done, int total, std::size_t bytes) { progress.update(done, total, bytes); };
  if (r.reducer)
    so.on_output = [&](int t, pipeline::window const& w, void const* out) {
      r.reducer(t, w, static_cast<float const*>(out));
    };
  pipeline::run_stream(result.layout.plan, *source, kernel, *ex, sink, so);
  for (auto const& writer : writers) {
    writer->set_metadata("SINKMAP_INPUTS", hashes->text());
    writer->commit();
  }
  result.seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string reading_threads_note(raster_stream_result const& r, run_settings const& run)
{
  auto const& l = r.layout;
  std::string note;
  if (l.threads < l.threads_asked)
    note = std::to_string(l.threads) + " of " + std::to_string(l.threads_asked) + " threads read and compute: each holds " +
           std::to_string(l.handles / std::size_t(l.threads) >> 20) + " MB of decoder buffers for the input files, and --memory " +
           std::to_string(run.memory_mb) + " leaves room for no more";
  if (!l.over_budget.empty()) note += (note.empty() ? "" : "; ") + l.over_budget;
  return note;
}

}  // namespace sinkmap::jobs
