#include "jobs/run_job.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "io/atomic_output.hpp"
#include "io/run_lock.hpp"
#include "io/run_staging.hpp"
#include "io/forest_inventory.hpp"
#include "jobs/accounting_job.hpp"
#include "jobs/run/accounting_step.hpp"
#include "jobs/run/blue_carbon_step.hpp"
#include "jobs/run/observed_stocks.hpp"
#include "jobs/run/product_record.hpp"
#include "jobs/run/run_context.hpp"
#include "jobs/run/sink_inventories.hpp"
#include "jobs/run/stock_inventories.hpp"
#include "jobs/run/trend_step.hpp"
#include "jobs/run/wetland_area_step.hpp"
#include "jobs/wood_removals.hpp"
#include "models/forest_statistics.hpp"
#include "report/report_language.hpp"
#include "report/run_report.hpp"
#include "uncertainty/confusion.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <regex>

namespace sinkmap::jobs {
namespace {

namespace fs = std::filesystem;

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
    exists(y.scene_options.stac, at + " stac");
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

// The report is built from the steps' records: every table it shows is one a step returned.
report::run_report assemble_report(run_context const& ctx, observed_years const& observed, accounted_years const& accounted,
                                   stock_inventories const& stocks, wetland_area_step const& wetland,
                                   sink_inventories const& sinks)
{
  auto const& cfg = ctx.cfg;
  report::run_report rep;
  rep.lang = cfg.lang;
  rep.title = report::report_language(cfg.lang).tr("Carbon stock and sink") + ": " + fs::path(cfg.output_dir).filename().string();
  rep.config = cfg.file;
  rep.output_dir = cfg.output_dir;
  rep.zones_file = cfg.zones;
  rep.zone_field = cfg.zone_field;
  rep.provenance = observed.provenance;
  rep.inventory_agreement = observed.inventory_agreement;
  rep.inventory_note = observed.inventory_note;
  rep.class_names_zh = ctx.model.class_names_zh;
  rep.texts_zh = ctx.model.texts_zh;
  rep.checks = accounted.statistics_lines;
  rep.years = stocks.report;
  rep.wetland_areas = wetland.areas;
  rep.wetland_flags = wetland.flags;
  rep.wetland_rule = ctx.model.wetland_soil;
  rep.soil_depths = ctx.model.soil_depth_summary;
  rep.sinks = sinks.report;
  return rep;
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
  // A COG carries its own overviews; `overviews = false` asks the COG driver for none.
  io::raster_output_options formats = output_options;
  if (formats.cog && !cfg.overviews) formats.creation_options.insert(formats.creation_options.begin(), "OVERVIEWS=NONE");
  run_context ctx{cfg, run, formats, staging, {}, {}, {}, {}, {}, {}};
  for (auto const& y : cfg.years) ctx.products.years.push_back(y.year);
  if (!cfg.start_state.empty()) {
    SINKMAP_EXPECTS(fs::is_regular_file(cfg.start_state), bad_input,
                    cfg.file + ": start_state: no file '" + cfg.start_state + "'");
    ctx.products.state_year = start_state_year(cfg.start_state);
  }
  check_before_writing(cfg, ctx.products, staging);

  // The product steps, in order; each returns its record, and the run keeps their warnings in
  // the order said (a step that says a thing once looks at the earlier ones).
  std::vector<product_record> records;
  auto keep = [&](product_record const& r) {
    records.push_back(r);
    ctx.warnings.insert(ctx.warnings.end(), r.warnings.begin(), r.warnings.end());
  };
  product_record settings{"settings", {}, nlohmann::json::object(), {}};
  if (cfg.sink_method != "auto")
    settings.warnings.push_back("sink_method = '" + cfg.sink_method + "' applies to `sinkmap sink`; a run books its "
                                "sinks through the yearly carbon accounting (previous stock plus the year's fluxes)");
  keep(settings);
  auto const observed = observe_years(ctx);  // 1. each year's observed stock; sets the grid
  keep(observed.record);
  ctx.model = load_model_facts(cfg, *ctx.grid);
  auto accounted = account_years(ctx, observed);  // 2. the accounting, every tile through its years
  keep(accounted.record);
  auto const stocks = inventory_stocks(ctx, observed, accounted);  // 3. per year
  keep(stocks.record);
  auto const wetland = measure_wetland_areas(ctx, observed, accounted);  // 4. per year, as mapped
  keep(wetland.record);
  auto const sinks = inventory_sinks(ctx, accounted, stocks);  // 5. per interval
  keep(sinks.record);
  keep(stock_trend(ctx, accounted.options.stock_outputs));  // 6.
  keep(coastal_blue_carbon(ctx));                           // 7.
  if (accounted.cube) {
    accounted.cube->commit();
    product_record cube{"cube", {ctx.out("carbon_cube.nc")}, {{"cube", ctx.out("carbon_cube.nc")}}, {}};
    keep(cube);
  }

  // The manifest and the report from the records.
  run_outputs result;
  nlohmann::json manifest = {{"config", cfg.file}, {"model", cfg.carbon.model}, {"zones", cfg.zones}};
  for (auto const& r : records) {
    result.files.insert(result.files.end(), r.files.begin(), r.files.end());
    for (auto const& [key, value] : r.manifest.items()) manifest[key] = value;
  }
  auto const warnings = merge_repeated(ctx.warnings);
  manifest["warnings"] = warnings;
  for (auto const& w : warnings) std::fprintf(stderr, "sinkmap run: warning: %s\n", w.c_str());
  result.manifest = ctx.out("run.json");
  // The report, then the manifest last (it lists the report).
  auto rep = assemble_report(ctx, observed, accounted, stocks, wetland, sinks);
  rep.warnings = warnings;
  rep.files = result.files;
  report::write_run_report(rep, ctx.out("report.html"));
  result.files.push_back(ctx.out("report.html"));
  manifest["files"] = result.files;
  manifest["report"] = ctx.out("report.html");
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
