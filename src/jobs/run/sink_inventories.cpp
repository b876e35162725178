#include "jobs/run/sink_inventories.hpp"

#include "core/error.hpp"
#include "inventory/soil_depths.hpp"
#include "io/overviews.hpp"
#include "io/quicklook.hpp"
#include "jobs/accounting_job.hpp"
#include "jobs/montecarlo_job.hpp"
#include "jobs/run/coverage_json.hpp"
#include "jobs/sink_job.hpp"

#include <cmath>
#include <cstdio>

namespace sinkmap::jobs {
using namespace sinkmap::zonal;

sink_inventories inventory_sinks(run_context const& ctx, accounted_years const& accounted,
                                 stock_inventories const& stocks)
{
  auto const& cfg = ctx.cfg;
  auto const& ar = accounted.result;
  auto const& sums = *accounted.sums;
  auto const intervals = ctx.products.intervals();
  auto const zone_names = ctx.zone_names();
  sink_inventories r;
  r.record.step = "sink inventories";
  auto& warnings = r.record.warnings;
  for (std::size_t t = 0; t < intervals.size(); ++t) {
    auto const [y0, y1] = intervals[t];
    std::string const pair = run_products::pair(y0, y1);
    std::string const where = "sink " + run_products::tag(y0) + "-" + run_products::tag(y1);
    std::string const map = accounted.options.flux_outputs[t];
    r.record.files.push_back(map);
    if (cfg.overviews && !ctx.output_options.cog) io::add_overviews(map, "AVERAGE");  // a COG has its own
    check_impossible_pixels(sums.categories[t]->impossible(), map);
    check_impossible_pixels(sums.transitions[t]->impossible(), map);
    auto ci = make_category_inventory(*sums.categories[t], *ctx.zones, ar.class_names, &ipcc_category_name);
    auto const si = make_sink_inventory(sums.transitions[t]->table(), *ctx.zones, ar.class_names);
    // The mass balance: stock(t2) - stock(t1) = the pool fluxes between, per zone, to rounding.
    nlohmann::json balance = nlohmann::json::array();
    for (auto const& b : ci.balance) {
      balance.push_back({{"zone", b.zone}, {"stock_before_mgc", b.stock_before}, {"stock_after_mgc", b.stock_after},
                         {"pool_fluxes_mgc", b.pool_fluxes}, {"residual_mgc", b.residual},
                         {"relative_residual", b.relative}});
      SINKMAP_EXPECTS(b.relative <= max_relative_residual, runtime_failure,
                      where + ", zone " + b.zone + ": the stock changed by " + std::to_string(b.stock_after - b.stock_before) +
                        " Mg C but the fluxes sum to " + std::to_string(b.pool_fluxes) +
                        " Mg C (relative residual " + std::to_string(b.relative) +
                        " > 1e-6): a bug in the accounting, please report it with this run's config");
    }
    // Wood removals: the statistics against what the forest could give (a stand gives at most
    // its biomass; a class without a BCEF table gives none).
    nlohmann::json wood = nlohmann::json::array();
    if (accounted.removals) {
      auto const& removals = *accounted.removals;
      std::size_t const y2 = t + std::size_t(accounted.first_flux_map);
      for (std::size_t z = 0; z < zone_names.size(); ++z) {
        if (std::isnan(removals.m3_per_ha[z][y2]) && removals.m3[z][y2] == 0) continue;
        double const stat = removals.m3[z][y2], booked = sums.booked_m3[z][t].value();
        // The statistic is roundwood (Eq. 2.12) plus fuelwood as whole trees (Eq. 2.13, FG_trees).
        wood.push_back({{"zone", zone_names[z]}, {"statistic_m3", stat},
                        {"roundwood_m3", stat - removals.fuelwood_m3[z][y2]},
                        {"fuelwood_trees_m3", removals.fuelwood_m3[z][y2]}, {"booked_m3", booked},
                        {"not_booked_m3", stat - booked}});
        if (stat - booked > 1e-6 * stat + 1e-6)
          warnings.push_back(where + ": zone " + zone_names[z] + ": " + std::to_string(stat - booked) + " of " +
                             std::to_string(stat) + " m3 of wood removals not booked (the forest there holds less "
                             "biomass, or its class has no BCEF in the model)");
      }
    }
    nlohmann::json events = nlohmann::json::array();
    for (auto const& b : ci.balance) {
      events.push_back({{"zone", b.zone}, {"converted_ha", b.converted_ha}, {"disturbed_ha", b.disturbed_ha},
                        {"unconfirmed_change_ha", b.unconfirmed_ha}, {"pending_change_ha", b.pending_ha},
                        {"forest_without_growth_rate_ha", b.no_rate_ha}});
      if (b.zone != "*" && b.no_rate_ha > 0)
        warnings.push_back(where + ": zone " + b.zone + ": " + std::to_string(b.no_rate_ha) +
                           " ha of forest whose class has no growth rate in the model: no growth booked there");
    }
    auto& sinv = ci.by_class;
    std::map<int, inventory> soil_flux;
    for (auto const& [d, acc] : sums.soil_flux[t]) soil_flux[d] = make_inventory(acc->table(), *ctx.zones, true, ar.class_names);
    apply_soil_depths(sinv, ctx.model.soil_depths, soil_flux);
    if (accounted.trajectories) {
      // Intervals for the zone subtotals and the total (the trajectories are summed by the class
      // at the interval's end, not by IPCC category: the category rows have none).
      auto const& tm = accounted.trajectories->sinks[t];
      for (auto& row : sinv.rows)
        if (row.cls == "*")
          if (auto it = tm.rows.find({row.zone, "*"}); it != tm.rows.end()) row.mc = it->second;
      if (auto it = tm.rows.find({"*", "*"}); it != tm.rows.end()) {
        sinv.total.mc = it->second;
        // A mean away from the deterministic sink beyond the Monte Carlo's own error: skewed or
        // clipped draws (a wide normal cut at zero, growth capped at the mature stock).
        double const det = sinv.total.total, mean = it->second[0].mean;
        double const se = it->second[0].sd / std::sqrt(double(tm.iterations));
        if (std::abs(mean - det) > 3 * se + 1e-9 * std::abs(det) && std::abs(mean - det) > 0.01 * std::abs(det)) {
          char buf[400];
          std::snprintf(buf, sizeof buf,
                        "%s: the Monte Carlo mean sink %.6g Mg C/yr differs from the deterministic %.6g by more than 3 "
                        "standard errors: skewed or clipped draws (a wide normal cut at zero, growth capped at the "
                        "mature stock) move it; report the deterministic sink with the interval, or review the model's "
                        "distributions",
                        where.c_str(), mean, det);
          warnings.push_back(buf);
        }
      }
    }
    for (auto const& w : coverage_warnings(sinv, where)) warnings.push_back(w);
    // Both maps of the interval in this run (not the start state's year): compare their coverage
    // and land-cover product versions.
    if (std::size_t const y2 = t + std::size_t(accounted.first_flux_map); y2 >= 1) {
      std::size_t const a = y2 - 1;
      for (auto const& w : coverage_change_warnings(stocks.inventories[a], stocks.inventories[a + 1], where))
        warnings.push_back(w);
      if (auto w = product_version_warning(cfg.years[a].landcover, cfg.years[a + 1].landcover))
        r.record.warn_once(where + ": " + *w, ctx.warnings);
    }
    std::string const csv = ctx.out("inventory_sink_" + pair + ".csv");
    write_inventory(sinv, csv, map, cfg.zones, cfg.zone_field, cfg.lang);
    for (auto const& f : inventory_outputs(csv)) r.record.files.push_back(f);
    write_category_table(ci, ctx.out("categories_" + pair + ".csv"), map, cfg.zones);
    r.record.files.push_back(ctx.out("categories_" + pair + ".csv"));
    r.record.files.push_back(ctx.out("categories_" + pair + ".json"));
    write_transitions(si.transitions, ctx.out("transitions_" + pair + ".csv"), map, cfg.zones);
    r.record.files.push_back(ctx.out("transitions_" + pair + ".csv"));
    r.record.files.push_back(ctx.out("transitions_" + pair + ".json"));
    if (cfg.quicklooks) {
      io::write_quicklook(map, kernels::fb_net + 1, ctx.out("quicklook_sink_" + pair + ".png"),
                          {"Carbon sink " + run_products::tag(y0) + "-" + run_products::tag(y1) + " (+ = uptake)",
                           "Mg C/ha/yr", true, 1024});
      r.record.files.push_back(ctx.out("quicklook_sink_" + pair + ".png"));
    }
    nlohmann::json categories = nlohmann::json::array();
    for (auto const& c : ci.categories)
      categories.push_back({{"zone", c.zone}, {"ipcc_category", c.category}, {"area_ha", c.area_ha},
                            {"gains_mgc_per_yr", c.gains}, {"losses_mgc_per_yr", c.losses}, {"sink_mgc_per_yr", c.net},
                            {"biomass_mgc_per_yr", c.biomass}, {"dom_mgc_per_yr", c.dom}, {"soil_mgc_per_yr", c.soil}});
    nlohmann::json entry = {{"from", y0},
                            {"to", y1},
                            {"sink", map},
                            {"method", "accounting"},
                            {"inventory", csv},
                            {"categories", categories},
                            {"mass_balance", balance},
                            {"events", events},
                            {"wood_removals", wood},
                            {"transitions", ctx.out("transitions_" + pair + ".csv")},
                            {"total_mgc_per_yr", sinv.total.total},
                            {"total_co2e_t_per_yr", sinv.total.co2e},
                            {"gains_mgc_per_yr", sinv.total.gains},
                            {"losses_mgc_per_yr", sinv.total.losses},
                            {"coverage", coverage_json(sinv)}};
    if (accounted.trajectories) uncertainty::add_total_fields(entry, accounted.trajectories->sinks[t]);
    r.record.manifest["sinks"].push_back(entry);
    report::report_sink rs;
    rs.from = y0;
    rs.to = y1;
    rs.map = map;
    rs.inventory = sinv;
    rs.transitions = si.transitions;
    rs.categories = ci.categories;
    rs.balance = ci.balance;
    r.report.push_back(std::move(rs));
  }
  return r;
}

}  // namespace sinkmap::jobs
