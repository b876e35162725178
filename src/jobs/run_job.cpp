#include "jobs/run_job.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "io/atomic_output.hpp"
#include "io/cell_area.hpp"
#include "io/netcdf_cube.hpp"
#include "io/overviews.hpp"
#include "io/quicklook.hpp"
#include "io/run_lock.hpp"
#include "io/run_staging.hpp"
#include "io/zones.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/sink_inventory.hpp"
#include "jobs/sink_job.hpp"
#include "jobs/stock_job.hpp"
#include "jobs/trend_job.hpp"
#include "report/run_report.hpp"
#include "uncertainty/confusion.hpp"
#include "jobs/montecarlo_job.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
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
  for (auto const& w : warnings) {
    std::size_t const colon = w.find(": ");
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
// none of its inputs (a config saved as OUTPUT/run.json), and the confusion matrix is there
// and well-formed.
void check_before_writing(run_config const& cfg, io::run_staging const& staging)
{
  std::vector<output_target> targets;
  auto add = [&](std::string const& name) { targets.push_back({staging.final_path(name), "output = '" + cfg.output_dir + "'"}); };
  for (char const* n : {"run.json", "report.html", "carbon_cube.nc"}) add(n);
  for (std::size_t k = 0; k < cfg.years.size(); ++k) {
    std::string const tag = std::to_string(cfg.years[k].year);
    for (std::string const n : {"stock_" + tag + ".tif", "stock_" + tag + "_classes.tif", "stock_" + tag + "_sd.tif",
                                "inventory_" + tag + ".csv", "inventory_" + tag + ".json", "inventory_" + tag + ".gpkg",
                                "composite_" + tag + ".tif", "quicklook_stock_" + tag + ".png"})
      add(n);
    if (k == 0) continue;
    std::string const pair = std::to_string(cfg.years[k - 1].year) + "_" + tag;
    for (std::string const n : {"sink_" + pair + ".tif", "sink_" + pair + "_method.tif", "sink_" + pair + "_sd.tif",
                                "inventory_sink_" + pair + ".csv", "inventory_sink_" + pair + ".json",
                                "inventory_sink_" + pair + ".gpkg", "transitions_" + pair + ".csv",
                                "transitions_" + pair + ".json", "quicklook_sink_" + pair + ".png"})
      add(n);
  }
  check_output_targets(targets);
  // Every year's files exist before the first year is computed (GDAL's /vsi paths and product
  // folders are opened later, with their own messages).
  auto exists = [&](std::string const& f, std::string const& what) {
    SINKMAP_EXPECTS(f.empty() || f.rfind("/vsi", 0) == 0 || fs::exists(f), bad_input,
                    cfg.file + ": " + what + ": no file '" + f + "'");
  };
  exists(cfg.zones, "[zones] file");
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

}  // namespace

run_outputs run_one_map(run_config const& cfg, run_settings const& run,
                        io::raster_output_options const& output_options)
{
  fs::create_directories(cfg.output_dir);
  io::run_lock const lock(cfg.output_dir);
  // Everything is written into a staging folder and published only when the run succeeded
  // (io/run_staging.hpp): the previous run in the folder stays whole until then.
  io::run_staging staging(cfg.output_dir, "run.json");
  check_before_writing(cfg, staging);
  auto const out = [&](std::string const& name) { return staging.path(name); };
  run_outputs result;
  nlohmann::json manifest = {{"config", cfg.file}, {"model", cfg.carbon.model}, {"zones", cfg.zones}};
  std::vector<std::string> warnings;

  std::vector<int> year_list;
  for (auto const& y : cfg.years) year_list.push_back(y.year);
  std::unique_ptr<io::netcdf_cube> cube;
  std::optional<io::raster_grid> grid;
  std::unique_ptr<io::zone_set> zones;
  std::unique_ptr<io::cell_area> areas;

  std::vector<std::string> stocks;
  report::run_report rep;
  rep.title = "Carbon stock and sink: " + fs::path(cfg.output_dir).filename().string();
  rep.config = cfg.file;
  rep.output_dir = cfg.output_dir;
  rep.zones_file = cfg.zones;
  rep.zone_field = cfg.zone_field;
  std::vector<inventory> stock_inventories;
  auto coverage_json = [](inventory const& inv) {
    nlohmann::json c = nlohmann::json::array();
    for (auto const& z : inv.coverage)
      c.push_back({{"zone", z.zone}, {"mapped_fraction", z.mapped_fraction}, {"mapped_ha", z.mapped_ha},
                   {"unmapped_ha", z.unmapped_ha}, {"outside_map_ha", z.outside_ha},
                   {"zone_area_ha", z.zone_area_ha}});
    return c;
  };
  for (std::size_t k = 0; k < cfg.years.size(); ++k) {
    auto const& y = cfg.years[k];
    std::string const tag = year_tag(y.year);
    stock_job_options o;
    o.scenes = y.scenes;
    o.scene_options = y.scene_options;
    o.composite = y.composite;
    if (y.composite && y.keep_composite) o.composite_output = out("composite_" + tag + ".tif");
    o.with_nbr = cfg.years.size() > 1;  // the sink's disturbance test
    o.with_agb_input = cfg.mc.active();
    o.carbon = cfg.carbon;
    o.carbon.landcover = y.landcover;
    o.carbon.crosswalk = y.crosswalk;
    o.carbon.forest_type = y.forest_type;
    o.carbon.forest_age = y.forest_age;
    o.output = out("stock_" + tag + ".tif");
    o.output_bands = cfg.stock_bands;
    o.output_options = output_options;
    o.output_options.metadata["SINKMAP_YEAR"] = tag;
    o.run = run;
    std::unique_ptr<zonal_accumulator> acc;
    // Zones, cell areas and the cube need the grid, which the stock job knows once it has opened
    // the scene: it calls on_grid then, before the first tile. Every year must share the grid.
    o.on_grid = [&](io::raster_grid const& g) {
      if (!grid) {
        grid = g;
        zones = std::make_unique<io::zone_set>(cfg.zones, cfg.zone_field, g);
        for (auto const& n : zones->notes()) warnings.push_back(n);
        areas = std::make_unique<io::cell_area>(g);
        if (cfg.cube) {
          std::vector<io::cube_variable> vars = {{"c_total", "total carbon stock (IPCC pools)", "Mg C/ha", false},
                                                 {"sink_c", "carbon sink, positive = uptake", "Mg C/ha/yr", true}};
          if (cfg.mc.active() && cfg.mc_map) {
            vars.push_back({"c_total_sd", "SD of total carbon over the Monte Carlo iterations", "Mg C/ha", false});
            vars.push_back({"sink_c_sd", "SD of the sink over the Monte Carlo iterations", "Mg C/ha/yr", true});
          }
          cube = std::make_unique<io::netcdf_cube>(out("carbon_cube.nc"), year_list, g, vars);
        }
      } else {
        io::check_same_grid(*grid, "year " + year_tag(cfg.years.front().year), g, "year " + tag);
      }
      acc = std::make_unique<zonal_accumulator>(*zones, *areas);
    };
    o.emit_totals = true;
    int const total_plane = emitted_plane(o, "c_total"), class_plane = emitted_plane(o, "ecosystem_class");
    o.reducer = [&, total_plane, class_plane](int, pipeline::window const& w, float const* planes) {
      acc->add_tile(w, planes + total_plane * w.pixels(), planes + class_plane * w.pixels());
    };
    if (cfg.cube)
      o.observer = [&, k, total_plane](int, pipeline::window const& w, float const* planes) {
        cube->write("c_total", int(k), w, planes + total_plane * w.pixels());
      };
    auto const r = run_stock_job(o);
    result.files.push_back(o.output);
    if (!r.class_raster.empty()) push_with_sidecar(result.files, r.class_raster);
    if (cfg.overviews) {
      io::add_overviews(o.output, "AVERAGE");
      if (!r.class_raster.empty()) io::add_overviews(r.class_raster, "MODE");
    }
    if (!o.composite_output.empty()) result.files.push_back(o.composite_output);
    check_impossible_pixels(acc->impossible(), o.output);
    auto inv = make_inventory(acc->table(), *zones, false, parse_class_table(r.provenance.at("SINKMAP_CLASSES")));
    std::optional<uncertainty::mc_totals> stock_mc;
    if (cfg.mc.active()) {
      uncertainty::mc_options mc = cfg.mc;
      if (cfg.mc_map) mc.sd_output = out("stock_" + tag + "_sd.tif");
      stock_mc = uncertainty::run_stock_montecarlo(o.output, {cfg.zones, cfg.zone_field}, o.carbon, mc, run);
      uncertainty::attach_uncertainty(inv, *stock_mc);
      if (cfg.mc_map) {
        result.files.push_back(mc.sd_output);
        if (cube) cube->copy_from("c_total_sd", int(k), mc.sd_output, 1);
      }
      for (auto const& w : stock_mc->warnings) warnings.push_back("year " + tag + " uncertainty: " + w);
    }
    for (auto const& w : r.warnings) warnings.push_back("year " + tag + ": " + w);
    for (auto const& w : coverage_warnings(inv, "year " + tag + " stock")) warnings.push_back(w);
    stock_inventories.push_back(inv);
    write_inventory(inv, out("inventory_" + tag + ".csv"), o.output, cfg.zones, cfg.zone_field);
    result.files.push_back(out("inventory_" + tag + ".csv"));
    result.files.push_back(out("inventory_" + tag + ".json"));
    result.files.push_back(out("inventory_" + tag + ".gpkg"));
    if (cfg.quicklooks) {
      io::write_quicklook(o.output, total_carbon_band(o.output), out("quicklook_stock_" + tag + ".png"),
                          {"Carbon stock " + tag + " (c_total)", "Mg C / ha", false, 1024});
      result.files.push_back(out("quicklook_stock_" + tag + ".png"));
    }
    nlohmann::json year_json = {{"year", y.year},
                                {"stock", o.output},
                                {"inventory", out("inventory_" + tag + ".csv")},
                                {"total_mgc", inv.total.total},
                                {"total_co2e_t", inv.total.co2e},
                                {"coverage", coverage_json(inv)},
                                {"notes", r.notes},
                                {"warnings", r.warnings},
                                {"provenance", r.provenance},
                                {"device", r.stream.device},
                                {"seconds", r.stream.seconds}};
    if (stock_mc) uncertainty::add_total_fields(year_json, *stock_mc);
    manifest["years"].push_back(year_json);
    rep.years.push_back({y.year, o.output, r.class_raster, total_carbon_band(o.output), inv});
    if (k == 0) {
      auto ds = io::open_raster(o.output, "stock map");
      for (char** md = ds->GetMetadata(); md && *md; ++md) {
        std::string const item = *md;
        auto const eq = item.find('=');
        if (eq != std::string::npos && item.rfind("SINKMAP_", 0) == 0) rep.provenance[item.substr(0, eq)] = item.substr(eq + 1);
      }
    }
    stocks.push_back(o.output);

    if (k == 0) continue;
    int const y0 = cfg.years[k - 1].year;
    std::string const pair = year_tag(y0) + "_" + tag;
    sink_job_options so;
    so.stock_t1 = stocks[k - 1];
    so.stock_t2 = o.output;
    so.years = y.year - y0;
    so.method = cfg.sink_method;
    so.transition_years = cfg.transition_years;
    so.dnbr_threshold = cfg.dnbr_threshold;
    so.carbon = cfg.carbon;
    so.carbon.landcover.clear();
    so.carbon.forest_age = cfg.years[k - 1].forest_age;  // growth rates by the first year's age
    so.output = out("sink_" + pair + ".tif");
    so.output_options = output_options;
    so.output_options.metadata["SINKMAP_YEAR_FROM"] = year_tag(y0);
    so.output_options.metadata["SINKMAP_YEAR_TO"] = tag;
    so.run = run;
    sink_accumulator sink_acc(*zones, *areas);
    so.reducer = [&](int, pipeline::window const& w, float const* planes) {
      std::size_t const n = w.pixels();
      sink_acc.add_tile(w, planes, planes + 2 * n, planes + 3 * n, planes + 6 * n, planes + 7 * n);
    };
    auto const sr = run_sink_job(so);
    result.files.push_back(so.output);
    if (!sr.method_raster.empty()) push_with_sidecar(result.files, sr.method_raster);
    if (cube) cube->copy_from("sink_c", int(k) - 1, so.output, 1);
    if (cfg.overviews) io::add_overviews(so.output, "AVERAGE");
    check_impossible_pixels(sink_acc.impossible(), so.output);
    auto si = make_sink_inventory(sink_acc.table(), *zones, sr.class_names);
    auto& sinv = si.by_class;
    std::optional<uncertainty::mc_totals> sink_mc;
    if (cfg.mc.active()) {
      uncertainty::mc_options mc = cfg.mc;
      if (cfg.mc_map) mc.sd_output = out("sink_" + pair + "_sd.tif");
      uncertainty::mc_sink_options ms;
      ms.stock_t1 = so.stock_t1;
      ms.stock_t2 = so.stock_t2;
      ms.years = so.years;
      ms.method = sr.method;
      ms.transition_years = so.transition_years;
      ms.dnbr_threshold = so.dnbr_threshold;
      sink_mc = uncertainty::run_sink_montecarlo(ms, {cfg.zones, cfg.zone_field}, so.carbon, mc, run);
      uncertainty::attach_uncertainty(sinv, *sink_mc);
      if (cfg.mc_map) {
        result.files.push_back(mc.sd_output);
        if (cube) cube->copy_from("sink_c_sd", int(k) - 1, mc.sd_output, 1);
      }
      for (auto const& w : sink_mc->warnings) warnings.push_back("sink " + pair + " uncertainty: " + w);
    }
    for (auto const& w : sr.warnings) warnings.push_back("sink " + year_tag(y0) + "-" + tag + ": " + w);
    if (auto w = product_version_warning(cfg.years[k - 1].landcover, y.landcover))
      if (std::find(warnings.begin(), warnings.end(), "sink " + year_tag(y0) + "-" + tag + ": " + *w) == warnings.end())
        warnings.push_back("sink " + year_tag(y0) + "-" + tag + ": " + *w);
    write_transitions(si.transitions, out("transitions_" + pair + ".csv"), so.output, cfg.zones);
    result.files.push_back(out("transitions_" + pair + ".csv"));
    result.files.push_back(out("transitions_" + pair + ".json"));
    for (auto const& w : coverage_change_warnings(stock_inventories[k - 1], stock_inventories[k],
                                                  "sink " + year_tag(y0) + "-" + tag))
      warnings.push_back(w);
    for (auto const& w : coverage_warnings(sinv, "sink " + year_tag(y0) + "-" + tag)) warnings.push_back(w);
    write_inventory(sinv, out("inventory_sink_" + pair + ".csv"), so.output, cfg.zones, cfg.zone_field);
    result.files.push_back(out("inventory_sink_" + pair + ".csv"));
    result.files.push_back(out("inventory_sink_" + pair + ".json"));
    result.files.push_back(out("inventory_sink_" + pair + ".gpkg"));
    if (cfg.quicklooks) {
      io::write_quicklook(so.output, 1, out("quicklook_sink_" + pair + ".png"),
                          {"Carbon sink " + year_tag(y0) + "-" + tag + " (+ = uptake)",
                           "Mg C/ha/yr", true, 1024});
      result.files.push_back(out("quicklook_sink_" + pair + ".png"));
    }
    nlohmann::json sink_json = {{"from", y0},
                                {"to", y.year},
                                {"sink", so.output},
                                {"method", sr.method},
                                {"inventory", out("inventory_sink_" + pair + ".csv")},
                                {"transitions", out("transitions_" + pair + ".csv")},
                                {"total_mgc_per_yr", sinv.total.total},
                                {"total_co2e_t_per_yr", sinv.total.co2e},
                                {"gains_mgc_per_yr", sinv.total.gains},
                                {"losses_mgc_per_yr", sinv.total.losses},
                                {"notes", sr.notes},
                                {"coverage", coverage_json(sinv)}};
    if (sink_mc) uncertainty::add_total_fields(sink_json, *sink_mc);
    manifest["sinks"].push_back(sink_json);
    rep.sinks.push_back({y0, y.year, so.output, sinv, si.transitions});
  }
  if (cfg.trend && stocks.size() >= 3) {
    // The per-pixel trend of total carbon over every year, and its zone inventory.
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
    write_inventory(tinv, out("inventory_trend_" + span + ".csv"), to.output, cfg.zones, cfg.zone_field);
    result.files.push_back(out("inventory_trend_" + span + ".csv"));
    result.files.push_back(out("inventory_trend_" + span + ".json"));
    result.files.push_back(out("inventory_trend_" + span + ".gpkg"));
    manifest["trend"] = {{"map", to.output}, {"inventory", out("inventory_trend_" + span + ".csv")},
                         {"total_slope_mgc_per_yr", tinv.total.total}};
  } else if (cfg.trend) {
    warnings.push_back("trend = true needs 3 or more years; this run has " + std::to_string(stocks.size()));
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
