#include "jobs/montecarlo_job.hpp"

#include "io/map_metadata.hpp"

#include "io/run_staging.hpp"
#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "io/atomic_output.hpp"
#include "io/cell_area.hpp"
#include "gdal/gdal_session.hpp"
#include "io/gdal_tile_source.hpp"
#include "io/geotiff_writer.hpp"
#include "io/zones.hpp"
#include "jobs/raster_stream.hpp"
#include "models/crosswalk.hpp"
#include "uncertainty/confusion.hpp"
#include "uncertainty/grouped_montecarlo.hpp"
#include "uncertainty/mc_tile_kernel.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <tuple>

namespace sinkmap::uncertainty {
namespace {

// One class table per iteration lives in host and device memory (17 KiB each), and a tile's
// partial block holds cells x iterations sums: 10 000 iterations keep both under 200 MiB.
constexpr int max_iterations = 10000;

// Reads the maps' planes, then adds each pixel's tile-local (zone, class) cell as the last
// plane and records the tile's cells.
class mc_source final : public pipeline::tile_source {
 public:
  mc_source(std::vector<io::band_source> const& planes, int readers, io::zone_set const* zones,
            kernels::mc_planes const& q, int sink, tile_cells& cells)
    : inner_(planes, kernels::pixel_type::f32, readers), zones_(zones), q_(q), sink_(sink), cells_(cells)
  {
  }

  void read(int reader, pipeline::window const& w, void* dst) override
  {
    inner_.read(reader, w, dst);
    auto* f = static_cast<float*>(dst);
    std::size_t const n = w.pixels();
    thread_local std::vector<int> ids;
    if (zones_) zones_->rasterize(w, ids);
    else ids.assign(n, 1);
    float const* cls = f + std::size_t(q_.cls[sink_ ? 1 : 0]) * n;
    float* cell = f + std::size_t(q_.cell) * n;
    std::vector<std::pair<int, int>> list;
    std::map<std::pair<int, int>, int> index;
    for (std::size_t i = 0; i < n; ++i) {
      bool mapped = ids[i] > 0;
      for (int k = 0; k < (sink_ ? 2 : 1) && mapped; ++k) mapped = !std::isnan(f[std::size_t(q_.c_total[k]) * n + i]);
      if (!mapped) {
        cell[i] = NAN;
        continue;
      }
      int const c = cls[i] > 0 && cls[i] < float(kernels::max_classes) ? int(cls[i]) : 0;
      auto [it, fresh] = index.try_emplace({ids[i], c}, int(list.size()));
      if (fresh) {
        SINKMAP_EXPECTS(list.size() < std::size_t(kernels::max_mc_cells), bad_input,
                        "the Monte Carlo's tile at pixel (" + std::to_string(w.x) + ", " + std::to_string(w.y) +
                          ") spans more than " + std::to_string(kernels::max_mc_cells) +
                          " zone-class cells: pass a smaller --tile");
        list.push_back({ids[i], c});
      }
      cell[i] = float(it->second);
    }
    cells_.set(w, std::move(list));
  }

