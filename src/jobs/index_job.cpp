#include "jobs/index_job.hpp"

#include "core/error.hpp"
#include "indices/index_tile_kernel.hpp"
#include "io/gdal_tile_source.hpp"
#include "jobs/progress_reporter.hpp"
#include "sensors/band_role_names.hpp"

#include <chrono>
#include <sstream>

namespace sinkmap::jobs {
namespace {

std::string bound_roles(io::scene const& s)
{
  std::string r;
  for (auto const& b : s.bands) r += (r.empty() ? "" : ", ") + std::string(sensors::role_name(b.role));
  return r.empty() ? "none" : r;
}

std::vector<io::output_band> output_bands(index_job_plan const& p)
{
  std::vector<io::output_band> out;
  for (std::size_t k = 0; k < p.request.indices.size(); ++k) {
    auto const& info = *p.request.indices[k];
    io::output_band b{info.name, {}};
    b.metadata["long_name"] = info.long_name;
    b.metadata["formula"] = info.formula;
    b.metadata["source"] = info.source;
    b.metadata["units"] = "1";
    std::ostringstream c;
    for (std::size_t j = 0; j < info.constant_names.size(); ++j)
      c << (j ? " " : "") << info.constant_names[j] << "=" << p.request.terms[k].c[j];
    if (!info.constant_names.empty()) b.metadata["constants"] = c.str();
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

index_job_plan plan_index_job(index_job_options const& opt)
{
  index_job_plan p;
  p.request = indices::make_index_request(opt.indices, opt.constants);
  p.scene = io::open_scene(opt.scenes, opt.scene_options);
  for (auto const* info : p.request.indices)
    for (auto role : info->roles)
      if (!p.scene.find(role)) {
        std::string const r(sensors::role_name(role));
        SINKMAP_FAIL(bad_input, "index " + info->name + " needs band role '" + r +
                                  "', which the scene does not have (bound: " +
                                  bound_roles(p.scene) + "); pass --band " + r +
                                  "=N or --band " + r + "=FILE[:N]");
      }
  io::keep_roles(p.scene, p.request.roles);
  io::fill_decode(p.scene, p.params);
  p.params.n_outputs = int(p.request.terms.size());
  for (std::size_t k = 0; k < p.request.terms.size(); ++k) p.params.terms[k] = p.request.terms[k];
  return p;
}

index_job_result run_index_job(index_job_options const& opt)
{
  SINKMAP_EXPECTS(!opt.output.empty(), bad_input, "no output given: pass -o OUT.tif");
  auto const start = std::chrono::steady_clock::now();
  index_job_plan const p = plan_index_job(opt);
  indices::index_tile_kernel const kernel(p.params, p.scene.read_type, int(p.scene.plane_sources().size()));

  auto ex = pipeline::make_executor(opt.run.device);
  index_job_result result;
  result.device = ex->name();
  auto const& g = p.scene.grid;
  result.layout = layout_run(opt.run, g.width, g.height, g.block_w, g.block_h,
                             kernel.input_bytes_per_pixel() + kernel.output_bytes_per_pixel(),
                             ex->name() == "cuda");
  io::set_gdal_cache_bytes(result.layout.gdal_cache);

  io::raster_output_options out_opt = opt.output_options;
  out_opt.metadata["SINKMAP_PRODUCT"] = "spectral indices";
  io::geotiff_writer writer(opt.output, g, output_bands(p), out_opt);
  io::gdal_tile_source source(p.scene, result.layout.threads);
  progress_reporter progress("sinkmap index", !opt.run.quiet);

  pipeline::stream_options so;
  so.readers = result.layout.threads;
  so.slots = result.layout.slots;
  so.on_tile = [&](int done, int total, std::size_t bytes) { progress.update(done, total, bytes); };
  pipeline::run_stream(result.layout.plan, source, kernel, *ex, writer, so);
  writer.commit();
  result.seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace sinkmap::jobs
