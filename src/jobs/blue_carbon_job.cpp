#include "jobs/blue_carbon_job.hpp"

#include "carbon/stage_tile_kernel.hpp"
#include "carbon/zonal_totals.hpp"
#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "io/cell_area.hpp"
#include "jobs/blue_carbon_tables.hpp"

#include <cmath>
#include <memory>
#include <mutex>

namespace sinkmap::jobs {

blue_carbon_result run_blue_carbon_job(blue_carbon_options const& opt)
{
  namespace k = kernels;
  SINKMAP_EXPECTS(!opt.output.empty(), bad_input, "no output given: pass -o OUT.tif");
  std::size_t const n = opt.snapshots.size();
  SINKMAP_EXPECTS(n >= 1 && n == opt.years.size(), bad_input, "blue carbon: one year per snapshot map");
  SINKMAP_EXPECTS(n <= std::size_t(k::max_cbc_snapshots), bad_input,
                  "blue carbon: at most " + std::to_string(k::max_cbc_snapshots) + " snapshots");
  for (std::size_t s = 1; s < n; ++s)
    SINKMAP_EXPECTS(opt.years[s] > opt.years[s - 1], bad_input,
                    "blue carbon: snapshot years must increase (" + std::to_string(opt.years[s]) + " follows " +
                      std::to_string(opt.years[s - 1]) + ")");
  int const analysis = opt.analysis_year == 0 ? opt.years.back() : opt.analysis_year;
  SINKMAP_EXPECTS(analysis >= opt.years.back() && analysis - opt.years.front() <= 1000, bad_input,
                  "blue carbon: analysis_year " + std::to_string(analysis) + " must be the last snapshot year (" +
                    std::to_string(opt.years.back()) + ") or later, within 1000 years of the baseline");
  SINKMAP_EXPECTS(n >= 2 || analysis > opt.years.back(), bad_input,
                  "blue carbon: one snapshot needs an analysis_year after it");
  auto p = std::make_unique<k::cbc_params>();
  auto const tables = read_cbc_biophysical(opt.biophysical, *p);
  read_cbc_transitions(opt.transitions, tables, *p);
  p->n_snapshots = int(n);
  for (std::size_t s = 0; s < n; ++s) p->years[s] = opt.years[s];
  p->analysis_year = analysis;

  io::raster_grid const grid = io::grid_of_file(opt.snapshots.front());
  std::vector<io::band_source> planes;
  for (std::size_t s = 0; s < n; ++s) {
    if (s > 0) io::check_same_grid(grid, opt.snapshots.front(), io::grid_of_file(opt.snapshots[s]), opt.snapshots[s]);
    planes.push_back({opt.snapshots[s], 1});
  }
  blue_carbon_result result;
  result.analysis_year = analysis;
  std::vector<int> stock_years(opt.years.begin(), opt.years.end());
  stock_years.push_back(analysis);
  std::vector<std::pair<int, int>> intervals;
  for (std::size_t s = 0; s < n; ++s) intervals.push_back({opt.years[s], s + 1 < n ? opt.years[s + 1] : analysis});
  raster_stream_request r;
  r.planes = planes;
  r.read_type = k::pixel_type::f32;
  r.grid = grid;
  r.output = opt.output;
  std::string const units = "table units / ha (InVEST converts none)";
  int band = 0;
  for (std::size_t t = 0; t < stock_years.size(); ++t) {
    std::string const y = std::to_string(stock_years[t]);
    std::string const when = t + 1 == stock_years.size() ? "analysis year " : "snapshot ";
    r.bands.push_back({"biomass_" + y, {{"units", units}, {"description", "biomass stock at the start of " + when + y}}, band++});
    r.bands.push_back({"soil_" + y, {{"units", units}, {"description", "soil stock at the start of " + when + y}}, band++});
  }
  for (auto const& [a, b] : intervals) {
    std::string const span = std::to_string(a) + "_" + std::to_string(b);
    r.bands.push_back({"accumulation_" + span, {{"units", units}, {"description", "carbon accumulated in years " + std::to_string(a) + " to " + std::to_string(b) + " (not counting emitting years)"}}, band++});
    r.bands.push_back({"emissions_" + span, {{"units", units}, {"description", "disturbed carbon emitted (half-life decay)"}}, band++});
    r.bands.push_back({"net_sequestration_" + span, {{"units", units}, {"description", "accumulation minus emissions"}}, band++});
  }
  r.bands.push_back({"total_net_sequestration", {{"units", units}, {"description", "net sequestration from the baseline to the analysis year"}}, band++});
  for (auto const& b : r.bands) result.band_names.push_back(b.name);
  r.output_options = opt.output_options;
  r.output_options.metadata["SINKMAP_PRODUCT"] = "InVEST Coastal Blue Carbon timeline (natcap/invest coastal_blue_carbon.py semantics)";
  r.output_options.metadata["SINKMAP_CBC_BIOPHYSICAL"] = opt.biophysical;
  r.output_options.metadata["SINKMAP_CBC_TRANSITIONS"] = opt.transitions;
  r.output_options.metadata["SINKMAP_CBC_ANALYSIS_YEAR"] = std::to_string(analysis);
  r.run = opt.run;
  r.label = "sinkmap blue-carbon";
  // Totals of every band (value x cell area), exact for any tiling; pixels whose code the table
  // lacks are counted, never silently dropped.
  io::cell_area const areas(grid);
  std::vector<carbon::exact_sum> sums(r.bands.size());
  std::uint64_t pixels = 0, missing = 0;
  std::mutex mutex;
  int const outputs = k::cbc_outputs(*p);
  r.reducer = [&](int, pipeline::window const& w, float const* out) {
    std::size_t const m = w.pixels();
    std::vector<carbon::exact_sum> s(sums.size());
    std::uint64_t px = 0, miss = 0;
    for (std::size_t i = 0; i < m; ++i) {
      double const ha = areas.hectares(w.y + int(i / std::size_t(w.w)));
      if (std::isnan(out[i])) {
        ++miss;
        continue;
      }
      ++px;
      for (int b = 0; b < outputs; ++b) s[std::size_t(b)].add(double(out[std::size_t(b) * m + i]) * ha);
    }
    if (opt.reducer) opt.reducer(0, w, out);
    std::lock_guard<std::mutex> lock(mutex);
    for (std::size_t b = 0; b < s.size(); ++b) sums[b].add(s[b]);
    pixels += px;
    missing += miss;
  };
  carbon::blue_carbon_tile_kernel const kernel(*p, k::pixel_type::f32, int(n), outputs,
                                               SINKMAP_CUDA_LAUNCHER(launch_blue_carbon_stage));
  result.stream = run_raster_stream(r, kernel);
  for (std::size_t b = 0; b < sums.size(); ++b) result.totals[result.band_names[b]] = sums[b].value();
  result.pixels = pixels;
  result.not_in_table = missing;
  return result;
}

}  // namespace sinkmap::jobs
