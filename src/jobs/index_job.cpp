#include "jobs/index_job.hpp"

#include "core/error.hpp"
#include "indices/index_tile_kernel.hpp"
#include "jobs/raster_stream.hpp"
#include "sensors/band_role_names.hpp"

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

void bind_indices(io::scene& s, indices::index_request const& request,
                  kernels::index_stage_params& params)
{
  for (auto const* info : request.indices)
    for (auto role : info->roles)
      if (!s.find(role)) {
        std::string const r(sensors::role_name(role));
        SINKMAP_FAIL(bad_input, "index " + info->name + " needs band role '" + r +
                                  "', which the scene does not have (bound: " + bound_roles(s) +
                                  "); pass --band " + r + "=N or --band " + r + "=FILE[:N]");
      }
  io::keep_roles(s, request.roles);
  io::fill_decode(s, params);
  params.n_outputs = int(request.terms.size());
  for (std::size_t k = 0; k < request.terms.size(); ++k) params.terms[k] = request.terms[k];
}

index_job_plan plan_index_job(index_job_options const& opt)
{
  index_job_plan p;
  p.request = indices::make_index_request(opt.indices, opt.constants);
  p.scene = io::open_scene(opt.scenes, opt.scene_options);
  bind_indices(p.scene, p.request, p.params);
  return p;
}

index_job_result run_index_job(index_job_options const& opt)
{
  SINKMAP_EXPECTS(!opt.output.empty(), bad_input, "no output given: pass -o OUT.tif");
  index_job_plan const p = plan_index_job(opt);
  indices::index_tile_kernel const kernel(p.params, p.scene.read_type,
                                          int(p.scene.plane_sources().size()));
  raster_stream_request r;
  r.planes = p.scene.plane_sources();
  r.read_type = p.scene.read_type;
  r.grid = p.scene.grid;
  r.output = opt.output;
  r.bands = output_bands(p);
  r.output_options = opt.output_options;
  r.output_options.metadata["SINKMAP_PRODUCT"] = "spectral indices";
  r.run = opt.run;
  r.label = "sinkmap index";
  auto const s = run_raster_stream(r, kernel);
  return {s.layout, s.device, s.seconds};
}

}  // namespace sinkmap::jobs
