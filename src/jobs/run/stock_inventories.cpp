#include "jobs/run/stock_inventories.hpp"

#include "inventory/soil_depths.hpp"
#include "io/class_raster.hpp"
#include "io/overviews.hpp"
#include "io/quicklook.hpp"
#include "jobs/montecarlo_job.hpp"
#include "jobs/run/coverage_json.hpp"

#include <algorithm>

namespace sinkmap::jobs {
using namespace sinkmap::zonal;

stock_inventories inventory_stocks(run_context const& ctx, observed_years const& observed, accounted_years const& accounted)
{
  auto const& cfg = ctx.cfg;
  auto const& ar = accounted.result;
  stock_inventories r;
  r.record.step = "stock inventories";
  r.record.manifest["years"] = nlohmann::json::array();
  auto& warnings = r.record.warnings;
  for (std::size_t k = 0; k < cfg.years.size(); ++k) {
    int const yr = ctx.products.years[k];
    std::string const tag = run_products::tag(yr);
    std::string const map = accounted.options.stock_outputs[k];
    r.record.files.push_back(map);
    std::string const classes = io::class_raster_beside(map);
    io::write_class_raster(map, kernels::sb_class + 1, ar.class_names, ar.class_groups, classes,
                           ctx.output_options.cog, cfg.overviews);
    r.record.add_with_sidecar(classes);
    if (cfg.overviews && !ctx.output_options.cog) {  // a COG has its own
      io::add_overviews(map, "AVERAGE");
      io::add_overviews(classes, "MODE");
      io::add_overviews(observed.maps[k], "AVERAGE");
    }
    check_impossible_pixels(accounted.sums->stock[k]->impossible(), map);
    auto inv = make_inventory(accounted.sums->stock[k]->table(), *ctx.zones, false, ar.class_names);
    std::map<int, inventory> soil;
    for (auto const& [d, acc] : accounted.sums->soil[k]) soil[d] = make_inventory(acc->table(), *ctx.zones, false, ar.class_names);
    apply_soil_depths(inv, ctx.model.soil_depths, soil);
    nlohmann::json year = observed.year_json[k];
    // The start map's own Monte Carlo (with the confusion matrix and the SD map), else the
    // accounting's trajectories.
    uncertainty::mc_totals const* mc = k == 0 && observed.start_mc ? &*observed.start_mc
                                       : accounted.trajectories      ? &accounted.trajectories->stocks[k]
                                                                     : nullptr;
    if (mc) {
      std::size_t const before_mc = inv.warnings.size();
      uncertainty::attach_uncertainty(inv, *mc);
      uncertainty::add_total_fields(year, *mc);
      // What attaching found (a mean drifting from the deterministic total, a row without a
      // Monte Carlo total) is a warning of the run, as the sinks' are; the Monte Carlo's own
      // warnings were given already.
      for (std::size_t i = before_mc; i < inv.warnings.size(); ++i) {
        if (std::find(mc->warnings.begin(), mc->warnings.end(), inv.warnings[i]) != mc->warnings.end()) continue;
        r.record.warn_once("year " + tag + " uncertainty: " + inv.warnings[i], ctx.warnings);
      }
    }
    for (auto const& w : coverage_warnings(inv, "year " + tag + " stock")) warnings.push_back(w);
    std::string const csv = ctx.out("inventory_" + tag + ".csv");
    write_inventory(inv, csv, map, cfg.zones, cfg.zone_field, cfg.lang);
    for (auto const& f : inventory_outputs(csv)) r.record.files.push_back(f);
    if (cfg.quicklooks) {
      io::write_quicklook(map, kernels::sb_c_total + 1, ctx.out("quicklook_stock_" + tag + ".png"),
                          {"Carbon stock " + tag + " (c_total, accounted)", "Mg C / ha", false, 1024});
      r.record.files.push_back(ctx.out("quicklook_stock_" + tag + ".png"));
    }
    year["stock"] = map;
    year["inventory"] = csv;
    year["total_mgc"] = inv.total.total;
    year["total_co2e_t"] = inv.total.co2e;
    year["coverage"] = coverage_json(inv);
    r.record.manifest["years"].push_back(year);
    r.report.push_back({yr, map, classes, kernels::sb_c_total + 1, inv});
    r.inventories.push_back(inv);
  }
  return r;
}

}  // namespace sinkmap::jobs
