#include "jobs/composite_job.hpp"

#include "carbon/stage_tile_kernel.hpp"
#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "indices/index_request.hpp"
#include "sensors/band_role_names.hpp"

#include <filesystem>
#include <memory>

#include <gdal_priv.h>

namespace sinkmap::jobs {

std::vector<std::string> composite_band_names(composite::composite_plan const& plan,
                                              std::vector<std::string> const& indices)
{
  std::vector<std::string> names;
  for (int r = 0; r < plan.params.n_roles; ++r) names.emplace_back(sensors::role_name(plan.params.roles[r]));
  names.push_back("clear_count");
  if (plan.params.method != kernels::composite_method::median) names.push_back("doy");
  for (auto const& i : indices) names.push_back(i);
  return names;
}

composite_job_result run_composite_job(composite_job_options const& opt)
{
  SINKMAP_EXPECTS(!opt.output.empty(), bad_input, "no output given: pass -o OUT.tif");
  composite_job_result result;
  result.plan = composite::plan_composite(opt.request);
  auto const& plan = result.plan;
  auto params = std::make_unique<kernels::composite_stage_params>();
  params->comp = plan.params;
  params->with_doy = plan.params.method != kernels::composite_method::median;
  std::vector<std::string> index_names;
  if (!opt.indices.empty()) {
    auto const req = indices::make_index_request(opt.indices, {});
    for (auto const* info : req.indices) {
      for (auto role : info->roles) {
        bool have = false;
        for (int r = 0; r < plan.params.n_roles; ++r) have |= plan.params.roles[r] == role;
        SINKMAP_EXPECTS(have, bad_input,
                        "-i " + info->name + ": needs band role '" + std::string(sensors::role_name(role)) +
                          "', which the composite does not have (--roles)");
      }
      index_names.push_back(info->name);
    }
    params->n_indices = int(req.terms.size());
    for (std::size_t k = 0; k < req.terms.size(); ++k) params->terms[k] = req.terms[k];
  }
  auto const names = composite_band_names(plan, index_names);
  carbon::composite_tile_kernel const kernel(*params, plan.read_type, int(plan.planes.size()),
                                             kernels::composite_output_count(*params),
                                             SINKMAP_CUDA_LAUNCHER(launch_composite_stage), plan.observations);
  raster_stream_request r;
  r.planes = plan.planes;
  r.read_type = plan.read_type;
  r.grid = plan.grid;
  r.output = opt.output;
  for (std::size_t k = 0; k < names.size(); ++k) {
    io::output_band b{names[k], {}, int(k)};
    if (k < std::size_t(plan.params.n_roles)) b.metadata["units"] = "reflectance (unitless)";
    else if (names[k] == "clear_count") b.metadata["units"] = "clear observations";
    else if (names[k] == "doy") b.metadata["units"] = "day of year of the chosen observation";
    else b.metadata["units"] = "unitless (index of the composite)";
    r.bands.push_back(b);
  }
  r.output_options = opt.output_options;
  auto& md = r.output_options.metadata;
  md["SINKMAP_PRODUCT"] = "clear-sky composite";
  md["SINKMAP_COMPOSITE_METHOD"] = opt.request.method;
  md["SINKMAP_WINDOW"] = (opt.request.from.empty() ? std::string("(start)") : opt.request.from) + " .. " +
                         (opt.request.to.empty() ? std::string("(end)") : opt.request.to);
  md["SINKMAP_SCENES"] = std::to_string(plan.dates.size());
  std::string dates;
  for (auto const& d : plan.dates) dates += (dates.empty() ? "" : ",") + d;
  md["SINKMAP_DATES"] = dates;
  r.run = opt.run;
  r.label = "sinkmap composite";
  result.stream = run_raster_stream(r, kernel);
  if (auto const note = reading_threads_note(result.stream, opt.run); !note.empty()) result.plan.notes.push_back(note);
  // A composite without one clear observation anywhere is all nodata: the mask values, the
  // window or the valid range are wrong, and no map should look like a result (the failed
  // command's outputs are removed).
  {
    GDALDatasetUniquePtr ds(GDALDataset::Open(opt.output.c_str(), GDAL_OF_RASTER));
    int const b = ds ? io::band_named(*ds, "clear_count") : -1;
    double minmax[2] = {0, 0};
    SINKMAP_EXPECTS(b > 0 && ds->GetRasterBand(b)->ComputeRasterMinMax(FALSE, minmax) == CE_None, runtime_failure,
                    "cannot read back the clear_count band of '" + opt.output + "'" + io::gdal_reason());
    if (!(minmax[1] > 0)) {
      ds.reset();
      std::filesystem::remove(opt.output);  // written by this call just now: not a result
    }
    SINKMAP_EXPECTS(minmax[1] > 0, bad_input,
                    "no pixel has a clear observation in the " + std::to_string(plan.dates.size()) +
                      " scenes of the window: every observation is masked or outside --valid-range (check --clear, "
                      "the mask files and --from / --to)");
  }
  return result;
}

}  // namespace sinkmap::jobs
