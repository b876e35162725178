#include "jobs/run/observed_stocks.hpp"

#include "io/forest_inventory.hpp"
#include "jobs/stock_job.hpp"

#include <algorithm>
#include <cmath>

namespace sinkmap::jobs {
using namespace sinkmap::zonal;

observed_years observe_years(run_context& ctx)
{
  auto const& cfg = ctx.cfg;
  observed_years r;
  r.record.step = "observed stocks";
  r.year_json.resize(cfg.years.size());
  auto& warnings = r.record.warnings;
  for (std::size_t k = 0; k < cfg.years.size(); ++k) {
    auto const& y = cfg.years[k];
    std::string const tag = run_products::tag(y.year);
    stock_job_options o;
    o.scenes = y.scenes;
    o.scene_options = y.scene_options;
    o.composite = y.composite;
    if (y.composite && y.keep_composite) o.composite_output = ctx.out("composite_" + tag + ".tif");
    o.with_nbr = true;  // the accounting's disturbance test
    o.with_agb_input = cfg.mc.active();
    o.carbon = cfg.carbon;
    o.carbon.landcover = y.landcover;
    o.carbon.crosswalk = y.crosswalk;
    o.carbon.forest_type = y.forest_type;
    o.carbon.forest_age = y.forest_age;
    o.carbon.map_year = y.year;
    o.carbon.forest_inventory_raster = r.inventory_raster;
    o.output = ctx.out(run_products::observed(y.year));
    o.output_bands = cfg.stock_bands;
    if (!o.output_bands.empty())  // what the accounting reads
      for (char const* b : {"c_above", "c_below", "c_dead", "c_soil", "c_total", "ecosystem_class"})
        if (std::find(o.output_bands.begin(), o.output_bands.end(), b) == o.output_bands.end()) o.output_bands.push_back(b);
    o.output_options = ctx.output_options;
    o.output_options.metadata["SINKMAP_YEAR"] = tag;
    o.output_options.metadata["SINKMAP_PRODUCT"] = "observed carbon stock (the year's map and the model's tables)";
    o.run = ctx.run;
    // Zones, cell areas and the cube need the grid, which the stock job knows once it has opened
    // the scene: it calls on_grid then, before the first tile. Every year must share the grid.
    o.on_grid = [&](io::raster_grid const& g) {
      if (!ctx.grid) {
        ctx.grid = g;
        ctx.zones = std::make_unique<io::zone_set>(cfg.zones, cfg.zone_field, g);
        for (auto const& n : ctx.zones->notes()) warnings.push_back(n);
        ctx.areas = std::make_unique<io::cell_area>(g);
      } else {
        io::check_same_grid(*ctx.grid, "year " + run_products::tag(cfg.years.front().year), g, "year " + tag);
      }
    };
    auto const s = run_stock_job(o);
    r.record.files.push_back(o.output);
    if (k == 0 && cfg.carbon.forest_inventory.given()) {
      // Burnt once onto the grid for the later years, the accounting and the Monte Carlo; and
      // where it and the first year's map disagree about forest, per zone.
      auto const& fi = cfg.carbon.forest_inventory;
      auto const model = jobs::load_model(cfg.carbon);
      r.inventory_raster = ctx.out(".forest_inventory.tif");
      io::burn_forest_inventory(fi, io::read_forest_inventory(fi, model), *ctx.grid, r.inventory_raster);
      r.inventory_agreement =
        zonal::forest_inventory_agreement(o.output, r.inventory_raster, model.tables->group_of, *ctx.zones, *ctx.areas);
      r.record.manifest["forest_inventory"] = {{"file", fi.file}, {"survey_year", fi.year}, {"compared_with_year", y.year},
                                               {"agreement", zonal::to_json(r.inventory_agreement)}};
      r.inventory_note = "forest inventory " + fi.file + " (survey " + std::to_string(fi.year) + ") against the " +
                         std::to_string(y.year) + " land-cover map";
      if (r.inventory_agreement.back().inventory_only_ha > 0)
        warnings.push_back("forest inventory " + fi.file + ": " +
                           std::to_string(long(std::lround(r.inventory_agreement.back().inventory_only_ha))) +
                           " ha inside its polygons are not forest on the " + std::to_string(y.year) +
                           " land-cover map (they keep the map's class; per zone in run.json forest_inventory.agreement)");
    }
    if (!s.class_raster.empty()) r.record.add_with_sidecar(s.class_raster);
    if (!o.composite_output.empty()) r.record.files.push_back(o.composite_output);
    r.maps.push_back(o.output);
    if (cfg.mc.active() && k == 0 && cfg.start_state.empty()) {
      // The accounting starts from this map: its Monte Carlo is the first year's.
      uncertainty::mc_options mc = cfg.mc;
      if (cfg.mc_map) mc.sd_output = ctx.out("stock_" + tag + "_sd.tif");
      mc.sd_options = ctx.output_options;
      r.start_mc = uncertainty::run_stock_montecarlo(o.output, {cfg.zones, cfg.zone_field}, o.carbon, mc, ctx.run);
      if (cfg.mc_map) r.record.files.push_back(mc.sd_output);
      for (auto const& w : r.start_mc->warnings) warnings.push_back("year " + tag + " uncertainty: " + w);
    }
    for (auto const& w : s.warnings) warnings.push_back("year " + tag + ": " + w);
    r.year_json[k] = {{"year", y.year},
                      {"observed_stock", o.output},
                      {"notes", s.notes},
                      {"warnings", s.warnings},
                      {"provenance", s.provenance},
                      {"device", s.stream.device},
                      {"seconds", s.stream.seconds}};
    if (k == 0)
      for (auto const& [key, v] : s.provenance)
        if (key.rfind("SINKMAP_", 0) == 0) r.provenance[key] = v;
  }
  return r;
}

}  // namespace sinkmap::jobs
