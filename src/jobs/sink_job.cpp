#include "jobs/sink_job.hpp"

#include "carbon/stage_tile_kernel.hpp"
#include "core/error.hpp"
#include "io/gdal_session.hpp"

#include <cmath>

namespace sinkmap::jobs {

int total_carbon_band(std::string const& path)
{
  auto ds = io::open_raster(path, "stock map");
  if (int const b = io::band_named(*ds, "c_total")) return b;
  SINKMAP_EXPECTS(ds->GetRasterCount() == 1, bad_input,
                  "stock map '" + path + "' has no band named c_total (write it with sinkmap stock)");
  return 1;
}

raster_stream_result run_sink_job(sink_job_options const& opt)
{
  SINKMAP_EXPECTS(opt.years > 0, bad_input, "--years must be positive (years between the maps)");
  int const b1 = total_carbon_band(opt.stock_t1), b2 = total_carbon_band(opt.stock_t2);
  io::raster_grid const g1 = io::grid_of_file(opt.stock_t1);
  io::check_same_grid(g1, opt.stock_t1, io::grid_of_file(opt.stock_t2), opt.stock_t2);

  kernels::stock_change_params params;
  params.years = float(opt.years);
  std::string const files[2] = {opt.stock_t1, opt.stock_t2};
  int const bands[2] = {b1, b2};
  for (int k = 0; k < 2; ++k) {
    auto ds = io::open_raster(files[k], "stock map");
    int has = 0;
    double const nd = ds->GetRasterBand(bands[k])->GetNoDataValue(&has);
    params.has_nodata[k] = has && !std::isnan(nd);
    params.nodata[k] = float(nd);
  }
  carbon::stock_change_tile_kernel const kernel(params, kernels::pixel_type::f32, 2, 2,
                                                SINKMAP_CUDA_LAUNCHER(launch_stock_change_stage));
  raster_stream_request r;
  r.planes = {{opt.stock_t1, b1}, {opt.stock_t2, b2}};
  r.read_type = kernels::pixel_type::f32;
  r.grid = g1;
  r.output = opt.output;
  r.bands = {{"sink_c", {{"units", "Mg C / ha / yr"}, {"sign", "positive = uptake (stock rises)"}}},
             {"sink_co2", {{"units", "t CO2 / ha / yr"}, {"sign", "positive = uptake (stock rises)"}}}};
  r.output_options = opt.output_options;
  r.output_options.metadata["SINKMAP_PRODUCT"] = "carbon sink (stock difference, IPCC 2006 V4 Eq. 2.5)";
  r.output_options.metadata["SINKMAP_YEARS"] = std::to_string(opt.years);
  r.run = opt.run;
  r.label = "sinkmap sink";
  r.observer = opt.observer;
  r.reducer = opt.reducer;
  return run_raster_stream(r, kernel);
}

}  // namespace sinkmap::jobs