 private:
  io::gdal_tile_source inner_;
  io::zone_set const* zones_;
  kernels::mc_planes q_;
  int sink_;
  tile_cells& cells_;
};

// What both passes share once their planes and parameters are set.
struct mc_plan {
  io::raster_grid grid;
  std::vector<io::band_source> planes;  // file planes; the cell plane follows
  kernels::mc_params params;
  models::carbon_model model;
  std::map<int, std::string> class_names;
  std::string sd_band;
  bool agb_input_everywhere = false;  ///< the agb_input band holds the index at Tier 1 pixels too
  std::shared_ptr<io::owned_file> inventory_file;  ///< a forest inventory burnt for this plan
  std::vector<std::string> notes, warnings;
};

bool agb_input_everywhere(GDALDataset& ds)
{
  int const b = io::band_named(ds, "agb_input");
  if (!b) return false;
  char const* index = ds.GetRasterBand(b)->GetMetadataItem("index");
  return index && std::string(index).find("several") == std::string::npos;
}

// What a map records of the carbon inputs it was made with (model, climate zone or zone map,
// age class or age map, soil type), where the user did not give them: the structured record
// its writer left as its SINKMAP_JSON_carbon_inputs item (io/map_metadata.hpp).
jobs::carbon_input_options recorded_options(GDALDataset& map, std::string const& map_file,
                                            jobs::carbon_input_options c)
{
  auto const all = io::structured_metadata(map, map_file);
  auto const rec = all.value("carbon_inputs", nlohmann::json::object());
  auto const text = [&](nlohmann::json const& j, char const* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  if (c.model.empty() || c.model == models::default_model_name) {
    std::string const named = rec.empty() ? io::metadata_item(map, "SINKMAP_MODEL_FILE") : text(rec, "model_file");
    if (!named.empty()) c.model = named;
  }
  if (rec.empty()) {
    // A map without the record (another tool, or an older sinkmap) says nothing reliable about
    // its zone and age: the user's options, or the model's defaults, apply, and we say so when
    // its text metadata suggests it was made otherwise.
    std::string const zone = io::metadata_item(map, "SINKMAP_CLIMATE_ZONE"), age = io::metadata_item(map, "SINKMAP_AGE_CLASS");
    bool const zone_given = !c.climate_zone.empty() || !c.climate_zone_map.empty();
    bool const age_given = !c.forest_age.empty() || !c.forest_age_class.empty();
    SINKMAP_EXPECTS((zone.empty() || zone_given || zone.find("(model default)") != std::string::npos) &&
                      (age.empty() || age_given || age.find("(model default)") != std::string::npos),
                    bad_input,
                    "--uncertainty: '" + map_file + "' was made with climate zone '" + zone + "' and age class '" + age +
                      "' but has no SINKMAP_JSON_carbon_inputs record of them (made by an older sinkmap or another tool): pass "
                      "--climate-zone or --climate-zone-map and --forest-age-class or --forest-age, or remake the map");
    return c;
  }
  if (c.soil_type.empty()) c.soil_type = text(rec, "soil_type");
  auto const zone = rec.value("climate_zone", nlohmann::json::object());
  if (c.climate_zone.empty() && c.climate_zone_map.empty()) {
    std::string const source = text(zone, "source");
    if (source == "map") {
      c.climate_zone_map = text(zone, "map");
      c.climate_zone_crosswalk = text(zone, "crosswalk");
    } else if (source == "option") {
      c.climate_zone = text(zone, "name");
    }
  }
  auto const age = rec.value("age", nlohmann::json::object());
  if (c.forest_age.empty() && c.forest_age_class.empty()) {
    std::string const source = text(age, "source");
    if (source == "map") c.forest_age = text(age, "map");
    else if (source == "option") c.forest_age_class = text(age, "class");
  }
  // A map made with a forest inventory: its polygons are read and burnt again, so the Monte
  // Carlo recomputes their pixels from their growing stock as the map did.
  auto const fi = rec.value("forest_inventory", nlohmann::json::object());
  if (!c.forest_inventory.given() && fi.is_object() && !fi.empty() && c.forest_type.empty() && c.forest_age.empty()) {
    auto& o = c.forest_inventory;
    o.file = text(fi, "file");
    o.layer = text(fi, "layer");
    o.year = fi.value("year", 0);
    o.type_field = text(fi, "type_field");
    o.origin_field = text(fi, "origin_field");
    o.age_field = text(fi, "age_field");
    o.volume_field = text(fi, "volume_field");
    o.increment_field = text(fi, "increment_field");
    if (!text(fi, "crosswalk").empty()) o.crosswalk = text(fi, "crosswalk");
    c.map_year = fi.value("map_year", 0);
  }
  return c;
}

// The model a map was made with (or carbon.model), its zone and age maps, the confusion.
void prepare(mc_plan& plan, GDALDataset& map, std::string const& map_file, jobs::carbon_input_options carbon,
             mc_options const& mc, std::vector<std::string>& warnings)
{
  carbon = recorded_options(map, map_file, std::move(carbon));
  SINKMAP_EXPECTS(!carbon.model.empty(), bad_input,
                  "--uncertainty: '" + map_file + "' does not name its model; pass --model");
  std::string const crosswalk = carbon.crosswalk.empty() ? io::metadata_item(map, "SINKMAP_CROSSWALK") : carbon.crosswalk;
  carbon.landcover.clear();
  carbon.forest_type.clear();
  jobs::carbon_inputs in = jobs::prepare_carbon_inputs(carbon, plan.grid);
  if (!io::metadata_item(map, "SINKMAP_MODEL_SHA256").empty() && io::metadata_item(map, "SINKMAP_MODEL_SHA256") != in.model.sha256)
    warnings.push_back("model " + carbon.model + " is not the file '" + map_file + "' was made with (SHA-256 differs)");
  auto& p = plan.params;
  kernels::carbon_stage_params cp;
  jobs::bind_carbon_inputs(in, 0, cp);
  if (in.zone >= 0) {
    p.planes.zone = int(plan.planes.size()) + in.zone;
    std::memcpy(p.zone_lut, cp.zone_lut, sizeof p.zone_lut);
  }
  if (in.forest_age >= 0) p.planes.age = int(plan.planes.size()) + in.forest_age;
  if (in.volume >= 0) p.planes.volume = int(plan.planes.size()) + in.volume;
  p.age_offset_years = in.age_offset_years;
  p.bcef = cp.bcef;
  plan.inventory_file = in.inventory_file;  // the burnt inventory lives as long as the plan
  for (auto const& pl : in.planes) plan.planes.push_back(pl.source);
  p.default_zone = cp.default_zone;
  p.default_age = cp.default_age;
  p.age_boundary_years = cp.age_boundary_years;
  for (auto const& c : in.model.classes) p.opt.imagery[c.id] = c.tier1 ? 0 : 1;
  for (int s = 0; s < in.model.tables->n_sets; ++s) p.residuals |= in.model.tables->sets[s].residual_sd > 0 ? 1 : 0;
  if (!mc.confusion.empty()) {
    std::optional<models::code_lookup> codes;
    std::string const cw = mc.confusion_crosswalk.empty() ? crosswalk : mc.confusion_crosswalk;
    if (!cw.empty()) codes = models::class_lookup(models::load_crosswalk(models::resolve_crosswalk_path(cw, in.model)), in.model);
    auto const conf = read_confusion(mc.confusion, in.model, codes);
    std::memcpy(p.confusion_cdf, conf.cdf, sizeof p.confusion_cdf);
    p.confusion = 1;
    // A pixel drawn into an imagery class needs the index its model reads.
    for (auto const& to : in.model.classes) {
      if (to.tier1) continue;
      for (auto const& from : in.model.classes) {
        float const below = to.id > 0 ? conf.cdf[from.id][to.id - 1] : 0.0f;
        if (from.id == to.id || conf.cdf[from.id][to.id] - below <= 0.0f) continue;
        SINKMAP_EXPECTS(plan.params.planes.x[0] >= 0 && plan.agb_input_everywhere, bad_input,
                        "--landcover-confusion: " + mc.confusion + " moves class " + from.name + " into " + to.name +
                          ", whose biomass comes from imagery, but '" + map_file +
                          "' has no agb_input band at every pixel (make it with sinkmap stock from a scene with one "
                          "biomass index)");
      }
    }
  }
  // An imagery biomass model recomputes AGB from the index the map kept (agb_input): without
  // it every iteration of those pixels would be empty.
  bool const has_x = p.planes.x[0] >= 0 && (!p.sink || p.planes.x[1] >= 0);
  for (auto const& c : in.model.classes)
    SINKMAP_EXPECTS(c.tier1 || has_x, bad_input,
                    "--uncertainty: '" + map_file + "' has no agb_input band, which the Monte Carlo needs to recompute "
                      "the imagery biomass model of class " + c.name + " (model " + in.model.name +
                      "): make the map with sinkmap stock --uncertainty, name agb_input in --output-bands, or use "
                      "[uncertainty] in the run config");
  int independent = 0, joint = 0;
  for (auto const& par : in.model.parameters)
    if (par.sd > 0) ++(par.joint >= 0 ? joint : independent);
  std::string drawn = std::to_string(independent) + " uncertain numbers of model " + in.model.name +
                      " drawn once per iteration for the whole map";
  if (joint > 0) drawn += ", " + std::to_string(joint) + " coefficients jointly from their covariance";
  if (p.residuals) drawn += "; imagery models' residuals per pixel and iteration";
  if (p.confusion) drawn += "; classes per pixel and iteration from " + mc.confusion;
  plan.notes.push_back(drawn);
  if (independent + joint == 0 && !p.residuals && !p.confusion)
    warnings.push_back("model " + in.model.name + " (" + in.model.file +
                       ") gives no uncertainty for any number: every iteration equals the deterministic map");
  plan.model = std::move(in.model);
}

// What the grouped Monte Carlo did, for the notes: its groups, the pixels drawn one by one,
// and what grouping the index moved the deterministic total by.
std::string grouped_note(grouping_effect const& e)
{
  std::string grouping = "no class here reads an index, so every group is exact";
  if (e.index_groups > 0) {
    char b[300];
    std::snprintf(b, sizeof b,
                  "grouping the index moves the deterministic total by %.6g Mg C (at most %.6g Mg C, %.2g %% of "
                  "the %.6g Mg C those groups hold)",
                  e.change, e.bound, e.nominal_total != 0 ? 100 * e.bound / std::fabs(e.nominal_total) : 0.0,
                  e.nominal_total);
    grouping = b;
  }
  char buf[900];
  std::snprintf(buf, sizeof buf,
                "grouped Monte Carlo: %zu pixels in %zu groups of equal class, climate zone, age class, volume and "
                "index value (to %d significant bits); each group's residual and class draws summed in closed form "
                "(exact mean and variance per iteration, normal over a cell's pixels; the %zu pixels of cells "
                "under %d pixels drawn one by one); %s; --uncertainty-mode exact draws every pixel",
                e.pixels, e.groups, grouped_index_bits, e.drawn_pixels, grouped_min_normal_pixels, grouping.c_str());
  return buf;
}

mc_totals run_plan(mc_plan& plan, mc_zones const& zs, mc_options const& mc, jobs::run_settings const& run)
{
  SINKMAP_EXPECTS(mc.iterations >= 2 && mc.iterations <= max_iterations, bad_input,
                  "--uncertainty: " + std::to_string(mc.iterations) + " iterations; give 2 to " +
                    std::to_string(max_iterations));
  auto& p = plan.params;
  p.iterations = mc.iterations;
  p.seed = mc.seed;
  p.with_sd = mc.sd_output.empty() ? 0 : 1;
  p.raster_width = plan.grid.width;
  io::cell_area const areas(plan.grid);
  std::vector<double> row_ha;
  if (areas.geographic())
    for (int r = 0; r < plan.grid.height; ++r) row_ha.push_back(areas.hectares(r));
  else
    p.pixel_ha = areas.hectares(0);
  std::unique_ptr<io::zone_set> zones;
  if (!zs.file.empty()) zones = std::make_unique<io::zone_set>(zs.file, zs.field, plan.grid);
  p.planes.cell = int(plan.planes.size());
  tile_cells cells;
  auto tables = iteration_tables(plan.model, mc.seed, mc.iterations);
  int const A = kernels::mc_accumulators(p), n = mc.iterations;
  bool const grouped = mc.mode == mc_mode::grouped && !p.sink;
  if (mc.mode == mc_mode::grouped && p.sink)
    plan.notes.push_back("a sink map's Monte Carlo draws every pixel in every iteration (the grouped closed form "
                         "covers stock maps)");

  jobs::raster_stream_request r;
  r.planes = plan.planes;
  r.grid = plan.grid;
  r.run = run;
  r.run.quiet = true;  // the Monte Carlo's notes and totals speak for it
  r.label = "sinkmap Monte Carlo";
  r.extra_bytes_per_pixel = 64;  // the zone ids of a tile and its (zone, class) cells
  if (p.with_sd) {
    r.output = mc.sd_output;
    r.bands = {{plan.sd_band,
                {{"units", p.sink ? "Mg C / ha / yr" : "Mg C / ha"},
                 {"meaning", "standard deviation over the Monte Carlo iterations"}},
                0}};
    r.output_options = mc.sd_options;
    r.output_options.records.clear();  // the SD map is no carbon map another job could read as one
    r.output_options.metadata["SINKMAP_PRODUCT"] =
      std::string("Monte Carlo standard deviation of ") + (p.sink ? "the carbon sink" : "the carbon stock");
    r.output_options.metadata["SINKMAP_MC_ITERATIONS"] = std::to_string(mc.iterations);
    r.output_options.metadata["SINKMAP_MC_SEED"] = std::to_string(mc.seed);
    r.output_options.metadata["SINKMAP_MC_MODE"] = grouped ? "grouped" : "exact";
  }
  r.make_source = [&](int readers) -> std::unique_ptr<pipeline::tile_source> {
    return std::make_unique<mc_source>(plan.planes, readers, zones.get(), p.planes, p.sink, cells);
  };

  std::map<std::pair<int, int>, std::vector<__int128>> acc;
  std::mutex mutex;
  std::unique_ptr<group_table> table;
  std::unique_ptr<pipeline::tile_kernel> kernel;
  if (grouped) {
    // One pass groups the pixels; then every iteration sums the groups' closed-form moments.
    table = std::make_unique<group_table>(p, tables, *plan.model.tables);
    kernel = std::make_unique<grouped_tile_kernel>(*table, row_ha, int(plan.planes.size()) + 1, cells);
    if (run.device == pipeline::device_kind::cuda)
      plan.notes.push_back("the grouped Monte Carlo's pass over the pixels runs on the CPU (its per-key sums have "
                           "no device form yet)");
    r.run.device = pipeline::device_kind::cpu;
  } else {
    kernel = std::make_unique<mc_tile_kernel>(p, std::move(tables), row_ha, int(plan.planes.size()) + 1, cells);
    std::size_t const sd_bytes = kernel->output_bytes_per_pixel();
    r.reducer = [&, sd_bytes](int, pipeline::window const& w, float const* out) {
      auto const* partial = reinterpret_cast<long long const*>(reinterpret_cast<std::byte const*>(out) +
                                                               pipeline::reduction_offset(w.pixels(), sd_bytes));
      auto const list = cells.get(w);
      std::lock_guard lock(mutex);
      for (std::size_t c = 0; c < list.size(); ++c) {
        auto& a = acc[list[c]];
        if (a.empty()) a.assign(std::size_t(A) * std::size_t(n), 0);
        for (std::size_t k = 0; k < std::size_t(A) * std::size_t(n); ++k) a[k] += partial[c * std::size_t(A) * n + k];
      }
    };
  }
  auto const stream = jobs::run_raster_stream(r, *kernel);
  if (auto const note = jobs::reading_threads_note(stream, run); !note.empty()) plan.warnings.push_back(note);
  if (grouped) {
    grouping_effect e;
    acc = grouped_partials(*table, jobs::worker_threads(run), e);
    plan.notes.push_back(grouped_note(e));
    if (e.nominal_total != 0 && e.bound > 1e-3 * std::fabs(e.nominal_total))
      plan.warnings.push_back("grouping the index values may move the totals by up to " +
                              std::to_string(100 * e.bound / std::fabs(e.nominal_total)) +
                              " %: use --uncertainty-mode exact for this map");
  }

  // Summaries by names: cells, zone subtotals, the whole map.
  mc_totals out;
  out.iterations = n;
  out.seed = mc.seed;
  out.sink = p.sink != 0;
  out.sd_map = mc.sd_output;
  out.notes = plan.notes;
  out.warnings = plan.warnings;
  std::map<std::pair<std::string, std::string>, std::vector<__int128>> by_name;
  auto add = [&](std::pair<std::string, std::string> const& key, std::vector<__int128> const& v) {
    auto& d = by_name[key];
    if (d.empty()) d.assign(v.size(), 0);
    for (std::size_t k = 0; k < v.size(); ++k) d[k] += v[k];
  };
  for (auto const& [key, v] : acc) {
    std::string const zone = zones ? zones->name(key.first) : std::string("*");
    auto it = plan.class_names.find(key.second);
    std::string const cls = plan.class_names.empty() ? "all" : it == plan.class_names.end() ? "none" : it->second;
    add({zone, cls}, v);
    if (zones) add({zone, "*"}, v);
    add({"*", "*"}, v);
  }
  int const V = kernels::mc_value_count(p);
  for (auto const& [key, v] : by_name) {
    std::vector<mc_summary> s;
    __int128 missing = 0;
    for (int it = 0; it < n; ++it) missing += v[std::size_t(V) * n + it];
    if (missing > 0) out.missing[key] = std::int64_t(missing);
    if (missing > 0 && key.second != "*")
      out.warnings.push_back("zone " + key.first + ", class " + key.second + ": " + std::to_string(std::int64_t(missing)) +
                             " pixel-iterations had no value (a drawn class without parameters there, or an index "
                             "outside its model's range); those iterations' totals lack them");
    for (int a = 0; a < V; ++a) {
      std::vector<double> totals(static_cast<std::size_t>(n));
      for (int it = 0; it < n; ++it) totals[std::size_t(it)] = double(v[std::size_t(a) * n + it]) / kernels::mc_fixed_scale;
      s.push_back(summarize(std::move(totals)));
    }
    out.rows[key] = s;
  }
  return out;
}

}  // namespace

mc_totals run_stock_montecarlo(std::string const& stock_map, mc_zones const& zones,
                               jobs::carbon_input_options const& carbon, mc_options const& mc,
                               jobs::run_settings const& run)
{
  mc_plan plan;
  plan.grid = io::grid_of_file(stock_map);
  auto ds = io::open_raster(stock_map, "stock map");
  auto band = [&](char const* name) { return io::band_named(*ds, name); };
  SINKMAP_EXPECTS(band("c_total") && band("ecosystem_class"), bad_input,
                  "--uncertainty: '" + stock_map + "' needs its c_total and ecosystem_class bands (sinkmap stock)");
  auto& q = plan.params.planes;
  auto add = [&](char const* name, int& slot) {
    if (int const b = band(name)) {
      slot = int(plan.planes.size());
      plan.planes.push_back({stock_map, b});
    }
  };
  add("ecosystem_class", q.cls[0]);
  add("agb_input", q.x[0]);
  add("c_total", q.c_total[0]);
  if (char const* c = ds->GetRasterBand(band("ecosystem_class"))->GetMetadataItem("classes"))
    plan.class_names = jobs::parse_class_table(c);
  plan.sd_band = "c_total_sd";
  plan.agb_input_everywhere = agb_input_everywhere(*ds);
  prepare(plan, *ds, stock_map, carbon, mc, plan.warnings);
  return run_plan(plan, zones, mc, run);
}

mc_totals run_sink_montecarlo(mc_sink_options const& s, mc_zones const& zones,
                              jobs::carbon_input_options const& carbon, mc_options const& mc,
                              jobs::run_settings const& run)
{
  mc_plan plan;
  plan.grid = io::grid_of_file(s.stock_t1);
  io::check_same_grid(plan.grid, s.stock_t1, io::grid_of_file(s.stock_t2), s.stock_t2);
  auto d1 = io::open_raster(s.stock_t1, "STOCK_T1"), d2 = io::open_raster(s.stock_t2, "STOCK_T2");
  GDALDataset* ds[2] = {d1.get(), d2.get()};
  std::string const files[2] = {s.stock_t1, s.stock_t2};
  auto& p = plan.params;
  p.sink = 1;
  auto& q = p.planes;
  for (int k = 0; k < 2; ++k) {
    SINKMAP_EXPECTS(io::band_named(*ds[k], "c_total") && io::band_named(*ds[k], "ecosystem_class"), bad_input,
                    "--uncertainty: '" + files[k] + "' needs its c_total and ecosystem_class bands (sinkmap stock)");
    auto add = [&](char const* name, int& slot) {
      if (int const b = io::band_named(*ds[k], name)) {
        slot = int(plan.planes.size());
        plan.planes.push_back({files[k], b});
      }
    };
    add("ecosystem_class", q.cls[k]);
    add("agb_input", q.x[k]);
    add("c_total", q.c_total[k]);
    add("nbr", q.nbr[k]);
  }
  double years = s.years;
  if (years == 0) {
    auto const y1 = io::recorded_year(*d1, s.stock_t1), y2 = io::recorded_year(*d2, s.stock_t2);
    SINKMAP_EXPECTS(y1 && y2, bad_input, "--years: the maps do not record their year");
    years = double(*y2 - *y1);
  }
  SINKMAP_EXPECTS(years >= 0.01 && years <= 1000, bad_input, "--years: not a number of years between two maps");
  p.opt.years = float(years);
  p.opt.transition_years = float(s.transition_years);
  p.opt.method = s.method == "stock-difference" ? kernels::sink_method_choice::stock_difference
                 : s.method == "gain-loss"      ? kernels::sink_method_choice::gain_loss
                                                : kernels::sink_method_choice::automatic;
  if (char const* c = ds[1]->GetRasterBand(io::band_named(*ds[1], "ecosystem_class"))->GetMetadataItem("classes"))
    plan.class_names = jobs::parse_class_table(c);
  plan.sd_band = "sink_c_sd";
  plan.agb_input_everywhere = agb_input_everywhere(*d1) && agb_input_everywhere(*d2);
  prepare(plan, *d1, s.stock_t1, carbon, mc, plan.warnings);
  p.opt.dnbr_threshold = float(s.dnbr_threshold.value_or(plan.model.dnbr_threshold));
  return run_plan(plan, zones, mc, run);
}

mc_totals run_map_montecarlo(std::string const& map, mc_zones const& zones,
                             jobs::carbon_input_options const& carbon, mc_options const& mc,
                             jobs::run_settings const& run)
{
  auto ds = io::open_raster(map, "MAP");
  if (!io::band_named(*ds, "sink_c")) return run_stock_montecarlo(map, zones, carbon, mc, run);
  // A sink map: its stock maps and settings from its metadata.
  mc_sink_options s;
  s.stock_t1 = io::metadata_item(*ds, "SINKMAP_STOCK_T1");
  s.stock_t2 = io::metadata_item(*ds, "SINKMAP_STOCK_T2");
  SINKMAP_EXPECTS(!s.stock_t1.empty() && !s.stock_t2.empty(), bad_input,
                  "--uncertainty: sink map '" + map + "' does not name its stock maps (SINKMAP_STOCK_T1, "
                  "SINKMAP_STOCK_T2): make it with this sinkmap's sink or run");
  auto number = [&](char const* key) {
    std::string const v = io::metadata_item(*ds, key);
    SINKMAP_EXPECTS(!v.empty(), bad_input, "--uncertainty: sink map '" + map + "' lacks " + key);
    return parse_double(v.substr(0, v.find(' ')), map + " metadata " + key);
  };
  s.years = number("SINKMAP_YEARS");
  s.transition_years = number("SINKMAP_TRANSITION_YEARS");
  s.method = io::metadata_item(*ds, "SINKMAP_SINK_METHOD");
  if (!io::metadata_item(*ds, "SINKMAP_DNBR_THRESHOLD").empty()) s.dnbr_threshold = number("SINKMAP_DNBR_THRESHOLD");
  // The sink map records the model, zone and age inputs the sink used.
  return run_sink_montecarlo(s, zones, recorded_options(*ds, map, carbon), mc, run);
}

nlohmann::json summary_json(mc_summary const& s, double scale)
{
  return {{"mean", s.mean * scale}, {"sd", s.sd * scale}, {"p2_5", s.p2_5 * scale}, {"p97_5", s.p97_5 * scale}};
}

namespace {

// (column name, accumulator, scale) of a stock's or a sink's totals.
std::vector<std::tuple<std::string, int, double>> total_columns(bool sink)
{
  if (!sink) return {{"total_mgc", 0, 1.0}, {"total_co2e_t", 0, 44.0 / 12.0}};
  return {{"total_mgc_per_yr", 0, 1.0}, {"total_co2e_t_per_yr", 0, 44.0 / 12.0},
          {"gains_mgc_per_yr", 1, 1.0}, {"losses_mgc_per_yr", 2, 1.0}};
}

}  // namespace

void add_total_fields(nlohmann::json& j, mc_totals const& t)
{
  auto it = t.rows.find({"*", "*"});
  if (it == t.rows.end()) return;
  for (auto const& [name, acc, scale] : total_columns(t.sink)) {
    auto const js = summary_json(it->second[std::size_t(acc)], scale);
    for (auto const& [k, v] : js.items()) j[name + "_" + k] = v;
  }
  j["uncertainty"] = {{"iterations", t.iterations}, {"seed", t.seed}, {"notes", t.notes}, {"warnings", t.warnings}};
  if (!t.sd_map.empty()) j["uncertainty"]["sd_map"] = t.sd_map;
}

void write_totals_json(mc_totals const& t, std::string const& path, std::string const& map)
{
  nlohmann::json j;
  j["map"] = io::published_path(map);
  j["method"] = "Monte Carlo (IPCC 2006 Vol. 1 Ch. 3, Approach 2): mean, sample SD and the 2.5 and 97.5 "
                "percentiles (95 % interval) of the iteration totals";
  j["units"] = t.sink ? nlohmann::json{{"total_mgc_per_yr", "Mg C / yr"}, {"total_co2e_t_per_yr", "t CO2e / yr"},
                                       {"gains_mgc_per_yr", "Mg C / yr"}, {"losses_mgc_per_yr", "Mg C / yr"}}
                      : nlohmann::json{{"total_mgc", "Mg C"}, {"total_co2e_t", "t CO2e"}};
  add_total_fields(j, t);
  for (auto const& [key, v] : t.rows) {
    if (key.second == "*") continue;
    nlohmann::json row = {{"zone", key.first}, {"class", key.second}};
    for (auto const& [name, acc, scale] : total_columns(t.sink)) {
      nlohmann::json const js = summary_json(v[std::size_t(acc)], scale);
      for (auto const& [k, x] : js.items()) row[name + "_" + k] = x;
    }
    j["rows"].push_back(row);
  }
  io::write_text_atomically(path, j.dump(2) + "\n");
}

void attach_uncertainty(jobs::inventory& inv, mc_totals const& t)
{
  for (auto& r : inv.rows) {
    auto it = t.rows.find({r.zone, r.cls});
    auto const m = t.missing.find({r.zone, r.cls});
    bool const none_valid = m != t.missing.end() && r.pixels > 0 &&
                            std::uint64_t(m->second) >= r.pixels * std::uint64_t(t.iterations);
    if (it != t.rows.end() && !none_valid) r.mc = it->second;
    else if (r.has_total && r.pixels == 0) r.mc.assign(t.sink ? 3 : 1, mc_summary{0, 0, 0, 0});  // exactly 0
    else if (r.has_total) {
      // No pixel of the row gave a value in any iteration: no total, not a total of 0.
      r.mc.assign(t.sink ? 3 : 1, mc_summary{});  // NaN: reported, not zeroed
      inv.warnings.push_back("zone " + r.zone + ", class " + r.cls + ": " + std::to_string(r.pixels) +
                             " pixels but no Monte Carlo total (none of them gave a value in any iteration)");
    }
  }
  if (auto it = t.rows.find({"*", "*"}); it != t.rows.end()) inv.total.mc = it->second;
  // A mean away from the deterministic value beyond the Monte Carlo's own error: draws that are
  // skewed or clipped at a bound (a residual at the model's clamp, a wide normal at zero).
  auto check = [&](jobs::inventory_row const& r) {
    if (!r.has_total || r.mc.empty() || r.pixels == 0) return;
    double const det = r.total, mean = r.mc[0].mean, se = r.mc[0].sd / std::sqrt(double(t.iterations));
    double const gap = std::abs(mean - det);
    if (!(gap > 3 * se + 1e-9 * std::abs(det)) || !(gap > 0.01 * std::abs(det))) return;
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "zone %s, class %s: the Monte Carlo mean %.6g differs from the deterministic total %.6g by %.1f %% "
                  "(more than 3 standard errors): skewed or clipped draws (a residual at the model's bounds, a wide "
                  "normal cut at zero) move the mean; report the deterministic total with the interval, or review "
                  "the distributions",
                  r.zone.c_str(), r.cls.c_str(), mean, det, 100 * (mean - det) / std::abs(det));
    inv.warnings.push_back(buf);
  };
  for (auto const& r : inv.rows)
    if (r.cls != "*") check(r);
  check(inv.total);
  inv.mc_iterations = t.iterations;
  inv.mc_seed = t.seed;
  inv.notes.insert(inv.notes.end(), t.notes.begin(), t.notes.end());
  inv.warnings.insert(inv.warnings.end(), t.warnings.begin(), t.warnings.end());
}

}  // namespace sinkmap::uncertainty
