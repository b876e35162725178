#include "jobs/run_job.hpp"

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/input_registry.hpp"
#include "io/atomic_output.hpp"
#include "io/cell_area.hpp"
#include "io/netcdf_cube.hpp"
#include "io/overviews.hpp"
#include "io/quicklook.hpp"
#include "io/run_lock.hpp"
#include "io/run_staging.hpp"
#include "io/forest_inventory.hpp"
#include "io/zones.hpp"
#include "inventory/category_flows.hpp"
#include "inventory/soil_depths.hpp"
#include "inventory/forest_inventory_agreement.hpp"
#include "inventory/wetland_area.hpp"
#include "io/class_raster.hpp"
#include "jobs/accounting_job.hpp"
#include "jobs/accounting_montecarlo.hpp"
#include "jobs/blue_carbon_job.hpp"
#include "jobs/read_only_kernel.hpp"
#include "sinkmap/kernels/blue_carbon_stage.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/sink_inventory.hpp"
#include "jobs/sink_job.hpp"
#include "jobs/stock_job.hpp"
#include "jobs/trend_job.hpp"
#include "jobs/wood_removals.hpp"
#include "models/forest_statistics.hpp"
#include "report/report_language.hpp"
#include "report/run_report.hpp"
#include "uncertainty/confusion.hpp"
#include "jobs/montecarlo_job.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

