#include "jobs/run_job.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"
#include "io/cell_area.hpp"
#include "io/hdf5_cube.hpp"
#include "io/quicklook.hpp"
#include "io/zones.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/sink_job.hpp"
#include "jobs/stock_job.hpp"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>

namespace sinkmap::jobs {
namespace {

namespace fs = std::filesystem;

struct config_reader {
  std::string file;
  fs::path dir;

  [[noreturn]] void fail(toml::node const* n, std::string const& key, std::string const& what) const
  {
    std::string where = file;
    if (n) where += " line " + std::to_string(n->source().begin.line);
    SINKMAP_FAIL(bad_input, where + ": " + key + ": " + what);
  }

  std::optional<std::string> text(toml::table const& t, std::string const& key) const
  {
    auto const* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(n, key, "expected a string");
    return n->value<std::string>();
  }

  std::string path(toml::table const& t, std::string const& key, bool required) const
  {
    auto v = text(t, key);
    if (!v) {
      if (required) fail(&t, key, "missing");
      return "";
    }
    fs::path p(*v);
    return (p.is_absolute() ? p : dir / p).lexically_normal().string();
  }

  std::vector<std::string> strings(toml::table const& t, std::string const& key) const
  {
    std::vector<std::string> out;
    auto const* n = t.get(key);
    if (!n) return out;
    if (auto const* a = n->as_array()) {
      for (auto const& e : *a) {
        if (!e.is_string()) fail(&e, key, "expected strings");
        out.push_back(*e.value<std::string>());
      }
    } else if (n->is_string()) {
      out.push_back(*n->value<std::string>());
    } else {
      fail(n, key, "expected a string or a list of strings");
    }
    return out;
  }
};

std::string year_tag(int y) { return std::to_string(y); }

}  // namespace

run_config load_run_config(std::string const& path)
{
  SINKMAP_EXPECTS(fs::exists(path), bad_input, "CONFIG: no file '" + path + "'");
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (toml::parse_error const& e) {
    SINKMAP_FAIL(bad_input, path + " line " + std::to_string(e.source().begin.line) + ": " +
                              std::string(e.description()));
  }
  config_reader const r{path, fs::path(path).parent_path()};
  run_config c;
  c.file = path;
  c.output_dir = r.path(root, "output", true);
  auto& co = c.carbon;
  co.model = r.text(root, "model").value_or(co.model);
  if (co.model.find('/') != std::string::npos || co.model.find(".json") != std::string::npos)
    co.model = r.path(root, "model", true);
  co.landcover_resampling = r.text(root, "landcover_resampling").value_or(co.landcover_resampling);
  co.climate_zone = r.text(root, "climate_zone").value_or("");
  co.climate_zone_map = r.path(root, "climate_zone_map", false);
  co.climate_zone_crosswalk = r.text(root, "climate_zone_crosswalk").value_or(co.climate_zone_crosswalk);
  co.forest_type_crosswalk = r.text(root, "forest_type_crosswalk").value_or(co.forest_type_crosswalk);
  co.forest_age_class = r.text(root, "forest_age_class").value_or("");
  co.soil_type = r.text(root, "soil_type").value_or("");
  std::string const default_crosswalk = r.text(root, "crosswalk").value_or("");
  c.stock_bands = r.strings(root, "stock_bands");
  for (auto const* key : {"cube", "quicklooks"})
    if (auto const* n = root.get(key)) {
      if (!n->is_boolean()) r.fail(n, key, "expected true or false");
      (std::string(key) == "cube" ? c.cube : c.quicklooks) = *n->value<bool>();
    }

  auto const* zones = root.get_as<toml::table>("zones");
  if (!zones) r.fail(&root, "zones", "missing table [zones] with file and field");
  c.zones = r.path(*zones, "file", true);
  c.zone_field = r.text(*zones, "field").value_or("");
  if (c.zone_field.empty()) r.fail(zones, "zones.field", "missing");

  auto const* years = root.get_as<toml::array>("years");
  if (!years || years->empty()) r.fail(&root, "years", "missing: add [[years]] tables");
  std::set<int> seen;
  for (auto const& node : *years) {
    auto const* t = node.as_table();
    if (!t) r.fail(&node, "years", "expected [[years]] tables");
    run_year y;
    auto const year = t->get("year");
    if (!year || !year->is_integer()) r.fail(t, "years.year", "missing or not an integer");
    y.year = int(*year->value<std::int64_t>());
    if (!seen.insert(y.year).second) r.fail(t, "years.year", std::to_string(y.year) + " is listed twice");
    for (auto const& s : r.strings(*t, "scene")) {
      fs::path p(s);
      y.scenes.push_back((p.is_absolute() ? p : r.dir / p).lexically_normal().string());
    }
    y.landcover = r.path(*t, "landcover", false);
    y.crosswalk = r.text(*t, "crosswalk").value_or(default_crosswalk);
    y.forest_type = r.path(*t, "forest_type", false);
    y.forest_age = r.path(*t, "forest_age", false);
    y.mask = r.text(*t, "mask").value_or("default");
    if (auto const* res = t->get("resolution")) y.resolution = int(res->value_or<std::int64_t>(0));
    y.bands = r.strings(*t, "bands");
    y.scales = r.strings(*t, "scale");
    y.offsets = r.strings(*t, "offset");
    if (y.scenes.empty() && y.landcover.empty())
      r.fail(t, "years.scene", "year " + std::to_string(y.year) + " has neither scene nor landcover");
    c.years.push_back(y);
  }
  std::sort(c.years.begin(), c.years.end(), [](auto const& a, auto const& b) { return a.year < b.year; });
  return c;
}

run_outputs run_one_map(run_config const& cfg, run_settings const& run,
                        io::raster_output_options const& output_options)
{
  fs::create_directories(cfg.output_dir);
  auto const out = [&](std::string const& name) { return (fs::path(cfg.output_dir) / name).string(); };
  run_outputs result;
  nlohmann::json manifest = {{"config", cfg.file}, {"model", cfg.carbon.model}, {"zones", cfg.zones}};
  std::vector<std::string> warnings;

  std::vector<int> year_list;
  for (auto const& y : cfg.years) year_list.push_back(y.year);
  std::unique_ptr<io::hdf5_cube> cube;
  std::optional<io::raster_grid> grid;
  std::unique_ptr<io::zone_set> zones;
  std::unique_ptr<io::cell_area> areas;

  std::vector<std::string> stocks;
  for (std::size_t k = 0; k < cfg.years.size(); ++k) {
    auto const& y = cfg.years[k];
    std::string const tag = year_tag(y.year);
    stock_job_options o;
    o.scenes = y.scenes;
    o.scene_options.bands = y.bands;
    o.scene_options.scales = y.scales;
    o.scene_options.offsets = y.offsets;
    o.scene_options.mask = y.mask;
    o.scene_options.resolution = y.resolution;
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
        areas = std::make_unique<io::cell_area>(g);
        if (cfg.cube)
          cube = std::make_unique<io::hdf5_cube>(out("carbon_stock_cube.h5"), "c_total",
                                                 year_list, g, "Mg C / ha");
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
        cube->write(int(k), w, planes + total_plane * w.pixels());
      };
    auto const r = run_stock_job(o);
    result.files.push_back(o.output);
    auto const inv = make_inventory(acc->table(), *zones, false, parse_class_table(r.provenance.at("SINKMAP_CLASSES")));
    for (auto const& w : r.warnings) warnings.push_back("year " + tag + ": " + w);
    write_inventory(inv, out("inventory_" + tag + ".csv"), o.output, cfg.zones);
    result.files.push_back(out("inventory_" + tag + ".csv"));
    result.files.push_back(out("inventory_" + tag + ".json"));
    if (cfg.quicklooks) {
      io::write_quicklook(o.output, total_carbon_band(o.output), out("quicklook_stock_" + tag + ".png"),
                          {"Carbon stock " + tag + " (c_total)", "Mg C / ha", false, 1024});
      result.files.push_back(out("quicklook_stock_" + tag + ".png"));
    }
    manifest["years"].push_back({{"year", y.year},
                                 {"stock", o.output},
                                 {"inventory", out("inventory_" + tag + ".csv")},
                                 {"total_mgc", inv.total.total},
                                 {"notes", r.notes},
                                 {"warnings", r.warnings},
                                 {"provenance", r.provenance},
                                 {"device", r.stream.device},
                                 {"seconds", r.stream.seconds}});
    stocks.push_back(o.output);

    if (k == 0) continue;
    int const y0 = cfg.years[k - 1].year;
    std::string const pair = year_tag(y0) + "_" + tag;
    sink_job_options so;
    so.stock_t1 = stocks[k - 1];
    so.stock_t2 = o.output;
    so.years = y.year - y0;
    so.output = out("sink_" + pair + ".tif");
    so.output_options = output_options;
    so.run = run;
    zonal_accumulator sink_acc(*zones, *areas);
    so.reducer = [&](int, pipeline::window const& w, float const* planes) {
      sink_acc.add_tile(w, planes, nullptr);
    };
    run_sink_job(so);
    result.files.push_back(so.output);
    auto const sinv = make_inventory(sink_acc.table(), *zones, true, {});
    write_inventory(sinv, out("inventory_sink_" + pair + ".csv"), so.output, cfg.zones);
    result.files.push_back(out("inventory_sink_" + pair + ".csv"));
    result.files.push_back(out("inventory_sink_" + pair + ".json"));
    if (cfg.quicklooks) {
      io::write_quicklook(so.output, 1, out("quicklook_sink_" + pair + ".png"),
                          {"Carbon sink " + year_tag(y0) + "-" + tag + " (+ = uptake)",
                           "Mg C/ha/yr", true, 1024});
      result.files.push_back(out("quicklook_sink_" + pair + ".png"));
    }
    manifest["sinks"].push_back({{"from", y0},
                                 {"to", y.year},
                                 {"sink", so.output},
                                 {"inventory", out("inventory_sink_" + pair + ".csv")},
                                 {"total_mgc_per_yr", sinv.total.total}});
  }
  if (cube) {
    cube->commit();
    result.files.push_back(out("carbon_stock_cube.h5"));
    manifest["cube"] = out("carbon_stock_cube.h5");
  }
  manifest["files"] = result.files;
  manifest["warnings"] = warnings;
  for (auto const& w : warnings) std::fprintf(stderr, "sinkmap run: warning: %s\n", w.c_str());
  result.manifest = out("run.json");
  io::write_text_atomically(result.manifest, manifest.dump(2) + "\n");
  return result;
}

}  // namespace sinkmap::jobs
