#include "jobs/run_config.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "io/target_grid.hpp"
#include "jobs/config_table.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <set>

namespace sinkmap::jobs {
namespace {

namespace fs = std::filesystem;

std::string number_list(std::vector<double> const& v)
{
  std::string s;
  for (double x : v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    s += (s.empty() ? "" : ",") + std::string(buf);
  }
  return s;
}

void read_grid(config_table& root, io::grid_spec& g)
{
  auto const* t = root.table("grid");
  if (!t) return;
  config_table grid(root.file(), root.dir(), *t, "grid");
  g.crs = grid.text("crs").value_or("");
  g.resolution = grid.number("resolution", 1e-9, 1e7).value_or(0);
  if (auto e = grid.numbers("extent", 4, -1e9, 1e9)) {
    if (!((*e)[0] < (*e)[2] && (*e)[1] < (*e)[3]))
      grid.fail(t->get("extent"), "extent", "expected [XMIN, YMIN, XMAX, YMAX] with XMIN < XMAX, YMIN < YMAX");
    g.extent = std::array<double, 4>{(*e)[0], (*e)[1], (*e)[2], (*e)[3]};
  }
  g.like = grid.path("like");
  g.target_aligned = grid.boolean("target_aligned_pixels").value_or(false);
  g.resampling = grid.choice("resampling", {"near", "bilinear", "cubic", "average"}).value_or("near");
  if (g.crs.empty() && g.like.empty()) grid.fail(t, "crs", "missing: give crs and resolution, or like");
  if (!g.crs.empty() && g.resolution == 0) grid.fail(t, "resolution", "missing: the pixel size in the CRS's units");
  grid.finish();
}

// A crosswalk is a name the model lists or a file; a file path is relative to the config's folder
// (a bureau's own legend beside its config), a bare name stays a name.
std::string crosswalk_name_or_path(std::string const& v, std::string const& dir)
{
  if (v.empty() || v.find('/') == std::string::npos) return v;
  fs::path const p(v);
  return p.is_absolute() ? v : (fs::path(dir) / p).lexically_normal().string();
}

run_year read_year(config_table& y, run_config const& c, std::string const& default_crosswalk)
{
  run_year out;
  auto const year = y.integer("year", 1900, 2200);
  if (!year) y.fail(&y.node(), "year", "missing");
  out.year = int(*year);
  out.scenes = y.paths("scene");
  auto& so = out.scene_options;
  so.stac = y.path("stac");  // STAC items: one date's scene, or a composite's (season, composite)
  if (!so.stac.empty() && !out.scenes.empty()) y.fail(y.node().get("stac"), "stac", "give scene or stac, not both");
  so.bands = y.strings("bands");
  so.scales = y.strings("scale");
  so.offsets = y.strings("offset");
  so.nodata = y.strings("nodata");
  so.mask = y.text("mask").value_or("default");
  so.resolution = int(y.integer("resolution", 10, 60).value_or(0));
  if (so.resolution != 0 && so.resolution != 10 && so.resolution != 20 && so.resolution != 60)
    y.fail(y.node().get("resolution"), "resolution",
           std::to_string(so.resolution) + " m: a Sentinel-2 grid is 10, 20 or 60 m");
  so.grid = c.grid;
  if (so.grid.active()) so.resolution = so.grid.resolution >= 60 ? 60 : so.grid.resolution >= 20 ? 20 : 10;

  // A composite: scenes (products, globs) or scene_list, within the season.
  auto const products = y.paths("scenes");
  std::string const list = y.path("scene_list");
  auto const season = y.strings("season");
  auto const method = y.choice("composite", {"medoid", "median", "max-ndvi"});
  auto const clear = y.numbers("clear", 0, 0, 255);
  auto const valid = y.numbers("valid_range", 2, -1e6, 1e6);
  auto const roles = y.strings("roles");
  out.keep_composite = y.boolean("keep_composite").value_or(false);
  bool const stac_composite = !so.stac.empty() && (y.has("season") || y.has("composite"));
  if (!products.empty() || !list.empty() || stac_composite) {
    if (int(!products.empty()) + int(!list.empty()) + int(!so.stac.empty()) > 1)
      y.fail(y.node().get(so.stac.empty() ? "scene_list" : "stac"), so.stac.empty() ? "scene_list" : "stac",
             "give one of scenes, scene_list and stac");
    if (!out.scenes.empty()) y.fail(y.node().get("scene"), "scene", "give scene (one date) or scenes / scene_list (a composite), not both");
    composite::composite_request r;
    r.scenes = composite::expand_globs(products);
    r.scene_list = list;
    r.scene_options = so;
    r.method = method.value_or("medoid");
    if (clear)
      for (double v : *clear) {
        if (v != double(long(v))) y.fail(y.node().get("clear"), "clear", "mask values are integers");
        r.clear.push_back(std::to_string(long(v)));
      }
    if (valid) {
      if (!((*valid)[0] < (*valid)[1])) y.fail(y.node().get("valid_range"), "valid_range", "expected [LO, HI] with LO < HI");
      r.valid_range = std::pair{(*valid)[0], (*valid)[1]};
    }
    r.roles = roles;
    if (!season.empty()) {
      if (season.size() != 2) y.fail(y.node().get("season"), "season", "expected [\"MM-DD\", \"MM-DD\"]");
      r.from = std::to_string(out.year) + "-" + season[0];
      r.to = std::to_string(out.year) + "-" + season[1];
      try {
        composite::day_of_year(r.from, "season");
        composite::day_of_year(r.to, "season");
      } catch (bad_input const&) {
        y.fail(y.node().get("season"), "season", "expected [\"MM-DD\", \"MM-DD\"] (e.g. [\"06-01\", \"09-30\"])");
      }
      if (r.from > r.to) y.fail(y.node().get("season"), "season", "the first day is after the last");
    } else {
      r.from = std::to_string(out.year) + "-01-01";
      r.to = std::to_string(out.year) + "-12-31";
    }
    out.composite = r;
  } else {
    for (auto const* k : {"season", "composite", "clear", "valid_range", "roles", "keep_composite"})
      if (y.has(k)) y.fail(y.node().get(k), k, "applies to composites: give scenes, scene_list or stac");
  }
  out.landcover = y.path("landcover");
  out.crosswalk = y.text("crosswalk") ? crosswalk_name_or_path(*y.text("crosswalk"), y.dir()) : default_crosswalk;
  out.forest_type = y.path("forest_type");
  out.forest_age = y.path("forest_age");
  if (out.scenes.empty() && so.stac.empty() && !out.composite && out.landcover.empty())
    y.fail(&y.node(), "scene", "year " + std::to_string(out.year) +
                                 " has no scene, scenes, scene_list, stac or landcover");
  y.finish();
  (void)number_list;
  return out;
}

}  // namespace

run_config load_run_config(std::string const& path)
{
  SINKMAP_EXPECTS(fs::is_regular_file(path), bad_input, "CONFIG: no file '" + path + "'");
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (toml::parse_error const& e) {
    SINKMAP_FAIL(bad_input, path + " line " + std::to_string(e.source().begin.line) + ": " +
                              std::string(e.description()));
  }
  note_input(path);  // a config saved as OUTPUT/run.json must not become the manifest
  config_table root(path, fs::path(path).parent_path(), doc, "");
  run_config c;
  c.file = path;
  c.output_dir = root.path("output", true);
  auto& co = c.carbon;
  co.model = root.text("model").value_or(co.model);
  if (co.model.find('/') != std::string::npos || co.model.find(".json") != std::string::npos)
    co.model = (fs::path(path).parent_path() / co.model).lexically_normal().string();
  co.landcover_resampling = root.choice("landcover_resampling", {"nearest", "mode"}).value_or(co.landcover_resampling);
  co.climate_zone = root.text("climate_zone").value_or("");
  co.climate_zone_map = root.path("climate_zone_map");
  co.climate_zone_crosswalk = root.text("climate_zone_crosswalk").value_or(co.climate_zone_crosswalk);
  co.forest_type_crosswalk = root.text("forest_type_crosswalk").value_or(co.forest_type_crosswalk);
  co.forest_age_class = root.choice("forest_age_class", {"young", "old"}).value_or("");
  co.soil_type = root.text("soil_type").value_or("");
  co.unmapped_classes = root.boolean("unmapped_classes").value_or(false);
  std::string const default_crosswalk = crosswalk_name_or_path(root.text("crosswalk").value_or(""), root.dir());
  c.stock_bands = root.strings("stock_bands");
  c.cube = root.boolean("cube").value_or(true);
  c.quicklooks = root.boolean("quicklooks").value_or(true);
  c.overviews = root.boolean("overviews").value_or(true);
  c.format = root.choice("format", {"COG", "GTiff"}).value_or("");
  c.sink_method = root.choice("sink_method", {"auto", "stock-difference", "gain-loss"}).value_or("auto");
  c.transition_years = root.number("transition_years", 1, 1000).value_or(20);
  c.dnbr_threshold = root.number("dnbr_threshold", -2, 2);
  c.trend = root.boolean("trend").value_or(false);
  c.confirm_years = int(root.integer("confirm_years", 1, 40).value_or(2));
  c.wetland_restoration = root.choice("wetland_restoration", {"recolonized", "planted"}).value_or("recolonized");
  c.wetland_area_change = root.number("wetland_area_change", 0, 1).value_or(0.1);
  c.start_state = root.path("start_state");
  c.harvest = root.path("harvest");
  c.statistics_check = root.boolean("statistics_check");
  c.statistics = root.text("statistics").value_or("");
  c.lang = root.choice("lang", {"en", "zh"}).value_or("en");
  read_grid(root, c.grid);

  if (auto const* ut = root.table("uncertainty")) {
    config_table u(path, root.dir(), *ut, "uncertainty");
    auto const n = u.integer("iterations", 2, 10000);
    if (!n) u.fail(ut, "iterations", "missing: the number of Monte Carlo iterations (e.g. 1000)");
    c.mc.iterations = int(*n);
    c.mc.seed = std::uint64_t(u.integer("seed", 0, std::numeric_limits<std::int64_t>::max()).value_or(1));
    c.mc_map = u.boolean("map").value_or(false);
    c.mc.confusion = u.path("landcover_confusion");
    c.mc.confusion_crosswalk = u.text("confusion_crosswalk").value_or("");
    c.mc.mode = u.choice("mode", {"grouped", "exact"}).value_or("grouped") == "exact" ? uncertainty::mc_mode::exact
                                                                                      : uncertainty::mc_mode::grouped;
    u.finish();
  }

  if (auto const* ft = root.table("forest_inventory")) {
    // A forest management inventory's sub-compartments (io/forest_inventory.hpp).
    config_table f(path, root.dir(), *ft, "forest_inventory");
    auto& fi = co.forest_inventory;
    fi.file = f.path("file", true);
    fi.layer = f.text("layer").value_or("");
    auto const year = f.integer("year", 1900, 2200);
    if (!year) f.fail(ft, "year", "missing: the survey year (the ages and volumes are of that year)");
    fi.year = int(*year);
    fi.type_field = f.text("type_field").value_or("");
    if (fi.type_field.empty()) f.fail(ft, "type_field", "missing: the field of the dominant species or forest type");
    fi.origin_field = f.text("origin_field").value_or("");
    fi.age_field = f.text("age_field").value_or("");
    fi.volume_field = f.text("volume_field").value_or("");
    fi.increment_field = f.text("increment_field").value_or("");
    fi.crosswalk = crosswalk_name_or_path(root.text("forest_type_crosswalk").value_or(""), root.dir());
    if (fi.crosswalk.empty()) fi.crosswalk = co.forest_type_crosswalk;
    f.finish();
  }

  if (auto const* bt = root.table("coastal_blue_carbon")) {
    config_table b(path, root.dir(), *bt, "coastal_blue_carbon");
    c.blue_carbon.biophysical = b.path("biophysical", true);
    c.blue_carbon.transitions = b.path("transitions", true);
    c.blue_carbon.analysis_year = int(b.integer("analysis_year", 1, 99999).value_or(0));
    b.finish();
  }

  auto const* zt = root.table("zones");
  if (!zt) root.fail(&doc, "zones", "missing table [zones] with file and field");
  config_table zones(path, root.dir(), *zt, "zones");
  c.zones = zones.path("file", true);
  c.zone_field = zones.text("field").value_or("");
  if (c.zone_field.empty()) zones.fail(zt, "field", "missing");
  zones.finish();

  auto const* years = root.tables("years");
  if (!years || years->empty()) root.fail(&doc, "years", "missing: add [[years]] tables");
  std::set<int> seen;
  for (std::size_t k = 0; k < years->size(); ++k) {
    config_table y(path, root.dir(), *(*years)[k].as_table(), "years[" + std::to_string(k) + "]");
    run_year ry = read_year(y, c, default_crosswalk);
    if (!seen.insert(ry.year).second)
      y.fail(y.node().get("year"), "year", std::to_string(ry.year) + " is listed twice");
    c.years.push_back(std::move(ry));
  }
  root.finish();
  std::sort(c.years.begin(), c.years.end(), [](auto const& a, auto const& b) { return a.year < b.year; });
  return c;
}

}  // namespace sinkmap::jobs
