#include "jobs/trend_job.hpp"

#include "io/map_metadata.hpp"
#include "carbon/stage_tile_kernel.hpp"
#include "core/error.hpp"
#include "gdal/gdal_session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace sinkmap::jobs {

trend_job_result run_trend_job(trend_job_options const& opt)
{
  SINKMAP_EXPECTS(!opt.output.empty(), bad_input, "no output given: pass -o OUT.tif");
  std::size_t const n = opt.maps.size();
  SINKMAP_EXPECTS(n >= 3, bad_input, "trend needs 3 or more annual maps (MAP...), got " + std::to_string(n));
  SINKMAP_EXPECTS(n <= std::size_t(kernels::max_trend_years), bad_input,
                  "trend takes at most " + std::to_string(kernels::max_trend_years) + " maps");
  SINKMAP_EXPECTS(opt.years.empty() || opt.years.size() == n, bad_input,
                  "--years: " + std::to_string(opt.years.size()) + " years for " + std::to_string(n) + " maps");
  io::raster_grid const grid = io::grid_of_file(opt.maps.front());
  std::vector<double> years(n);
  std::vector<io::band_source> planes(n);
  std::string units;
  int has_nd = -1;
  double nodata = 0;
  for (std::size_t k = 0; k < n; ++k) {
    auto const& f = opt.maps[k];
    if (k > 0) io::check_same_grid(grid, opt.maps.front(), io::grid_of_file(f), f);
    auto ds = io::open_raster(f, "MAP");
    int band = io::band_named(*ds, opt.band);
    if (band == 0) {
      SINKMAP_EXPECTS(ds->GetRasterCount() == 1, bad_input,
                      "MAP '" + f + "' has no band named " + opt.band + " (--band)");
      band = 1;
    }
    planes[k] = {f, band};
    if (char const* u = ds->GetRasterBand(band)->GetMetadataItem("units"); u && units.empty()) units = u;
    int h = 0;
    double const nd = ds->GetRasterBand(band)->GetNoDataValue(&h);
    if (k == 0) {
      has_nd = h && !std::isnan(nd);
      nodata = nd;
    }
    if (!opt.years.empty()) {
      years[k] = opt.years[k];
    } else {
      auto const y = io::recorded_year(*ds, f);
      SINKMAP_EXPECTS(y.has_value(), bad_input, "MAP '" + f + "' does not record its year: pass --years Y,Y,...");
      years[k] = *y;
    }
    SINKMAP_EXPECTS(std::isfinite(years[k]), bad_input, "--years: not a number");
  }
  // Year order; the same year twice cannot have a slope.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return years[a] < years[b]; });
  kernels::trend_params p;
  p.n_years = int(n);
  p.has_nodata = has_nd > 0;
  p.nodata = float(nodata);
  std::vector<io::band_source> sorted;
  trend_job_result result;
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0)
      SINKMAP_EXPECTS(years[order[k]] != years[order[k - 1]], bad_input,
                      "--years: year " + std::to_string(years[order[k]]) + " is given twice");
    p.years[k] = float(years[order[k]]);
    sorted.push_back(planes[order[k]]);
    result.years.push_back(years[order[k]]);
  }
  carbon::trend_tile_kernel const kernel(p, kernels::pixel_type::f32, int(n), kernels::trend_outputs,
                                         SINKMAP_CUDA_LAUNCHER(launch_trend_stage));
  result.units = units.empty() ? "map units / yr" : units + " / yr";
  raster_stream_request r;
  r.planes = sorted;
  r.read_type = kernels::pixel_type::f32;
  r.grid = grid;
  r.output = opt.output;
  r.bands = {{"slope", {{"units", result.units}, {"method", "Theil-Sen: median of pairwise slopes"}}, 0},
             {"p_value", {{"units", "probability"}, {"method", "two-sided Mann-Kendall, tie-corrected variance"}}, 1},
             {"n", {{"units", "valid years"}}, 2}};
  r.output_options = opt.output_options;
  r.output_options.metadata["SINKMAP_PRODUCT"] = "per-pixel trend (Theil-Sen slope, Mann-Kendall test)";
  std::string ys;
  for (double y : result.years) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", y);
    ys += (ys.empty() ? "" : ",") + std::string(b);
  }
  r.output_options.metadata["SINKMAP_TREND_YEARS"] = ys;
  r.output_options.metadata["SINKMAP_TREND_BAND"] = opt.band;
  r.run = opt.run;
  r.label = "sinkmap trend";
  r.reducer = opt.reducer;
  result.stream = run_raster_stream(r, kernel);
  return result;
}

}  // namespace sinkmap::jobs
