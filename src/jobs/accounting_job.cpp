#include "jobs/accounting_job.hpp"

#include "io/map_metadata.hpp"
#include "carbon/stage_tile_kernel.hpp"
#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "gdal/gdal_session.hpp"
#include "io/run_staging.hpp"
#include "models/accounting_tables.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>

namespace sinkmap::jobs {
namespace {

namespace k = kernels;

std::string number_text(double v)
{
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

io::output_band band(std::string name, std::string units, std::string meaning, int plane)
{
  io::output_band b{std::move(name), {{"units", std::move(units)}}, plane};
  if (!meaning.empty()) b.metadata["meaning"] = std::move(meaning);
  return b;
}

std::string category_legend()
{
  std::string s;
  for (int f = 1; f < k::class_group_count; ++f)
    for (int t = 1; t < k::class_group_count; ++t)
      s += (s.empty() ? "" : ",") + std::to_string(f * 8 + t) + "=" + ipcc_category_name(f * 8 + t);
  return s;
}

}  // namespace

std::vector<std::string> accounted_stock_band_names()
{
  return {std::begin(kernels::stock_band_name), std::end(kernels::stock_band_name)};
}

std::vector<std::string> flux_band_names()
{
  return {std::begin(kernels::flux_band_name), std::end(kernels::flux_band_name)};
}

std::vector<std::string> state_band_names()
{
  return {std::begin(kernels::state_band_name), std::end(kernels::state_band_name)};
}

std::string ipcc_category_name(int code)
{
  int const from = code / 8, to = code % 8;
  auto const name = [](int g) { return models::group_name(static_cast<k::class_group>(g)); };
  if (from <= 0 || to <= 0 || from >= k::class_group_count || to >= k::class_group_count) return "unknown";
  return from == to ? name(to) + "_remaining" : name(from) + "_to_" + name(to);
}

accounting_layout layout_of(accounting_job_options const& opt)
{
  accounting_layout l;
  l.years = int(opt.years.size());
  l.intervals = opt.start_state.empty() ? l.years - 1 : l.years;
  return l;
}

int start_state_year(std::string const& f)
{
  SINKMAP_EXPECTS(std::filesystem::is_regular_file(f), bad_input, "start_state: no file '" + f + "'");
  auto ds = io::open_raster(f, "start_state");
  SINKMAP_EXPECTS(io::metadata_item(*ds, "SINKMAP_PRODUCT") == "carbon state", bad_input,
                  "start_state '" + f + "' is not a carbon state written by sinkmap run (state_YEAR.tif)");
  auto const names = state_band_names();
  SINKMAP_EXPECTS(ds->GetRasterCount() == int(names.size()), bad_input,
                  "start_state '" + f + "' has " + std::to_string(ds->GetRasterCount()) + " bands, a state has " +
                    std::to_string(names.size()));
  for (std::size_t b = 0; b < names.size(); ++b)
    SINKMAP_EXPECTS(io::band_named(*ds, names[b]) == int(b) + 1, bad_input,
                    "start_state '" + f + "': band " + std::to_string(b + 1) + " is not " + names[b]);
  auto const y = io::recorded_year(*ds, f, "SINKMAP_STATE_YEAR");
  SINKMAP_EXPECTS(y.has_value(), bad_input, "start_state '" + f + "' does not record its year (SINKMAP_STATE_YEAR)");
  return *y;
}

void check_accounting_inputs(accounting_job_options const& opt)
{
  std::size_t const n = opt.years.size();
  SINKMAP_EXPECTS(n >= 1 && opt.observed.size() == n, bad_input, "the accounting needs one observed map per year");
  SINKMAP_EXPECTS(n <= std::size_t(k::max_accounting_years), bad_input,
                  "the accounting carries at most " + std::to_string(k::max_accounting_years) + " years in one run, got " +
                    std::to_string(n) + ": continue a run from its state_YEAR.tif (start_state) instead");
  for (std::size_t i = 1; i < n; ++i)
    SINKMAP_EXPECTS(opt.years[i] > opt.years[i - 1], bad_input,
                    "years must increase: " + std::to_string(opt.years[i]) + " follows " + std::to_string(opt.years[i - 1]));
  SINKMAP_EXPECTS(opt.confirm_years >= 1 && opt.confirm_years <= k::max_accounting_years, bad_input,
                  "confirm_years = " + std::to_string(opt.confirm_years) +
                    ": expected 1 to 40 consecutive maps (1 books every change at once)");
  SINKMAP_EXPECTS(std::isfinite(opt.transition_years) && opt.transition_years >= 1 && opt.transition_years <= 1000,
                  bad_input, "transition_years: expected 1 to 1000 years (IPCC default 20)");
  if (opt.start_state.empty()) return;
  std::string const& f = opt.start_state;
  int const y = start_state_year(f);
  SINKMAP_EXPECTS(y < opt.years.front(), bad_input,
                  "start_state '" + f + "' is the state of " + std::to_string(y) + ": the run's years must come after it (first year " +
                    std::to_string(opt.years.front()) + ")");
  auto ds = io::open_raster(f, "start_state");
  io::check_same_grid(io::grid_of_file(opt.observed.front()), "year " + std::to_string(opt.years.front()),
                      io::grid_of_file(f), "start_state '" + f + "'");
  auto const model = load_model(opt.carbon);
  std::string const sha = io::metadata_item(*ds, "SINKMAP_MODEL_SHA256");
  SINKMAP_EXPECTS(sha == model.sha256, bad_input,
                  "start_state '" + f + "' was made with another model (" + io::metadata_item(*ds, "SINKMAP_MODEL_FILE") +
                    ", SHA-256 " + sha.substr(0, 12) + "...) than this run's " + opt.carbon.model + " (" +
                    model.sha256.substr(0, 12) + "...): continue with the same model file, or rerun every year");
  auto const same = [&](char const* key, double v, char const* option) {
    std::string const s = io::metadata_item(*ds, key);
    SINKMAP_EXPECTS(!s.empty() && std::strtod(s.c_str(), nullptr) == v, bad_input,
                    "start_state '" + f + "' was made with " + option + " = " + (s.empty() ? "?" : s) + ", this run has " +
                      number_text(v) + ": a continued run must use the same rules as the run it continues");
  };
  same("SINKMAP_CONFIRM_YEARS", opt.confirm_years, "confirm_years");
  same("SINKMAP_TRANSITION_YEARS", opt.transition_years, "transition_years");
  std::string const restoration = io::metadata_item(*ds, "SINKMAP_WETLAND_RESTORATION");
  SINKMAP_EXPECTS(restoration.empty() || restoration == opt.wetland_restoration, bad_input,
                  "start_state '" + f + "' was made with wetland_restoration = " + restoration + ", this run has " +
                    opt.wetland_restoration + ": a continued run must use the same rules as the run it continues");
  float const thr = float(opt.dnbr_threshold.value_or(model.dnbr_threshold));
  std::string const want = std::isnan(thr) ? "none" : number_text(thr);
  std::string const had = io::metadata_item(*ds, "SINKMAP_DNBR_THRESHOLD");
  SINKMAP_EXPECTS(had == want, bad_input,
                  "start_state '" + f + "' was made with dnbr_threshold = " + (had.empty() ? "?" : had) +
                    ", this run has " + want + ": a continued run must use the same rules as the run it continues");
}

accounting_pass prepare_accounting_pass(accounting_job_options const& opt, accounting_layout const& layout)
{
  accounting_pass a;
  a.grid = io::grid_of_file(opt.observed.front());
  a.fresh = opt.start_state.empty();
  auto const& grid = a.grid;
  bool const fresh = a.fresh;

  a.params = std::make_unique<k::accounting_params>();
  auto& p = *a.params;
  p.n_years = layout.years;
  for (int y = 0; y < layout.years; ++y) p.years[y] = float(opt.years[std::size_t(y)]);
  p.confirm_years = opt.confirm_years;
  p.transition_years = float(opt.transition_years);
  SINKMAP_EXPECTS(opt.wetland_restoration == "recolonized" || opt.wetland_restoration == "planted", bad_input,
                  "wetland_restoration = '" + opt.wetland_restoration + "': expected recolonized or planted");
  p.restoration_planted = opt.wetland_restoration == "planted" ? 1 : 0;
  auto& q = p.planes;
  auto& planes = a.planes;
  auto need = [&](std::string const& file, GDALDataset& ds, char const* name, std::string const& what) {
    int const b = io::band_named(ds, name);
    SINKMAP_EXPECTS(b > 0, bad_input, what + " '" + file + "' has no band " + name + " (the accounting reads it)");
    planes.push_back({file, b});
    return int(planes.size()) - 1;
  };
  bool nbr_everywhere = true;
  for (int y = 0; y < layout.years; ++y) {
    std::string const& f = opt.observed[std::size_t(y)];
    if (y > 0) io::check_same_grid(grid, opt.observed.front(), io::grid_of_file(f), f);
    auto ds = io::open_raster(f, "observed stock");
    std::string const what = "the observed stock of " + std::to_string(opt.years[std::size_t(y)]);
    q.cls[y] = need(f, *ds, "ecosystem_class", what);
    q.nbr[y] = -1;
    if (int const b = io::band_named(*ds, "nbr")) {
      q.nbr[y] = int(planes.size());
      planes.push_back({f, b});
    } else {
      nbr_everywhere = false;
    }
    if (y == 0 && fresh) {
      q.c_above = need(f, *ds, "c_above", what);
      q.c_below = need(f, *ds, "c_below", what);
      q.c_dead = need(f, *ds, "c_dead", what);
      q.c_soil = need(f, *ds, "c_soil", what);
      q.c_total = need(f, *ds, "c_total", what);
    }
  }
  if (!fresh) {
    auto ds = io::open_raster(opt.start_state, "start_state");
    auto const names = state_band_names();
    bool same = ds->GetRasterCount() == k::state_bands;
    for (int b = 1; same && b <= k::state_bands; ++b)
      same = names[std::size_t(b - 1)] == ds->GetRasterBand(b)->GetDescription();
    SINKMAP_EXPECTS(same, bad_input,
                    "start_state '" + opt.start_state + "' has " + std::to_string(ds->GetRasterCount()) +
                      " bands, not the " + std::to_string(k::state_bands) + " of this sinkmap's carbon state (" +
                      std::to_string(k::state_bands) + " named " + names.front() + " ... " + names.back() +
                      "): it was made by another version; rerun from the first year");
    q.state = int(planes.size());
    for (int b = 1; b <= k::state_bands; ++b) planes.push_back({opt.start_state, b});
    p.state_year = float(start_state_year(opt.start_state));
    a.state_year = p.state_year;
  }

  if (!opt.harvest_zones.empty()) {
    SINKMAP_EXPECTS(opt.harvest_m3_per_ha.size() <= std::size_t(k::max_harvest_zones), bad_input,
                    "harvest: at most " + std::to_string(k::max_harvest_zones) +
                      " zones with wood-removal statistics in one run, got " + std::to_string(opt.harvest_m3_per_ha.size()) +
                      ": split the zone file");
    q.harvest_zone = int(planes.size());
    planes.push_back({opt.harvest_zones, 1});
    p.n_harvest_zones = int(opt.harvest_m3_per_ha.size());
    for (int z = 0; z < k::max_harvest_zones; ++z)
      for (int y = 0; y < k::max_accounting_years; ++y)
        p.harvest_m3_per_ha[z][y] = std::size_t(z) < opt.harvest_m3_per_ha.size() && y < layout.years &&
                                        std::size_t(y) < opt.harvest_m3_per_ha[std::size_t(z)].size()
                                      ? opt.harvest_m3_per_ha[std::size_t(z)][std::size_t(y)]
                                      : NAN;
  }

  // The model, the climate zone(s) and the first year's stand ages (the state carries them on).
  carbon_input_options co = opt.carbon;
  co.landcover.clear();
  co.forest_type.clear();
  if (!fresh) {  // the state carries the ages on
    co.forest_age.clear();
    co.forest_inventory = {};
  }
  a.in = prepare_carbon_inputs(co, grid);
  auto& in = a.in;
  auto& cp = a.cp;
  bind_carbon_inputs(in, int(planes.size()), cp);
  if (in.zone >= 0) {
    q.zone = int(planes.size()) + in.zone;
    std::memcpy(p.zone_lut, cp.zone_lut, sizeof p.zone_lut);
  }
  if (in.forest_age >= 0) q.age = int(planes.size()) + in.forest_age;
  if (in.volume >= 0) q.volume = int(planes.size()) + in.volume;
  if (in.increment >= 0) q.increment = int(planes.size()) + in.increment;
  p.age_offset_years = in.age_offset_years;
  for (auto const& pl : in.planes) planes.push_back(pl.source);
  p.default_zone = cp.default_zone;
  p.default_age = cp.default_age;
  p.age_boundary_years = cp.age_boundary_years;
  p.tables = *in.model.tables;
  for (auto const& n : models::fill_accounting_tables(in.model, p.tables, p)) a.notes.push_back(n);
  p.dnbr_threshold = float(opt.dnbr_threshold.value_or(in.model.dnbr_threshold));
  if (!nbr_everywhere)
    a.notes.push_back("not every year has NBR (the scenes lack nir or swir2): no disturbance test there; "
                           "harvest and fire are then booked only through confirmed class changes");
  for (auto const& w : in.warnings) a.warnings.push_back(w);
  for (auto const& c : in.model.classes) {
    a.class_names[c.id] = c.name;
    a.class_groups[c.id] = models::group_name(c.group);
  }
  return a;
}

accounting_job_result run_accounting_job(accounting_job_options const& opt)
{
  check_accounting_inputs(opt);
  accounting_job_result result;
  accounting_layout const layout = layout_of(opt);
  result.layout = layout;
  SINKMAP_EXPECTS(opt.stock_outputs.size() == std::size_t(layout.years) &&
                    opt.flux_outputs.size() == std::size_t(layout.intervals) && !opt.state_output.empty(),
                  bad_input, "the accounting needs a stock output per year, a flux output per interval and a state output");
  accounting_pass a = prepare_accounting_pass(opt, layout);
  auto const& grid = a.grid;
  bool const fresh = a.fresh;
  auto& p = *a.params;
  auto& planes = a.planes;
  auto& in = a.in;
  result.notes = a.notes;
  result.warnings = a.warnings;
  result.class_names = a.class_names;
  result.class_groups = a.class_groups;
  result.state_year = a.state_year;

  io::raster_output_options base = opt.output_options;
  for (auto const& [key, v] : in.metadata) base.metadata[key] = v;
  base.records["carbon_inputs"] = in.record.dump();
  base.metadata["SINKMAP_CONFIRM_YEARS"] = std::to_string(opt.confirm_years);
  base.metadata["SINKMAP_TRANSITION_YEARS"] = number_text(opt.transition_years);
  base.metadata["SINKMAP_DNBR_THRESHOLD"] = std::isnan(p.dnbr_threshold) ? "none" : number_text(p.dnbr_threshold);
  base.metadata["SINKMAP_WETLAND_RESTORATION"] = opt.wetland_restoration;
  base.metadata["SINKMAP_WETLAND_SOIL"] = in.model.wetland_soil + (in.model.wetland_soil_reason.empty() ? "" : ": " + in.model.wetland_soil_reason);
  base.metadata["SINKMAP_ACCOUNTING"] =
    "IPCC 2006 V4 Ch. 2: growth G_W (1+R) CF to the mature stock (Eq. 2.9; a forest inventory stand by its volume "
    "increment, Eq. 2.10), disturbance losses (Eq. 2.14), "
    "conversion losses and B_AFTER (Eq. 2.15, 2.16), dead organic matter over T_on (Eq. 2.23), soil over D "
    "(Eq. 2.25); coastal wetland soils by the 2013 Wetlands Supplement Ch. 4 (EF_RE where restored, extraction, "
    "EF_DR where drained); class changes booked after confirm_years consecutive maps or a dNBR drop";
  if (!fresh) base.metadata["SINKMAP_START_STATE"] = std::filesystem::absolute(opt.start_state).lexically_normal().string();
  std::string const classes = in.metadata.count("SINKMAP_CLASSES") ? in.metadata.at("SINKMAP_CLASSES") : "";
  std::string const legend = category_legend();
  std::string const sign = "positive = uptake (stock rises)";

  raster_stream_request r;
  r.planes = planes;
  r.read_type = k::pixel_type::f32;
  r.grid = grid;
  auto const stock_names = accounted_stock_band_names();
  for (int y = 0; y < layout.years; ++y) {
    raster_stream_output o;
    o.path = opt.stock_outputs[std::size_t(y)];
    o.options = base;
    o.options.metadata["SINKMAP_YEAR"] = std::to_string(opt.years[std::size_t(y)]);
    o.options.metadata["SINKMAP_PRODUCT"] = "accounted carbon stock (previous stock plus the year's fluxes)";
    o.options.metadata["SINKMAP_OBSERVED_STOCK"] = io::published_path(opt.observed[std::size_t(y)]);
    auto pl = [&](k::stock_band b) { return layout.stock(y, b); };
    o.bands = {band(stock_names[0], "Mg C / ha", "above-ground biomass carbon", pl(k::sb_c_above)),
               band(stock_names[1], "Mg C / ha", "below-ground biomass carbon", pl(k::sb_c_below)),
               band(stock_names[2], "Mg C / ha", "dead wood and litter carbon", pl(k::sb_c_dead)),
               band(stock_names[3], "Mg C / ha", "soil organic carbon, to each class's depth: " + in.model.soil_depth_summary(), pl(k::sb_c_soil)),
               band(stock_names[4], "Mg C / ha", "sum of the four pools", pl(k::sb_c_total)),
               band(stock_names[5], "class id", "confirmed ecosystem class", pl(k::sb_class)),
               band(stock_names[6], "category code", "IPCC land category: from group x 8 + to group", pl(k::sb_category)),
               band(stock_names[7], "years", "stand age (NaN: unknown, the default age class applies)", pl(k::sb_age)),
               band(stock_names[8], "cm", "depth the pixel's soil pool is measured to (it keeps its depth through class changes)",
                    pl(k::sb_soil_depth))};
    o.bands[5].metadata["classes"] = classes;
    o.bands[6].metadata["classes"] = legend;
    r.more_outputs.push_back(std::move(o));
  }
  auto const flux_names = flux_band_names();
  for (int t = 0; t < layout.intervals; ++t) {
    int const y2 = fresh ? t + 1 : t;
    double const y1 = y2 == 0 ? double(p.state_year) : opt.years[std::size_t(y2 - 1)];
    raster_stream_output o;
    o.path = opt.flux_outputs[std::size_t(t)];
    o.options = base;
    o.options.metadata["SINKMAP_PRODUCT"] = "carbon sink from the yearly accounting (IPCC 2006 V4 Ch. 2)";
    o.options.metadata["SINKMAP_SINK_METHOD"] = "accounting";
    o.options.metadata["SINKMAP_YEAR_FROM"] = number_text(y1);
    o.options.metadata["SINKMAP_YEAR_TO"] = std::to_string(opt.years[std::size_t(y2)]);
    o.options.metadata["SINKMAP_YEARS"] = number_text(opt.years[std::size_t(y2)] - y1);
    auto pl = [&](k::flux_band b) { return layout.flux(t, b); };
    o.bands = {band(flux_names[0], "Mg C / ha / yr", "net sink: the stock change per year", pl(k::fb_net)),
               band(flux_names[1], "t CO2 / ha / yr", "net sink as CO2", pl(k::fb_co2)),
               band(flux_names[2], "Mg C / ha / yr", "carbon taken up (gains)", pl(k::fb_gains)),
               band(flux_names[3], "Mg C / ha / yr", "carbon released (losses)", pl(k::fb_losses)),
               band(flux_names[4], "Mg C / ha / yr", "net change of living biomass", pl(k::fb_biomass)),
               band(flux_names[5], "Mg C / ha / yr", "net change of dead organic matter", pl(k::fb_dom)),
               band(flux_names[6], "Mg C / ha / yr", "net change of soil carbon", pl(k::fb_soil)),
               band(flux_names[7], "category code", "IPCC land category at the interval's end", pl(k::fb_category)),
               band(flux_names[8], "bits", "1 conversion booked, 2 disturbance, 4 unconfirmed change reverted, "
                                           "8 forest without a growth rate, 16 wood removals booked, 32 removals "
                                           "due but the class has no BCEF, 64 wetland restoration (EF_RE), 128 coastal "
                                           "soil extracted, 256 drained coastal soil (EF_DR), 512 recolonized wetland "
                                           "(no EF_RE), 1024 soil of another depth kept, 2048 grown by an inventory stand's volume increment",
                                           pl(k::fb_events)),
               band(flux_names[9], "class id", "class seen but not yet confirmed", pl(k::fb_pending)),
               band(flux_names[10], "class id", "confirmed class at the interval's start", pl(k::fb_class_before)),
               band(flux_names[11], "class id", "confirmed class at the interval's end", pl(k::fb_class_after)),
               band(flux_names[12], "m3 / ha / yr", "wood removals booked from the zone's statistics (roundwood)",
                    pl(k::fb_removed_volume))};
    o.bands[0].metadata["sign"] = sign;
    o.bands[1].metadata["sign"] = sign;
    o.bands[7].metadata["classes"] = legend;
    o.bands[9].metadata["classes"] = classes;
    o.bands[10].metadata["classes"] = classes;
    o.bands[11].metadata["classes"] = classes;
    r.more_outputs.push_back(std::move(o));
  }
  {
    raster_stream_output o;
    o.path = opt.state_output;
    o.options = base;
    o.options.metadata["SINKMAP_PRODUCT"] = "carbon state";
    o.options.metadata["SINKMAP_STATE_YEAR"] = std::to_string(opt.years.back());
    auto const names = state_band_names();
    char const* units[] = {"class id", "class id", "years", "years", "Mg C / ha", "Mg C / ha", "Mg C / ha",
                           "Mg C / ha", "class id", "year", "maps", "NBR", "cm", "m3 / ha / yr"};
    char const* meaning[] = {"confirmed ecosystem class",
                             "class before the last conversion",
                             "years since the last conversion (NaN: none in the run's history)",
                             "stand age (NaN: unknown)",
                             "above-ground biomass carbon", "below-ground biomass carbon",
                             "dead wood and litter carbon", "soil organic carbon",
                             "class seen but not yet confirmed", "year the pending class was first seen",
                             "consecutive maps that showed the pending class",
                             "NBR of the last map that had one (for the next disturbance test)",
                             "depth of the soil pool (cm)",
                             ("net annual volume increment of the forest inventory stand that drives the pixel's growth "
                              "(NaN: the class's IPCC growth rate)")};
    static_assert(std::size(units) == k::state_bands && std::size(meaning) == k::state_bands, "a state band without its unit or meaning");
    for (int b = 0; b < k::state_bands; ++b)
      o.bands.push_back(band(names[std::size_t(b)], units[b], meaning[b], layout.state(static_cast<k::state_band>(b))));
    o.bands[0].metadata["classes"] = classes;
    o.bands[1].metadata["classes"] = classes;
    o.bands[8].metadata["classes"] = classes;
    r.more_outputs.push_back(std::move(o));
  }
  SINKMAP_EXPECTS(k::accounting_outputs(p) == layout.planes(), runtime_failure, "accounting layout mismatch");
  carbon::accounting_tile_kernel const kernel(p, k::pixel_type::f32, int(planes.size()), layout.planes(),
                                              SINKMAP_CUDA_LAUNCHER(launch_accounting_stage));
  r.run = opt.run;
  r.label = "sinkmap accounting";
  r.reducer = opt.reducer;
  r.observer = opt.observer;
  if (!opt.write_outputs) {
    r.more_outputs.clear();
    r.observer = nullptr;
    r.label = "sinkmap accounting (forest area for the removals)";
  }
  result.stream = run_raster_stream(r, kernel);
  return result;
}

}  // namespace sinkmap::jobs