namespace sinkmap::jobs {
namespace {

namespace fs = std::filesystem;

std::string year_tag(int y) { return std::to_string(y); }

// A class raster's category names live in GDAL's .aux.xml sidecar: the manifest lists both, so
// whoever copies the listed files keeps the names.
void push_with_sidecar(std::vector<std::string>& files, std::string const& raster)
{
  files.push_back(raster);
  if (std::filesystem::exists(raster + ".aux.xml")) files.push_back(raster + ".aux.xml");
}

// "year 2008: X", "sink 2008-2009: X", ... with the same X become one "year 2008, sink
// 2008-2009, ...: X" (the region check, say, says the same of every map).
std::vector<std::string> merge_repeated(std::vector<std::string> const& warnings)
{
  std::vector<std::pair<std::string, std::vector<std::string>>> by_text;  // first-seen order
  // Only a run's own places are merged: a sentence with ": " inside it (the wetland flag) is not
  // split at it, so two different flags never read as one.
  static std::regex const place(R"(^(year \d+( stock| uncertainty)?|sink \d+-\d+|accounting|uncertainty)$)");
  for (auto const& w : warnings) {
    std::size_t colon = w.find(": ");
    if (colon != std::string::npos && !std::regex_match(w.substr(0, colon), place)) colon = std::string::npos;
    std::string const where = colon == std::string::npos ? "" : w.substr(0, colon);
    std::string const text = colon == std::string::npos ? w : w.substr(colon + 2);
    auto it = std::find_if(by_text.begin(), by_text.end(), [&](auto const& e) { return e.first == text; });
    if (it == by_text.end()) by_text.push_back({text, {where}});
    else if (std::find(it->second.begin(), it->second.end(), where) == it->second.end()) it->second.push_back(where);
  }
  std::vector<std::string> out;
  for (auto const& [text, wheres] : by_text) {
    std::string w;
    for (auto const& x : wheres) w += (w.empty() ? "" : ", ") + x;
    out.push_back(w.empty() ? text : w + ": " + text);
  }
  return out;
}

// Every path a published file records names the output folder, not the staging folder.
void publish_paths(nlohmann::json& j)
{
  if (j.is_string()) j = io::published_path(j.get<std::string>());
  else if (j.is_array() || j.is_object())
    for (auto& e : j) publish_paths(e);
}

// The files a run publishes, by name: declared once, checked before the first byte against the
// run's inputs, and the names every step below writes.
struct run_products {
  std::vector<int> years;
  int state_year = 0;  // 0: fresh start
  static std::string observed(int y) { return "observed_stock_" + std::to_string(y) + ".tif"; }
  static std::string stock(int y) { return "stock_" + std::to_string(y) + ".tif"; }
  static std::string pair(int a, int b) { return std::to_string(a) + "_" + std::to_string(b); }
  static std::string sink(int a, int b) { return "sink_" + pair(a, b) + ".tif"; }
  static std::string state(int y) { return "state_" + std::to_string(y) + ".tif"; }
  /// (from, to) of every interval the accounting books.
  [[nodiscard]] std::vector<std::pair<int, int>> intervals() const
  {
    std::vector<std::pair<int, int>> out;
    if (state_year != 0 && !years.empty()) out.push_back({state_year, years.front()});
    for (std::size_t k = 1; k < years.size(); ++k) out.push_back({years[k - 1], years[k]});
    return out;
  }
  [[nodiscard]] std::vector<std::string> names() const
  {
    std::vector<std::string> n = {"run.json", "report.html", "carbon_cube.nc", state(years.back())};
    for (int y : years) {
      std::string const t = std::to_string(y);
      for (std::string const& f : {observed(y), "observed_stock_" + t + "_classes.tif", stock(y), "stock_" + t + "_classes.tif",
                                   "stock_" + t + "_sd.tif", "inventory_" + t + ".csv", "inventory_" + t + ".json",
                                   "inventory_" + t + ".gpkg", "composite_" + t + ".tif", "quicklook_stock_" + t + ".png"})
        n.push_back(f);
    }
    for (auto const& [a, b] : intervals()) {
      std::string const p = pair(a, b);
      for (std::string const& f : {sink(a, b), "inventory_sink_" + p + ".csv", "inventory_sink_" + p + ".json",
                                   "inventory_sink_" + p + ".gpkg", "categories_" + p + ".csv", "categories_" + p + ".json",
                                   "transitions_" + p + ".csv", "transitions_" + p + ".json", "quicklook_sink_" + p + ".png"})
        n.push_back(f);
    }
    if (years.size() >= 1) {
      std::string const span = std::to_string(years.front()) + "_" + std::to_string(years.back());
      for (std::string const& f : {"trend_" + span + ".tif", "inventory_trend_" + span + ".csv",
                                   "inventory_trend_" + span + ".json", "inventory_trend_" + span + ".gpkg"})
        n.push_back(f);
    }
    return n;
  }
};

// What can be checked before the first output is written: the names the run will publish are
// none of its inputs (a config saved as OUTPUT/run.json), every year's files and the start state
// are there, and the confusion matrix is well-formed.
void check_before_writing(run_config const& cfg, run_products const& products, io::run_staging const& staging)
{
  std::vector<output_target> targets;
  for (auto const& n : products.names())
    targets.push_back({staging.final_path(n), "output = '" + cfg.output_dir + "'"});
  check_output_targets(targets);
  // Every year's files exist before the first year is computed (GDAL's /vsi paths and product
  // folders are opened later, with their own messages).
  auto exists = [&](std::string const& f, std::string const& what) {
    SINKMAP_EXPECTS(f.empty() || f.rfind("/vsi", 0) == 0 || fs::exists(f), bad_input,
                    cfg.file + ": " + what + ": no file '" + f + "'");
  };
  exists(cfg.zones, "[zones] file");
  exists(cfg.start_state, "start_state");
  if (!cfg.harvest.empty()) (void)read_wood_removals(cfg.harvest, nullptr);  // the zones are checked on the grid
  if (!cfg.statistics.empty()) (void)models::load_forest_statistics(cfg.statistics);
  if (cfg.carbon.forest_inventory.given()) {
    // Every polygon's fields are checked before anything is computed.
    (void)io::read_forest_inventory(cfg.carbon.forest_inventory, jobs::load_model(cfg.carbon));
    for (auto const& y : cfg.years)
      SINKMAP_EXPECTS(y.forest_type.empty() && y.forest_age.empty(), bad_input,
                      cfg.file + ": year " + std::to_string(y.year) +
                        ": forest_type / forest_age maps and [forest_inventory]: give one, not both");
  }
  for (auto const& y : cfg.years) {
    std::string const at = "year " + std::to_string(y.year);
    for (auto const& sc : y.scenes) exists(sc, at + " scenes");
    exists(y.landcover, at + " landcover");
    exists(y.forest_type, at + " forest_type");
    exists(y.forest_age, at + " forest_age");
  }
  if (cfg.mc.active() && !cfg.mc.confusion.empty()) {
    SINKMAP_EXPECTS(fs::is_regular_file(cfg.mc.confusion), bad_input,
                    "[uncertainty] landcover_confusion: no file '" + cfg.mc.confusion + "'");
    std::string const cw = cfg.mc.confusion_crosswalk.empty() ? cfg.years.front().crosswalk : cfg.mc.confusion_crosswalk;
    if (!cw.empty()) {
      auto const model = models::load_carbon_model(cfg.carbon.model);
      auto const codes = models::class_lookup(models::load_crosswalk(models::resolve_crosswalk_path(cw, model)), model);
      (void)uncertainty::read_confusion(cfg.mc.confusion, model, codes);
    }
  }
}

nlohmann::json coverage_json(inventory const& inv)
{
  nlohmann::json c = nlohmann::json::array();
  for (auto const& z : inv.coverage)
    c.push_back({{"zone", z.zone}, {"mapped_fraction", z.mapped_fraction}, {"mapped_ha", z.mapped_ha},
                 {"unmapped_ha", z.unmapped_ha}, {"outside_map_ha", z.outside_ha}, {"zone_area_ha", z.zone_area_ha}});
  return c;
}


}  // namespace

run_outputs run_one_map(run_config const& cfg, run_settings const& run,
                        io::raster_output_options const& output_options)
{
  fs::create_directories(cfg.output_dir);
  io::run_lock const lock(cfg.output_dir);
  // Everything is written into a staging folder and published only when the run succeeded
  // (io/run_staging.hpp): the previous run in the folder stays whole until then.
  io::run_staging staging(cfg.output_dir, "run.json");
  run_products products;
  for (auto const& y : cfg.years) products.years.push_back(y.year);
  if (!cfg.start_state.empty()) {
    SINKMAP_EXPECTS(fs::is_regular_file(cfg.start_state), bad_input,
                    cfg.file + ": start_state: no file '" + cfg.start_state + "'");
    products.state_year = start_state_year(cfg.start_state);
  }
  check_before_writing(cfg, products, staging);
  auto const out = [&](std::string const& name) { return staging.path(name); };
  run_outputs result;
  nlohmann::json manifest = {{"config", cfg.file}, {"model", cfg.carbon.model}, {"zones", cfg.zones}};
  std::vector<std::string> warnings;
  if (cfg.sink_method != "auto")
    warnings.push_back("sink_method = '" + cfg.sink_method + "' applies to `sinkmap sink`; a run books its sinks "
                       "through the yearly carbon accounting (previous stock plus the year's fluxes)");

  std::vector<int> cube_years = products.years;
  if (products.state_year != 0) cube_years.insert(cube_years.begin(), products.state_year);
  std::unique_ptr<io::netcdf_cube> cube;
  std::optional<io::raster_grid> grid;
  std::unique_ptr<io::zone_set> zones;
  std::unique_ptr<io::cell_area> areas;

  report::run_report rep;
  rep.lang = cfg.lang;
  rep.title = report::report_language(cfg.lang).tr("Carbon stock and sink") + ": " + fs::path(cfg.output_dir).filename().string();
  rep.config = cfg.file;
  rep.output_dir = cfg.output_dir;
  rep.zones_file = cfg.zones;
  rep.zone_field = cfg.zone_field;

  // 1. Each year's observed stock: the year's map and the model's tables or imagery models.
  //    The first year (of a fresh start) is where the accounting starts; every year gives the
  //    classes and NBR the accounting confirms changes with.
  std::vector<std::string> observed;
  std::string inventory_raster;  // the forest inventory burnt onto the grid (after the first year)
  std::vector<nlohmann::json> year_json(cfg.years.size());
  std::optional<uncertainty::mc_totals> start_mc;
  for (std::size_t k = 0; k < cfg.years.size(); ++k) {
    auto const& y = cfg.years[k];
    std::string const tag = year_tag(y.year);
    stock_job_options o;
    o.scenes = y.scenes;
    o.scene_options = y.scene_options;
    o.composite = y.composite;
    if (y.composite && y.keep_composite) o.composite_output = out("composite_" + tag + ".tif");
    o.with_nbr = true;  // the accounting's disturbance test
    o.with_agb_input = cfg.mc.active();
    o.carbon = cfg.carbon;
    o.carbon.landcover = y.landcover;
    o.carbon.crosswalk = y.crosswalk;
    o.carbon.forest_type = y.forest_type;
    o.carbon.forest_age = y.forest_age;
    o.carbon.map_year = y.year;
    o.carbon.forest_inventory_raster = inventory_raster;
    o.output = out(run_products::observed(y.year));
    o.output_bands = cfg.stock_bands;
    if (!o.output_bands.empty())  // what the accounting reads
      for (char const* b : {"c_above", "c_below", "c_dead", "c_soil", "c_total", "ecosystem_class"})
        if (std::find(o.output_bands.begin(), o.output_bands.end(), b) == o.output_bands.end()) o.output_bands.push_back(b);
    o.output_options = output_options;
    o.output_options.metadata["SINKMAP_YEAR"] = tag;
    o.output_options.metadata["SINKMAP_PRODUCT"] = "observed carbon stock (the year's map and the model's tables)";
    o.run = run;
    // Zones, cell areas and the cube need the grid, which the stock job knows once it has opened
    // the scene: it calls on_grid then, before the first tile. Every year must share the grid.
    o.on_grid = [&](io::raster_grid const& g) {
      if (!grid) {
        grid = g;
        zones = std::make_unique<io::zone_set>(cfg.zones, cfg.zone_field, g);
        for (auto const& n : zones->notes()) warnings.push_back(n);
        areas = std::make_unique<io::cell_area>(g);
      } else {
        io::check_same_grid(*grid, "year " + year_tag(cfg.years.front().year), g, "year " + tag);
      }
    };
    auto const r = run_stock_job(o);
    result.files.push_back(o.output);
    if (k == 0 && cfg.carbon.forest_inventory.given()) {
      // Burnt once onto the grid for the later years, the accounting and the Monte Carlo; and
      // where it and the first year's map disagree about forest, per zone.
      auto const& fi = cfg.carbon.forest_inventory;
      auto const model = jobs::load_model(cfg.carbon);
      inventory_raster = out(".forest_inventory.tif");
      io::burn_forest_inventory(fi, io::read_forest_inventory(fi, model), *grid, inventory_raster);
      auto const agreement = zonal::forest_inventory_agreement(o.output, inventory_raster, model.tables->group_of, *zones, *areas);
      manifest["forest_inventory"] = {{"file", fi.file}, {"survey_year", fi.year}, {"compared_with_year", y.year},
                                      {"agreement", zonal::to_json(agreement)}};
      rep.inventory_agreement = agreement;
      rep.inventory_note = "forest inventory " + fi.file + " (survey " + std::to_string(fi.year) + ") against the " +
                           std::to_string(y.year) + " land-cover map";
      if (agreement.back().inventory_only_ha > 0)
        warnings.push_back("forest inventory " + fi.file + ": " + std::to_string(long(std::lround(agreement.back().inventory_only_ha))) +
                           " ha inside its polygons are not forest on the " + std::to_string(y.year) +
                           " land-cover map (they keep the map's class; per zone in run.json forest_inventory.agreement)");
    }
    if (!r.class_raster.empty()) push_with_sidecar(result.files, r.class_raster);
    if (!o.composite_output.empty()) result.files.push_back(o.composite_output);
    observed.push_back(o.output);
    if (cfg.mc.active() && k == 0 && cfg.start_state.empty()) {
      // The accounting starts from this map: its Monte Carlo is the first year's.
      uncertainty::mc_options mc = cfg.mc;
      if (cfg.mc_map) mc.sd_output = out("stock_" + tag + "_sd.tif");
      mc.sd_options = output_options;
      start_mc = uncertainty::run_stock_montecarlo(o.output, {cfg.zones, cfg.zone_field}, o.carbon, mc, run);
      if (cfg.mc_map) result.files.push_back(mc.sd_output);
      for (auto const& w : start_mc->warnings) warnings.push_back("year " + tag + " uncertainty: " + w);
    }
    for (auto const& w : r.warnings) warnings.push_back("year " + tag + ": " + w);
    year_json[k] = {{"year", y.year},
                    {"observed_stock", o.output},
                    {"notes", r.notes},
                    {"warnings", r.warnings},
                    {"provenance", r.provenance},
                    {"device", r.stream.device},
                    {"seconds", r.stream.seconds}};
    if (k == 0) {
      for (auto const& [key, v] : r.provenance)
        if (key.rfind("SINKMAP_", 0) == 0) rep.provenance[key] = v;
    }
  }

  // 2. The accounting: every tile through all of its years at once.
  accounting_job_options ao;
  ao.observed = observed;
  ao.years = products.years;
  ao.start_state = cfg.start_state;
  ao.confirm_years = cfg.confirm_years;
  ao.wetland_restoration = cfg.wetland_restoration;
  ao.transition_years = cfg.transition_years;
  ao.dnbr_threshold = cfg.dnbr_threshold;
  ao.carbon = cfg.carbon;
  ao.carbon.forest_age = cfg.years.front().forest_age;  // stand ages where the accounting starts
  ao.carbon.map_year = cfg.years.front().year;
  ao.carbon.forest_inventory_raster = inventory_raster;
  for (int y : products.years) ao.stock_outputs.push_back(out(run_products::stock(y)));
  auto const intervals = products.intervals();
  for (auto const& [a, b] : intervals) ao.flux_outputs.push_back(out(run_products::sink(a, b)));
  ao.state_output = out(run_products::state(products.years.back()));
  ao.output_options = output_options;
  ao.run = run;
  accounting_layout const L = layout_of(ao);
  int const first_flux_map = products.state_year != 0 ? 0 : 1;  // the map of flux block 0

  // Wood removals from statistics (IPCC 2006 Vol. 4 Eq. 2.12): a first pass measures, per zone
  // and map, the forest that stays forest, over which the zone's removals are spread. The class
  // rules do not depend on the pools, so that pass sees the same classes as the real one.
  std::optional<removal_plan> removals;
  std::vector<std::string> zone_names;
  if (zones)
    for (int z = 1; z <= int(zones->size()); ++z) zone_names.push_back(zones->name(z));
  if (!cfg.harvest.empty()) {
    auto const table = read_wood_removals(cfg.harvest, &zone_names);
    ao.harvest_zones = out(".harvest_zones.tif");
    io::write_zone_raster(*zones, *grid, ao.harvest_zones);
    ao.harvest_m3_per_ha.assign(zone_names.size(), std::vector<float>(std::size_t(L.years), 0.0f));
    std::vector<std::vector<carbon::exact_sum>> forest(zone_names.size(), std::vector<carbon::exact_sum>(std::size_t(L.years)));
    std::mutex forest_mutex;
    accounting_job_options pre = ao;
    pre.write_outputs = false;
    pre.reducer = [&](int, pipeline::window const& w, float const* planes) {
      std::size_t const n = w.pixels();
      std::vector<int> ids;
      zones->rasterize(w, ids);
      std::vector<std::vector<carbon::exact_sum>> tile(forest.size(), std::vector<carbon::exact_sum>(std::size_t(L.years)));
      for (int y = first_flux_map; y < L.years; ++y) {
        float const* cat = planes + std::size_t(L.stock(y, kernels::sb_category)) * n;
        float const* ev = planes + std::size_t(L.flux(y - first_flux_map, kernels::fb_events)) * n;
        for (std::size_t i = 0; i < n; ++i) {
          if (ids[i] <= 0 || std::isnan(cat[i]) || int(cat[i]) % 8 != int(kernels::class_group::forest)) continue;
          if (!std::isnan(ev[i]) && (int(ev[i]) & kernels::event_conversion)) continue;
          tile[std::size_t(ids[i] - 1)][std::size_t(y)].add(areas->hectares(w.y + int(i / std::size_t(w.w))));
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
    removals = plan_removals(table, zone_names, products.years, products.state_year, forest_ha);
    ao.harvest_m3_per_ha = removals->m3_per_ha;
    for (auto const& w : removals->warnings) warnings.push_back(w);
  }
  // The check against published inventory statistics: the forest's biomass carbon (above and
  // below ground) per hectare in each year, and its biomass sink per hectare per interval,
  // over the zones' pixels whose confirmed class is forest.
  std::optional<models::forest_statistics> statistics;
  std::vector<int> soil_depths;                // the model's soil depths (cm), for the inventories
  std::string wetland_soil;                   // the model's rule for wetlands that remain
  std::string soil_depth_summary;             // each class's soil depth, for the report
  {
    auto const model = models::load_carbon_model(models::resolve_model_path(cfg.carbon.model));
    soil_depths = model.soil_depths();
    soil_depth_summary = model.soil_depth_summary();
    wetland_soil = model.wetland_soil + (model.wetland_soil_reason.empty() ? "" : ": " + model.wetland_soil_reason);
    for (auto const& c : model.classes)
      if (!c.name_zh.empty()) rep.class_names_zh[c.name] = c.name_zh;
    if (!model.region_description_zh.empty()) rep.texts_zh[model.region_description] = model.region_description_zh;
    std::string table = cfg.statistics;
    if (table.empty() && cfg.statistics_check.value_or(true)) table = models::statistics_for_model(model.name);
    SINKMAP_EXPECTS(!cfg.statistics_check.value_or(false) || !table.empty(), bad_input,
                    cfg.file + ": statistics_check = true but no statistics table is shipped for model " + model.name +
                      ": name one with statistics = \"FILE.json\"");
    bool const inside = grid && !jobs::region_warning(model, *grid).has_value();
    // On where asked, where a table is named, or by default inside the model's region.
    bool const on = cfg.statistics_check.value_or(!cfg.statistics.empty() || inside);
    if (!table.empty() && on) statistics = models::load_forest_statistics(table);
    if (statistics && !statistics->region_zh.empty()) rep.texts_zh[statistics->region] = statistics->region_zh;
  }
  std::vector<carbon::exact_sum> forest_c(std::size_t(L.years)), forest_ha(std::size_t(L.years));
  std::vector<carbon::exact_sum> forest_flux(std::size_t(L.intervals)), forest_flux_ha(std::size_t(L.intervals));
  std::mutex forest_stats_mutex;

  // Removals booked per zone and interval (m3), to set against the statistics.
  std::vector<std::vector<carbon::exact_sum>> booked_m3(zone_names.size(), std::vector<carbon::exact_sum>(std::size_t(L.intervals)));
  std::mutex booked_mutex;
  std::vector<std::unique_ptr<zonal_accumulator>> stock_acc;
  // Soil per depth of the pixel's pool (the stock's soil_depth_cm band): per year, and per
  // interval for the soil flux, one accumulator per depth of the model.
  std::vector<std::map<int, std::unique_ptr<zonal_accumulator>>> soil_acc(std::size_t(L.years)),
    soil_flux_acc(std::size_t(L.intervals));
  std::vector<std::unique_ptr<category_accumulator>> category_acc;
  std::vector<std::unique_ptr<sink_accumulator>> transition_acc;
  for (int y = 0; y < L.years; ++y) {
    stock_acc.push_back(std::make_unique<zonal_accumulator>(*zones, *areas));
    for (int d : soil_depths) soil_acc[std::size_t(y)][d] = std::make_unique<zonal_accumulator>(*zones, *areas);
  }
  for (int t = 0; t < L.intervals; ++t)
    for (int d : soil_depths) soil_flux_acc[std::size_t(t)][d] = std::make_unique<zonal_accumulator>(*zones, *areas);
  // values where the pixel's soil depth is d, NaN elsewhere (the accumulators leave NaN out).
  auto at_depth = [](float const* v, float const* depth, std::size_t n, int d, std::vector<float>& out) {
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = depth[i] == float(d) ? v[i] : NAN;
    return out.data();
  };
  for (auto const& [a, b] : intervals) {
    category_acc.push_back(std::make_unique<category_accumulator>(*zones, *areas, double(b - a)));
    transition_acc.push_back(std::make_unique<sink_accumulator>(*zones, *areas));
  }
  auto plane = [](float const* planes, std::size_t n, int k) { return planes + std::size_t(k) * n; };
  ao.reducer = [&](int, pipeline::window const& w, float const* planes) {
    std::size_t const n = w.pixels();
    // The tile's zone ids, once for every accumulator below.
    std::vector<int> ids;
    zones->rasterize(w, ids);
    auto ha_of = [&](std::size_t i) { return areas->hectares(w.y + int(i / std::size_t(w.w))); };
    if (statistics) {
      auto is_forest = [](float category) {
        return !std::isnan(category) && int(category) % 8 == int(kernels::class_group::forest);
      };
      std::vector<carbon::exact_sum> c(forest_c.size()), a(forest_c.size()), fl(forest_flux.size()), fa(forest_flux.size());
      for (int y = 0; y < L.years; ++y) {
        float const* cat = plane(planes, n, L.stock(y, kernels::sb_category));
        float const* above = plane(planes, n, L.stock(y, kernels::sb_c_above));
        float const* below = plane(planes, n, L.stock(y, kernels::sb_c_below));
        for (std::size_t i = 0; i < n; ++i)
          if (ids[i] > 0 && is_forest(cat[i])) {
            c[std::size_t(y)].add(double(above[i] + below[i]) * ha_of(i));
            a[std::size_t(y)].add(ha_of(i));
          }
      }
      for (int t = 0; t < L.intervals; ++t) {
        float const* cat = plane(planes, n, L.stock(t + first_flux_map, kernels::sb_category));
        float const* bio = plane(planes, n, L.flux(t, kernels::fb_biomass));
        for (std::size_t i = 0; i < n; ++i)
          if (ids[i] > 0 && is_forest(cat[i])) {
            fl[std::size_t(t)].add(double(bio[i]) * ha_of(i));
            fa[std::size_t(t)].add(ha_of(i));
          }
      }
      std::lock_guard<std::mutex> lock(forest_stats_mutex);
      for (std::size_t y = 0; y < c.size(); ++y) {
        forest_c[y].add(c[y]);
        forest_ha[y].add(a[y]);
      }
      for (std::size_t t = 0; t < fl.size(); ++t) {
        forest_flux[t].add(fl[t]);
        forest_flux_ha[t].add(fa[t]);
      }
    }
    std::vector<float> masked;
    for (int y = 0; y < L.years; ++y) {
      float const* cls = plane(planes, n, L.stock(y, kernels::sb_class));
      float const* depth = plane(planes, n, L.stock(y, kernels::sb_soil_depth));
      stock_acc[std::size_t(y)]->add_tile(w, plane(planes, n, L.stock(y, kernels::sb_c_total)), cls, ids.data());
      for (auto& [d, acc] : soil_acc[std::size_t(y)])
        acc->add_tile(w, at_depth(plane(planes, n, L.stock(y, kernels::sb_c_soil)), depth, n, d, masked), cls, ids.data());
    }
    for (int t = 0; t < L.intervals; ++t) {
      int const y2 = t + first_flux_map;
      float const* cls = plane(planes, n, L.stock(y2, kernels::sb_class));
      float const* depth = plane(planes, n, L.stock(y2, kernels::sb_soil_depth));
      for (auto& [d, acc] : soil_flux_acc[std::size_t(t)])
        acc->add_tile(w, at_depth(plane(planes, n, L.flux(t, kernels::fb_soil)), depth, n, d, masked), cls, ids.data());
    }
    for (int t = 0; t < L.intervals; ++t) {
      auto f = [&](kernels::flux_band b) { return plane(planes, n, L.flux(t, b)); };
      int const y2 = t + first_flux_map;
      accounted_tile at;
      at.net = f(kernels::fb_net);
      at.gains = f(kernels::fb_gains);
      at.losses = f(kernels::fb_losses);
      at.biomass = f(kernels::fb_biomass);
      at.dom = f(kernels::fb_dom);
      at.soil = f(kernels::fb_soil);
      at.category = f(kernels::fb_category);
      at.events = f(kernels::fb_events);
      at.pending = f(kernels::fb_pending);
      at.stock_before = f(kernels::fb_stock_before);
      at.stock_after = plane(planes, n, L.stock(y2, kernels::sb_c_total));
      at.class_before = f(kernels::fb_class_before);
      at.class_after = plane(planes, n, L.stock(y2, kernels::sb_class));
      category_acc[std::size_t(t)]->add_tile(w, at, ids.data());
      if (removals) {
        float const* v = f(kernels::fb_removed_volume);
        double const years = double(intervals[std::size_t(t)].second - intervals[std::size_t(t)].first);
        std::vector<carbon::exact_sum> tile(zone_names.size());
        for (std::size_t i = 0; i < n; ++i)
          if (ids[i] > 0 && !std::isnan(v[i]) && v[i] > 0.0f)
            tile[std::size_t(ids[i] - 1)].add(double(v[i]) * years * ha_of(i));
        std::lock_guard<std::mutex> lock(booked_mutex);
        for (std::size_t z = 0; z < tile.size(); ++z) booked_m3[z][std::size_t(t)].add(tile[z]);
      }
      transition_acc[std::size_t(t)]->add_tile(w, at.net, at.gains, at.losses, at.class_before, at.class_after,
                                               ids.data());
    }
  };
  if (cfg.cube && grid) {
    std::vector<io::cube_variable> vars = {{"c_total", "total carbon stock (IPCC pools), accounted", "Mg C/ha", false},
                                           {"sink_c", "carbon sink, positive = uptake", "Mg C/ha/yr", true}};
    if (start_mc && cfg.mc_map)
      vars.push_back({"c_total_sd", "SD of total carbon over the Monte Carlo iterations", "Mg C/ha", false});
    cube = std::make_unique<io::netcdf_cube>(out("carbon_cube.nc"), cube_years, *grid, vars);
    int const shift = products.state_year != 0 ? 1 : 0;
    ao.observer = [&, shift](int, pipeline::window const& w, float const* planes) {
      std::size_t const n = w.pixels();
      if (shift) cube->write("c_total", 0, w, plane(planes, n, L.flux(0, kernels::fb_stock_before)));
      for (int y = 0; y < L.years; ++y) cube->write("c_total", y + shift, w, plane(planes, n, L.stock(y, kernels::sb_c_total)));
      for (int t = 0; t < L.intervals; ++t) cube->write("sink_c", t, w, plane(planes, n, L.flux(t, kernels::fb_net)));
    };
  }
  auto const ar = run_accounting_job(ao);
  // The Monte Carlo through the accounting: every year's stock and every sink get intervals.
  std::optional<accounting_mc_totals> trajectories;
  if (cfg.mc.active()) {
    trajectories = run_accounting_montecarlo(ao, cfg.mc, *zones);
    for (auto const& w : trajectories->warnings) warnings.push_back("uncertainty: " + w);
  }
  if (!ao.harvest_zones.empty()) fs::remove(ao.harvest_zones);  // a temporary: not published
  if (!inventory_raster.empty()) fs::remove(inventory_raster);  // likewise
  for (auto const& w : ar.warnings)
    if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back("accounting: " + w);
  manifest["accounting"] = {{"confirm_years", cfg.confirm_years},
                            {"wetland_restoration", cfg.wetland_restoration},
                            {"wetland_soil", wetland_soil},
                            {"harvest", cfg.harvest},
                            {"transition_years", cfg.transition_years},
                            {"start_state", cfg.start_state},
                            {"state", ao.state_output},
                            {"notes", ar.notes},
                            {"device", ar.stream.device},
                            {"seconds", ar.stream.seconds},
                            {"rules", "IPCC 2006 Vol. 4 Ch. 2 (kernels/accounting_stage.hpp, README 'Carbon accounting')"}};
  result.files.push_back(ao.state_output);
  if (statistics) {
    // Beside the published inventory: the map's forest biomass carbon density per year and its
    // biomass sink per hectare per interval, as ratios; outside the table's range: a warning.
    auto const& st = *statistics;
    nlohmann::json years_json = nlohmann::json::array(), sinks_json = nlohmann::json::array();
    auto ratio_line = [&](std::string const& what, double mine, double theirs, std::string const& period,
                          std::string const& unit) {
      double const ratio = theirs != 0 ? mine / theirs : NAN;
      char line[512];
      std::snprintf(line, sizeof line, "%s: %.2f %s in the map, %.2f %s in %s (%s): ratio %.2f", what.c_str(), mine,
                    unit.c_str(), theirs, unit.c_str(), st.region.c_str(), period.c_str(), ratio);
      rep.checks.push_back(line);
      if (!(ratio >= st.ratio_low && ratio <= st.ratio_high))
        warnings.push_back(std::string(line) + ", outside " + std::to_string(st.ratio_low).substr(0, 3) + "-" +
                           std::to_string(st.ratio_high).substr(0, 3) + ": the map and the forest inventory disagree");
      return ratio;
    };
    for (int y = 0; y < L.years; ++y) {
      double const ha = forest_ha[std::size_t(y)].value();
      auto const* p = st.period_for(products.years[std::size_t(y)]);
      if (ha <= 0 || !p) continue;
      double const density = forest_c[std::size_t(y)].value() / ha;
      std::string const period = std::to_string(p->from) + "-" + std::to_string(p->to);
      double const ratio = ratio_line("forest biomass carbon density " + year_tag(products.years[std::size_t(y)]), density,
                                      p->density_mgc_per_ha, period, "Mg C/ha");
      years_json.push_back({{"year", products.years[std::size_t(y)]}, {"forest_ha", ha},
                            {"biomass_c_density_mgc_per_ha", density}, {"published_period", period},
                            {"published_density_mgc_per_ha", p->density_mgc_per_ha},
                            {"published_source", p->density_source}, {"ratio", ratio}});
    }
    for (int t = 0; t < L.intervals; ++t) {
      double const ha = forest_flux_ha[std::size_t(t)].value();
      auto const [a, b] = intervals[std::size_t(t)];
      auto const* x = st.sink_for(a, b);
      if (ha <= 0 || !x) continue;
      double const per_ha = forest_flux[std::size_t(t)].value() / ha;
      std::string const period = std::to_string(x->from) + "-" + std::to_string(x->to);
      double const ratio = ratio_line("forest biomass sink " + year_tag(a) + "-" + year_tag(b), per_ha, x->mgc_per_ha_yr,
                                      period, "Mg C/ha/yr");
      sinks_json.push_back({{"from", a}, {"to", b}, {"forest_ha", ha}, {"biomass_sink_mgc_per_ha_yr", per_ha},
                            {"published_period", period}, {"published_mgc_per_ha_yr", x->mgc_per_ha_yr},
                            {"published_source", x->source}, {"ratio", ratio}});
    }
    manifest["statistics_check"] = {{"table", st.file}, {"region", st.region}, {"scope", st.scope},
                                    {"ratio_range", {st.ratio_low, st.ratio_high}},
                                    {"years", years_json}, {"sinks", sinks_json}};
  }
  if (start_mc && cube && cfg.mc_map) cube->copy_from("c_total_sd", 0, out("stock_" + year_tag(products.years.front()) + "_sd.tif"), 1);

  // 3. Per year: the accounted stock's class raster, inventory, quicklook.
  std::vector<inventory> stock_inventories;
  for (std::size_t k = 0; k < cfg.years.size(); ++k) {
    int const yr = products.years[k];
    std::string const tag = year_tag(yr);
    std::string const map = ao.stock_outputs[k];
    result.files.push_back(map);
    std::string const classes = io::class_raster_beside(map);
    io::write_class_raster(map, kernels::sb_class + 1, ar.class_names, ar.class_groups, classes);
    push_with_sidecar(result.files, classes);
    if (cfg.overviews) {
      io::add_overviews(map, "AVERAGE");
      io::add_overviews(classes, "MODE");
      io::add_overviews(observed[k], "AVERAGE");
    }
    check_impossible_pixels(stock_acc[k]->impossible(), map);
    auto inv = make_inventory(stock_acc[k]->table(), *zones, false, ar.class_names);
    std::map<int, inventory> soil;
    for (auto const& [d, acc] : soil_acc[k]) soil[d] = make_inventory(acc->table(), *zones, false, ar.class_names);
    apply_soil_depths(inv, soil_depths, soil);
    // The start map's own Monte Carlo (with the confusion matrix and the SD map), else the
    // accounting's trajectories.
    uncertainty::mc_totals const* mc = k == 0 && start_mc ? &*start_mc : trajectories ? &trajectories->stocks[k] : nullptr;
    if (mc) {
      std::size_t const before_mc = inv.warnings.size();
      uncertainty::attach_uncertainty(inv, *mc);
      uncertainty::add_total_fields(year_json[k], *mc);
      // What attaching found (a mean drifting from the deterministic total, a row without a
      // Monte Carlo total) is a warning of the run, as the sinks' are; the Monte Carlo's own
      // warnings were given already.
      for (std::size_t i = before_mc; i < inv.warnings.size(); ++i) {
        if (std::find(mc->warnings.begin(), mc->warnings.end(), inv.warnings[i]) != mc->warnings.end()) continue;
        std::string const w = "year " + tag + " uncertainty: " + inv.warnings[i];
        if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
      }
    }
    for (auto const& w : coverage_warnings(inv, "year " + tag + " stock")) warnings.push_back(w);
    write_inventory(inv, out("inventory_" + tag + ".csv"), map, cfg.zones, cfg.zone_field, cfg.lang);
    for (auto const& f : inventory_outputs(out("inventory_" + tag + ".csv"))) result.files.push_back(f);
    if (cfg.quicklooks) {
      io::write_quicklook(map, kernels::sb_c_total + 1, out("quicklook_stock_" + tag + ".png"),
                          {"Carbon stock " + tag + " (c_total, accounted)", "Mg C / ha", false, 1024});
      result.files.push_back(out("quicklook_stock_" + tag + ".png"));
    }
    year_json[k]["stock"] = map;
    year_json[k]["inventory"] = out("inventory_" + tag + ".csv");
    year_json[k]["total_mgc"] = inv.total.total;
    year_json[k]["total_co2e_t"] = inv.total.co2e;
    year_json[k]["coverage"] = coverage_json(inv);
    manifest["years"].push_back(year_json[k]);
    rep.years.push_back({yr, map, classes, kernels::sb_c_total + 1, inv});
    stock_inventories.push_back(inv);
  }

  // Wetland area per zone and year as each year's own map shows it (not the confirmed classes:
  // a flood or a dry year that is never confirmed is what the flag is for), and the changes
  // between consecutive maps worth a check.
  {
    std::set<std::string> wetland_classes;
    for (auto const& [id, group] : ar.class_groups)
      if (group == "wetland") wetland_classes.insert(ar.class_names.at(id));
    std::vector<inventory> seen;
    for (auto const& map : observed) {
      auto ds = io::open_raster(map, "observed stock");
      int const cb = io::band_named(*ds, "ecosystem_class");
      SINKMAP_EXPECTS(cb > 0, runtime_failure, map + ": no ecosystem_class band");
      zonal_accumulator acc(*zones, *areas);
      raster_stream_request r;
      r.planes = {{map, cb}, {map, cb}};  // the class as the value too: every classified pixel counts
      r.read_type = kernels::pixel_type::f32;
      r.grid = io::grid_of_file(map);
      r.run = run;
      r.run.quiet = true;
      r.run.device = pipeline::device_kind::cpu;
      r.label = "sinkmap wetland area";
      r.reducer = [&](int, pipeline::window const& w, float const* p) { acc.add_tile(w, p, p + w.pixels()); };
      run_raster_stream(r, read_only_kernel(2));
      seen.push_back(make_inventory(acc.table(), *zones, false, ar.class_names));
    }
    auto const wa = wetland_areas(seen, products.years, wetland_classes, cfg.wetland_area_change);
    manifest["wetland_area"] = {{"areas", wa.areas}, {"flagged_changes", wa.changes},
                                {"threshold", cfg.wetland_area_change}};
    for (auto const& w : wa.warnings) warnings.push_back(w);
    for (auto const& a : wa.areas) rep.wetland_areas.push_back({a["year"], a["zone"], a["wetland_ha"]});
    rep.wetland_flags = wa.warnings;
    rep.wetland_rule = wetland_soil;
    rep.soil_depths = soil_depth_summary;
  }

  // 4. Per interval: the sink map's inventory by IPCC category, transitions, mass balance.
  for (std::size_t t = 0; t < intervals.size(); ++t) {
    auto const [y0, y1] = intervals[t];
    std::string const pair = run_products::pair(y0, y1);
    std::string const where = "sink " + year_tag(y0) + "-" + year_tag(y1);
    std::string const map = ao.flux_outputs[t];
    result.files.push_back(map);
    if (cfg.overviews) io::add_overviews(map, "AVERAGE");
    check_impossible_pixels(category_acc[t]->impossible(), map);
    check_impossible_pixels(transition_acc[t]->impossible(), map);
    auto ci = make_category_inventory(*category_acc[t], *zones, ar.class_names, &ipcc_category_name);
    auto const si = make_sink_inventory(transition_acc[t]->table(), *zones, ar.class_names);
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
    if (removals) {
      std::size_t const y2 = t + std::size_t(first_flux_map);
      for (std::size_t z = 0; z < zone_names.size(); ++z) {
        if (std::isnan(removals->m3_per_ha[z][y2]) && removals->m3[z][y2] == 0) continue;
        double const stat = removals->m3[z][y2], booked = booked_m3[z][t].value();
        wood.push_back({{"zone", zone_names[z]}, {"statistic_m3", stat}, {"booked_m3", booked},
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
    for (auto const& [d, acc] : soil_flux_acc[t]) soil_flux[d] = make_inventory(acc->table(), *zones, true, ar.class_names);
    apply_soil_depths(sinv, soil_depths, soil_flux);
    if (trajectories) {
      // Intervals for the zone subtotals and the total (the trajectories are summed by the class
      // at the interval's end, not by IPCC category: the category rows have none).
      auto const& tm = trajectories->sinks[t];
      for (auto& r : sinv.rows)
        if (r.cls == "*")
          if (auto it = tm.rows.find({r.zone, "*"}); it != tm.rows.end()) r.mc = it->second;
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
    if (std::size_t const y2 = t + std::size_t(first_flux_map); y2 >= 1) {
      std::size_t const a = y2 - 1;
      for (auto const& w : coverage_change_warnings(stock_inventories[a], stock_inventories[a + 1], where))
        warnings.push_back(w);
      if (auto w = product_version_warning(cfg.years[a].landcover, cfg.years[a + 1].landcover))
        if (std::find(warnings.begin(), warnings.end(), where + ": " + *w) == warnings.end())
          warnings.push_back(where + ": " + *w);
    }
    write_inventory(sinv, out("inventory_sink_" + pair + ".csv"), map, cfg.zones, cfg.zone_field, cfg.lang);
    for (auto const& f : inventory_outputs(out("inventory_sink_" + pair + ".csv"))) result.files.push_back(f);
    write_category_table(ci, out("categories_" + pair + ".csv"), map, cfg.zones);
    result.files.push_back(out("categories_" + pair + ".csv"));
    result.files.push_back(out("categories_" + pair + ".json"));
    write_transitions(si.transitions, out("transitions_" + pair + ".csv"), map, cfg.zones);
    result.files.push_back(out("transitions_" + pair + ".csv"));
    result.files.push_back(out("transitions_" + pair + ".json"));
    if (cfg.quicklooks) {
      io::write_quicklook(map, kernels::fb_net + 1, out("quicklook_sink_" + pair + ".png"),
                          {"Carbon sink " + year_tag(y0) + "-" + year_tag(y1) + " (+ = uptake)", "Mg C/ha/yr", true, 1024});
      result.files.push_back(out("quicklook_sink_" + pair + ".png"));
    }
    nlohmann::json categories = nlohmann::json::array();
    for (auto const& c : ci.categories)
      categories.push_back({{"zone", c.zone}, {"ipcc_category", c.category}, {"area_ha", c.area_ha},
                            {"gains_mgc_per_yr", c.gains}, {"losses_mgc_per_yr", c.losses}, {"sink_mgc_per_yr", c.net},
                            {"biomass_mgc_per_yr", c.biomass}, {"dom_mgc_per_yr", c.dom}, {"soil_mgc_per_yr", c.soil}});
    manifest["sinks"].push_back({{"from", y0},
                                 {"to", y1},
                                 {"sink", map},
                                 {"method", "accounting"},
                                 {"inventory", out("inventory_sink_" + pair + ".csv")},
                                 {"categories", categories},
                                 {"mass_balance", balance},
                                 {"events", events},
                                 {"wood_removals", wood},
                                 {"transitions", out("transitions_" + pair + ".csv")},
                                 {"total_mgc_per_yr", sinv.total.total},
                                 {"total_co2e_t_per_yr", sinv.total.co2e},
                                 {"gains_mgc_per_yr", sinv.total.gains},
                                 {"losses_mgc_per_yr", sinv.total.losses},
                                 {"coverage", coverage_json(sinv)}});
    if (trajectories) uncertainty::add_total_fields(manifest["sinks"].back(), trajectories->sinks[t]);
    report::report_sink rs;
    rs.from = y0;
    rs.to = y1;
    rs.map = map;
    rs.inventory = sinv;
    rs.transitions = si.transitions;
    rs.categories = ci.categories;
    rs.balance = ci.balance;
    rep.sinks.push_back(std::move(rs));
  }

  // 5. The trend of the accounted stock over the years.
  std::vector<std::string> const& stocks = ao.stock_outputs;
  if (cfg.trend && stocks.size() >= 3) {
    std::string const span = year_tag(cfg.years.front().year) + "_" + year_tag(cfg.years.back().year);
    trend_job_options to;
    to.maps = stocks;
    for (auto const& y : cfg.years) to.years.push_back(y.year);
    to.output = out("trend_" + span + ".tif");
    to.output_options = output_options;
    to.run = run;
    zonal_accumulator trend_acc(*zones, *areas);
    to.reducer = [&](int, pipeline::window const& w, float const* planes) {
      std::size_t const n = w.pixels();
      thread_local std::vector<float> sig;
      sig.resize(n);
      for (std::size_t i = 0; i < n; ++i)
        sig[i] = std::isnan(planes[n + i]) ? NAN : (planes[n + i] < 0.05f ? 1.0f : 2.0f);
      trend_acc.add_tile(w, planes, sig.data());
    };
    run_trend_job(to);
    result.files.push_back(to.output);
    if (cfg.overviews) io::add_overviews(to.output, "AVERAGE");
    check_impossible_pixels(trend_acc.impossible(), to.output);
    auto tinv = make_inventory(trend_acc.table(), *zones, false, {{1, "p<0.05"}, {2, "p>=0.05"}});
    tinv.trend = true;
    write_inventory(tinv, out("inventory_trend_" + span + ".csv"), to.output, cfg.zones, cfg.zone_field, cfg.lang);
    for (auto const& f : inventory_outputs(out("inventory_trend_" + span + ".csv"))) result.files.push_back(f);
    manifest["trend"] = {{"map", to.output}, {"inventory", out("inventory_trend_" + span + ".csv")},
                         {"total_slope_mgc_per_yr", tinv.total.total}};
  } else if (cfg.trend) {
    warnings.push_back("trend = true needs 3 or more years; this run has " + std::to_string(stocks.size()));
  }
  // 6. InVEST Coastal Blue Carbon over the years' land-cover maps, where the config asks for it.
  if (!cfg.blue_carbon.biophysical.empty()) {
    blue_carbon_options bo;
    bo.biophysical = cfg.blue_carbon.biophysical;
    bo.transitions = cfg.blue_carbon.transitions;
    bo.analysis_year = cfg.blue_carbon.analysis_year;
    for (auto const& y : cfg.years) {
      SINKMAP_EXPECTS(!y.landcover.empty(), bad_input,
                      cfg.file + ": [coastal_blue_carbon] reads each year's land-cover map (the table's lucodes), and year " +
                        std::to_string(y.year) + " has none");
      bo.years.push_back(y.year);
      bo.snapshots.push_back(y.landcover);
    }
    bo.output = out("blue_carbon.tif");
    bo.output_options = output_options;
    bo.run = run;
    zonal_accumulator cbc_acc(*zones, *areas);
    int const planes_n = kernels::cbc_output_count(int(bo.years.size()));
    bo.reducer = [&](int, pipeline::window const& w, float const* planes) {
      cbc_acc.add_tile(w, planes + std::size_t(planes_n - 1) * w.pixels(), nullptr);
    };
    auto const br = run_blue_carbon_job(bo);
    result.files.push_back(bo.output);
    auto binv = make_inventory(cbc_acc.table(), *zones, true, {});
    nlohmann::json zones_json = nlohmann::json::array();
    for (auto const& r : binv.rows)
      if (r.cls == "*") zones_json.push_back({{"zone", r.zone}, {"area_ha", r.area_ha}, {"total_net_sequestration", r.total}});
    zones_json.push_back({{"zone", "*"}, {"area_ha", binv.total.area_ha}, {"total_net_sequestration", binv.total.total}});
    manifest["coastal_blue_carbon"] = {{"map", bo.output}, {"biophysical", bo.biophysical}, {"transitions", bo.transitions},
                                       {"analysis_year", br.analysis_year}, {"bands", br.band_names}, {"totals", br.totals},
                                       {"zones", zones_json},
                                       {"units", "the biophysical table's units x ha (InVEST converts none)"},
                                       {"method", "InVEST Coastal Blue Carbon as natcap/invest's code computes it (docs/blue-carbon.md)"}};
    if (br.not_in_table > 0)
      warnings.push_back("coastal blue carbon: " + std::to_string(br.not_in_table) +
                         " pixels are nodata in a year's map or hold a code the biophysical table lacks: no values there");
  }
  if (cube) {
    cube->commit();
    result.files.push_back(out("carbon_cube.nc"));
    manifest["cube"] = out("carbon_cube.nc");
  }
  manifest["files"] = result.files;
  warnings = merge_repeated(warnings);
  manifest["warnings"] = warnings;
  for (auto const& w : warnings) std::fprintf(stderr, "sinkmap run: warning: %s\n", w.c_str());
  result.manifest = out("run.json");
  // The report, then the manifest last (it lists the report).
  rep.warnings = warnings;
  rep.files = result.files;
  report::write_run_report(rep, out("report.html"));
  result.files.push_back(out("report.html"));
  manifest["files"] = result.files;
  manifest["report"] = out("report.html");
  publish_paths(manifest);
  io::write_text_atomically(result.manifest, manifest.dump(2) + "\n");
  auto const removed = staging.publish();
  for (auto& f : result.files) f = staging.final_path(fs::path(f).filename().string());
  result.manifest = staging.final_path("run.json");
  if (!removed.empty() && !run.quiet)
    std::fprintf(stderr, "sinkmap run: removed %zu files of the previous run that this run does not write\n",
                 removed.size());
  return result;
}

}  // namespace sinkmap::jobs
