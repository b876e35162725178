#include "jobs/run/accounting_step.hpp"

#include "jobs/run/statistics_check.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>

namespace sinkmap::jobs {
using namespace sinkmap::zonal;
namespace {

float const* plane(float const* planes, std::size_t n, int k) { return planes + std::size_t(k) * n; }

// Wood removals from statistics (IPCC 2006 Vol. 4 Eq. 2.12): a first pass measures, per zone and
// map, the forest that stays forest, over which the zone's removals are spread. The class rules
// do not depend on the pools, so that pass sees the same classes as the real one.
removal_plan plan_run_removals(run_context const& ctx, accounting_job_options& ao, accounting_layout const& L,
                               int first_flux_map)
{
  auto const zone_names = ctx.zone_names();
  auto const table = read_wood_removals(ctx.cfg.harvest, &zone_names);
  ao.harvest_zones = ctx.out(".harvest_zones.tif");
  io::write_zone_raster(*ctx.zones, *ctx.grid, ao.harvest_zones);
  ao.harvest_m3_per_ha.assign(zone_names.size(), std::vector<float>(std::size_t(L.years), 0.0f));
  std::vector<std::vector<carbon::exact_sum>> forest(zone_names.size(), std::vector<carbon::exact_sum>(std::size_t(L.years)));
  std::mutex forest_mutex;
  accounting_job_options pre = ao;
  pre.write_outputs = false;
  pre.reducer = [&](int, pipeline::window const& w, float const* planes) {
    std::size_t const n = w.pixels();
    std::vector<int> ids;
    ctx.zones->rasterize(w, ids);
    std::vector<std::vector<carbon::exact_sum>> tile(forest.size(), std::vector<carbon::exact_sum>(std::size_t(L.years)));
    for (int y = first_flux_map; y < L.years; ++y) {
      float const* cat = plane(planes, n, L.stock(y, kernels::sb_category));
      float const* ev = plane(planes, n, L.flux(y - first_flux_map, kernels::fb_events));
      for (std::size_t i = 0; i < n; ++i) {
        if (ids[i] <= 0 || std::isnan(cat[i]) || int(cat[i]) % 8 != int(kernels::class_group::forest)) continue;
        if (!std::isnan(ev[i]) && (int(ev[i]) & kernels::event_conversion)) continue;
        tile[std::size_t(ids[i] - 1)][std::size_t(y)].add(ctx.areas->hectares(w.y + int(i / std::size_t(w.w))));
      }
    }
    std::lock_guard<std::mutex> lock(forest_mutex);
    for (std::size_t z = 0; z < forest.size(); ++z)
      for (std::size_t y = 0; y < forest[z].size(); ++y) forest[z][y].add(tile[z][y]);
  };
  (void)run_accounting_job(pre);
  std::vector<std::vector<double>> forest_ha(forest.size());
  for (std::size_t z = 0; z < forest.size(); ++z)
    for (auto const& a : forest[z]) forest_ha[z].push_back(a.value());
  auto plan = plan_removals(table, zone_names, ctx.products.years, ctx.products.state_year, forest_ha);
  ao.harvest_m3_per_ha = plan.m3_per_ha;
  return plan;
}

}  // namespace

accounted_years account_years(run_context const& ctx, observed_years const& observed)
{
  namespace fs = std::filesystem;
  auto const& cfg = ctx.cfg;
  accounted_years r;
  r.record.step = "accounting";
  auto& warnings = r.record.warnings;
  accounting_job_options& ao = r.options;
  ao.observed = observed.maps;
  ao.years = ctx.products.years;
  ao.start_state = cfg.start_state;
  ao.confirm_years = cfg.confirm_years;
  ao.wetland_restoration = cfg.wetland_restoration;
  ao.transition_years = cfg.transition_years;
  ao.dnbr_threshold = cfg.dnbr_threshold;
  ao.carbon = cfg.carbon;
  ao.carbon.forest_age = cfg.years.front().forest_age;  // stand ages where the accounting starts
  ao.carbon.map_year = cfg.years.front().year;
  ao.carbon.forest_inventory_raster = observed.inventory_raster;
  for (int y : ctx.products.years) ao.stock_outputs.push_back(ctx.out(run_products::stock(y)));
  auto const intervals = ctx.products.intervals();
  for (auto const& [a, b] : intervals) ao.flux_outputs.push_back(ctx.out(run_products::sink(a, b)));
  ao.state_output = ctx.out(run_products::state(ctx.products.years.back()));
  ao.output_options = ctx.output_options;
  ao.run = ctx.run;
  accounting_layout const L = layout_of(ao);
  r.first_flux_map = ctx.products.state_year != 0 ? 0 : 1;

  if (!cfg.harvest.empty()) {
    r.removals = plan_run_removals(ctx, ao, L, r.first_flux_map);
    for (auto const& w : r.removals->warnings) warnings.push_back(w);
  }
  accounting_sums::options so;
  so.layout = L;
  so.first_flux_map = r.first_flux_map;
  so.intervals = intervals;
  so.soil_depths = ctx.model.soil_depths;
  so.forest_statistics = ctx.model.statistics.has_value();
  so.removals = r.removals.has_value();
  r.sums = std::make_unique<accounting_sums>(*ctx.zones, *ctx.areas, so);
  ao.reducer = [sums = r.sums.get()](int, pipeline::window const& w, float const* planes) { sums->add(w, planes); };
  if (cfg.cube && ctx.grid) {
    std::vector<int> cube_years = ctx.products.years;
    if (ctx.products.state_year != 0) cube_years.insert(cube_years.begin(), ctx.products.state_year);
    std::vector<io::cube_variable> vars = {{"c_total", "total carbon stock (IPCC pools), accounted", "Mg C/ha", false},
                                           {"sink_c", "carbon sink, positive = uptake", "Mg C/ha/yr", true}};
    if (observed.start_mc && cfg.mc_map)
      vars.push_back({"c_total_sd", "SD of total carbon over the Monte Carlo iterations", "Mg C/ha", false});
    r.cube = std::make_unique<io::netcdf_cube>(ctx.out("carbon_cube.nc"), cube_years, *ctx.grid, vars);
    int const shift = ctx.products.state_year != 0 ? 1 : 0;
    ao.observer = [cube = r.cube.get(), L, shift](int, pipeline::window const& w, float const* planes) {
      std::size_t const n = w.pixels();
      if (shift) cube->write("c_total", 0, w, plane(planes, n, L.flux(0, kernels::fb_stock_before)));
      for (int y = 0; y < L.years; ++y) cube->write("c_total", y + shift, w, plane(planes, n, L.stock(y, kernels::sb_c_total)));
      for (int t = 0; t < L.intervals; ++t) cube->write("sink_c", t, w, plane(planes, n, L.flux(t, kernels::fb_net)));
    };
  }
  r.result = run_accounting_job(ao);
  // The Monte Carlo through the accounting: every year's stock and every sink get intervals.
  if (cfg.mc.active()) {
    r.trajectories = run_accounting_montecarlo(ao, cfg.mc, *ctx.zones);
    for (auto const& w : r.trajectories->warnings) warnings.push_back("uncertainty: " + w);
  }
  if (!ao.harvest_zones.empty()) fs::remove(ao.harvest_zones);                    // a temporary: not published
  if (!observed.inventory_raster.empty()) fs::remove(observed.inventory_raster);  // likewise
  // The accounting repeats some of the stock job's warnings (the region check): said once.
  std::vector<std::string> earlier = ctx.warnings;
  earlier.insert(earlier.end(), warnings.begin(), warnings.end());
  for (auto const& w : r.result.warnings)
    if (std::find(earlier.begin(), earlier.end(), w) == earlier.end()) warnings.push_back("accounting: " + w);
  r.record.manifest["accounting"] = {{"confirm_years", cfg.confirm_years},
                                     {"wetland_restoration", cfg.wetland_restoration},
                                     {"wetland_soil", ctx.model.wetland_soil},
                                     {"harvest", cfg.harvest},
                                     {"transition_years", cfg.transition_years},
                                     {"start_state", cfg.start_state},
                                     {"state", ao.state_output},
                                     {"notes", r.result.notes},
                                     {"device", r.result.stream.device},
                                     {"seconds", r.result.stream.seconds},
                                     {"rules", "IPCC 2006 Vol. 4 Ch. 2 (kernels/accounting_stage.hpp, README 'Carbon accounting')"}};
  r.record.files.push_back(ao.state_output);
  if (r.trajectories && !r.trajectories->series.empty()) {
    // The whole series' intervals (IPCC 2006 Vol. 1 Ch. 3 Approach 2 on the trend): the same
    // draws for every year, so the mean annual sink and the stock trend are per-iteration
    // quantities with their own 95 % intervals.
    nlohmann::json series = nlohmann::json::array();
    for (auto const& s : r.trajectories->series) {
      nlohmann::json e = {{"zone", s.zone}, {"from", s.from}, {"to", s.to},
                          {"mean_annual_sink_mgc_per_yr", summary_json(s.mean_annual_sink)}};
      if (s.stock_trend) e["stock_trend_mgc_per_yr"] = summary_json(*s.stock_trend);
      series.push_back(e);
    }
    r.record.manifest["series_uncertainty"] = series;
  }
  if (ctx.model.statistics) {
    auto const check = check_against_statistics(*ctx.model.statistics, *r.sums, ctx.products.years, intervals);
    r.record.manifest["statistics_check"] = check.manifest;
    r.statistics_lines = check.lines;
    for (auto const& w : check.warnings) warnings.push_back(w);
  }
  if (observed.start_mc && r.cube && cfg.mc_map)
    r.cube->copy_from("c_total_sd", 0, ctx.out("stock_" + run_products::tag(ctx.products.years.front()) + "_sd.tif"), 1);
  return r;
}

}  // namespace sinkmap::jobs
