#include "jobs/stock_job.hpp"

#include "carbon/stage_tile_kernel.hpp"
#include "core/error.hpp"
#include "indices/index_request.hpp"
#include "io/class_raster.hpp"
#include "io/invest_pools.hpp"
#include "io/landcover.hpp"
#include "io/target_grid.hpp"
#include "sensors/band_role_names.hpp"
#include "jobs/index_job.hpp"
#include "models/carbon_model.hpp"
#include "models/crosswalk.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

namespace sinkmap::jobs {
namespace {

// Bands beside the pools that sinkmap reads back: nbr (the sink's disturbance test, written
// when with_nbr asks for it) and agb_input (the Monte Carlo; written with all bands, when
// --output-bands names it, or when with_agb_input asks for it).
bool is_auxiliary_band(std::string const& name) { return name == "agb_input" || name == "nbr"; }

std::vector<io::output_band> named(std::vector<std::string> const& names,
                                   std::vector<std::string> const& selected = {})
{
  std::vector<io::output_band> out;
  for (auto const& s : selected)
    SINKMAP_EXPECTS(std::find(names.begin(), names.end(), s) != names.end() || is_auxiliary_band(s), bad_input,
                    "--output-bands: unknown band '" + s + "'");
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto const& n = names[i];
    if (!selected.empty() && std::find(selected.begin(), selected.end(), n) == selected.end()) continue;
    io::output_band b{n, {}, int(i)};
    b.metadata["units"] = n == "agb" || n == "bgb" ? "Mg dry matter / ha"
                          : n == "ecosystem_class" ? "class id (see the classes item)"
                                                   : "Mg C / ha";
    out.push_back(b);
  }
  return out;
}

// The streaming request both modes share: the scene's planes in, the chosen bands out.
raster_stream_request stock_request(io::scene const& s, stock_job_options const& opt,
                                    std::vector<std::string> const& band_names,
                                    std::string const& product)
{
  raster_stream_request r;
  r.planes = s.plane_sources();
  r.read_type = s.read_type;
  r.grid = s.grid;
  r.output = opt.output;
  r.bands = named(band_names, opt.output_bands);
  r.output_options = opt.output_options;
  r.output_options.metadata["SINKMAP_PRODUCT"] = product;
  r.run = opt.run;
  r.label = "sinkmap stock";
  r.observer = opt.observer;
  r.reducer = opt.reducer;
  return r;
}

// Every LULC code must be an integer 0..255 with a row in the pool table (or the band's
// nodata): InVEST codes that the table lacks would otherwise become NaN carbon, non-integer
// codes would be truncated. Reads the map once, a strip of rows at a time.
void check_lulc_codes(GDALRasterBand& band, std::string const& lulc, std::string const& pools_csv,
                      kernels::pool_lookup_params const& pools)
{
  int has_nd = 0;
  double const nd = band.GetNoDataValue(&has_nd);
  int const w = band.GetXSize(), h = band.GetYSize();
  int const rows = std::max(1, int((std::size_t(32) << 20) / (std::size_t(w) * 8)));
  std::vector<double> v;
  std::map<double, std::uint64_t> absent, invalid;
  for (int y = 0; y < h; y += rows) {
    int const n = std::min(rows, h - y);
    v.resize(std::size_t(w) * n);
    SINKMAP_EXPECTS(band.RasterIO(GF_Read, 0, y, w, n, v.data(), w, n, GDT_Float64, 0, 0, nullptr) == CE_None,
                    bad_input, "--lulc: cannot read '" + lulc + "'" + io::gdal_reason());
    for (double c : v) {
      if ((has_nd && (c == nd || (std::isnan(nd) && std::isnan(c))))) continue;
      if (!(c >= 0 && c < kernels::landcover_codes) || c != std::floor(c)) ++invalid[c];
      else if (!pools.known[int(c)]) ++absent[c];
    }
  }
  auto list = [](std::map<double, std::uint64_t> const& m) {
    std::string s;
    int shown = 0;
    for (auto const& [c, n] : m) {
      if (shown++ == 8) {
        s += ", ...";
        break;
      }
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.10g", c);
      s += (s.empty() ? "" : ", ") + std::string(buf) + " (" + std::to_string(n) + " pixels)";
    }
    return s;
  };
  SINKMAP_EXPECTS(invalid.empty(), bad_input,
                  "--lulc: '" + lulc + "' has value(s) " + list(invalid) +
                    " that are not land-use codes (integers 0..255, or the band's nodata)");
  SINKMAP_EXPECTS(absent.empty(), bad_input,
                  "--lulc: '" + lulc + "' has code(s) " + list(absent) + " with no row in --pools " + pools_csv);
}

stock_job_result run_invest(stock_job_options const& opt)
{
  SINKMAP_EXPECTS(!opt.pools.empty(), bad_input, "--lulc needs --pools CARBON_POOLS.csv");
  kernels::pool_lookup_params const pools = io::read_invest_pools(opt.pools);
  auto ds = io::open_raster(opt.lulc, "--lulc");
  auto* band = ds->GetRasterBand(1);
  check_lulc_codes(*band, opt.lulc, opt.pools, pools);
  io::scene s;
  s.grid = io::grid_of_file(opt.lulc);
  io::scene_plane lulc;
  lulc.name = "lulc";
  lulc.source = {opt.lulc, 1};
  lulc.type = band->GetRasterDataType();
  s.extra.push_back(lulc);
  io::update_read_type(s);
  auto params = std::make_unique<kernels::pool_lookup_params>(pools);
  int has = 0;
  double const nd = band->GetNoDataValue(&has);
  params->has_nodata = has;
  params->nodata = float(nd);
  carbon::pool_lookup_tile_kernel const kernel(*params, s.read_type, 1,
                                               kernels::pool_lookup_outputs,
                                               SINKMAP_CUDA_LAUNCHER(launch_pool_lookup_stage));
  if (opt.on_grid) opt.on_grid(s.grid);
  auto r = stock_request(s, opt, invest_band_names(), "carbon stock (InVEST pools)");
  r.output_options.metadata["SINKMAP_POOLS"] = opt.pools;
  stock_job_result result;
  result.stream = run_raster_stream(r, kernel);
  result.grid = s.grid;
  result.provenance = r.output_options.metadata;
  result.model_name = "InVEST pools " + opt.pools;
  return result;
}

}  // namespace

std::vector<int> emitted_outputs(stock_job_options const& opt)
{
  auto const names = stock_band_names();
  std::vector<int> out;
  auto add = [&](std::string const& n) {
    int const i = int(std::find(names.begin(), names.end(), n) - names.begin());
    SINKMAP_EXPECTS(i < int(names.size()), bad_input, "--output-bands: unknown band '" + n + "'");
    if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  };
  for (auto const& n : opt.output_bands.empty() ? names : opt.output_bands)
    if (!is_auxiliary_band(n)) add(n);
  if (opt.emit_totals) {
    add("c_total");
    add("ecosystem_class");
  }
  return out;
}

int emitted_plane(stock_job_options const& opt, std::string const& band)
{
  auto const names = stock_band_names();
  int const value = int(std::find(names.begin(), names.end(), band) - names.begin());
  auto const e = emitted_outputs(opt);
  auto const it = std::find(e.begin(), e.end(), value);
  SINKMAP_EXPECTS(it != e.end(), runtime_failure, "stock output " + band + " is not emitted");
  return int(it - e.begin());
}

std::vector<std::string> stock_band_names()
{
  return {std::begin(kernels::carbon_output_names), std::end(kernels::carbon_output_names)};
}

std::vector<std::string> invest_band_names()
{
  return {"c_above", "c_below", "c_dead", "c_soil", "c_total"};
}

stock_job_result run_stock_job(stock_job_options const& opt)
{
  SINKMAP_EXPECTS(!opt.output.empty() || opt.observer, bad_input, "no output given: pass -o OUT.tif");
  if (!opt.lulc.empty()) return run_invest(opt);
  auto const& co = opt.carbon;
  bool const landcover_only =
    opt.scenes.empty() && opt.scene_options.bands.empty() && opt.scene_options.stac.empty() && !opt.composite;
  SINKMAP_EXPECTS(!landcover_only || !co.landcover.empty(), bad_input,
                  "no scene given: pass SCENE, or --landcover alone for a Tier 1 map, or --lulc "
                  "LULC.tif --pools POOLS.csv");

  stock_job_result result;
  io::scene s;
  std::optional<composite::composite_plan> comp;
  if (opt.composite) {
    // The composite's observations are the first input planes; land cover etc. follow.
    comp = composite::plan_composite(*opt.composite, 0);
    s.grid = comp->grid;
    for (std::size_t k = 0; k < comp->planes.size(); ++k)
      s.extra.push_back({"observation", comp->planes[k], comp->types[k]});
    for (auto const& n : comp->notes) result.notes.push_back("composite: " + n);
    result.dates = comp->dates;
  } else if (landcover_only) {
    // Tier 1 from land cover alone: the map's own grid, no imagery.
    s.grid = opt.scene_options.grid.active() ? io::resolve_grid(opt.scene_options.grid, {co.landcover})
                                             : io::grid_of_file(co.landcover);
    result.notes.push_back("no SCENE: Tier 1 stocks from land cover alone, on its own grid");
  } else {
    s = io::open_scene(opt.scenes, opt.scene_options);
  }
  carbon_inputs in = prepare_carbon_inputs(co, s.grid);
  auto& model = in.model;
  SINKMAP_EXPECTS(!landcover_only || model.index_names.empty(), bad_input,
                  "model " + model.file + " reads index " +
                    (model.index_names.empty() ? "" : model.index_names.front()) +
                    ": pass a SCENE with the bands it needs");
  auto has_role = [&](kernels::band_role r) {
    if (comp) {
      for (int k = 0; k < comp->params.n_roles; ++k)
        if (comp->params.roles[k] == r) return true;
      return false;
    }
    return s.find(r) != nullptr;
  };
  if (co.landcover.empty()) {
    bool const green = has_role(kernels::band_role::green);
    models::use_threshold_classifier(model, green);
    result.notes.push_back("no --landcover: classes from index thresholds (" +
                           (green ? "NDWI > " + std::to_string(model.classifier.water_ndwi) + " water, "
                                  : std::string("no green band, so no water class; ")) +
                           "NDVI < " + std::to_string(model.classifier.bare_ndvi) + " bare, NDVI >= " +
                           std::to_string(model.classifier.forest_ndvi) + " forest, else grassland)");
  }
  auto params = std::make_unique<kernels::carbon_stage_params>();
  std::vector<std::string> index_names = model.index_names;
  // NBR rides along (for the sink's disturbance test) where the reflectance has nir and swir2.
  bool const nbr = opt.with_nbr && has_role(kernels::band_role::nir) && has_role(kernels::band_role::swir2);
  if (nbr && std::find(index_names.begin(), index_names.end(), "NBR") == index_names.end())
    index_names.push_back("NBR");
  indices::index_request const request =
    index_names.empty() ? indices::index_request{} : indices::make_index_request(index_names, {});
  if (comp) {
    for (auto const* info : request.indices)
      for (auto role : info->roles)
        SINKMAP_EXPECTS(has_role(role), bad_input,
                        "index " + info->name + " of model " + model.name + " needs band role '" +
                          std::string(sensors::role_name(role)) + "', which the composite's scenes do not have");
    for (auto& r : params->idx.plane_of_role) r = -1;
    params->idx.n_outputs = int(request.terms.size());
    for (std::size_t k = 0; k < request.terms.size(); ++k) params->idx.terms[k] = request.terms[k];
    params->use_composite = 1;
    params->comp = comp->params;
  } else {
    bind_indices(s, request, params->idx);
    SINKMAP_EXPECTS(!s.bands.empty() || !co.landcover.empty(), bad_input,
                    "the model reads no band of the scene and no --landcover was given");
  }
  int const first_extra = int(s.bands.size() + s.masks.size() + s.extra.size());
  for (auto const& plane : in.planes) s.extra.push_back(plane);
  io::update_read_type(s);
  bind_carbon_inputs(in, first_extra, *params);
  for (auto const& n : in.notes) result.notes.push_back(n);
  result.warnings = in.warnings;
  if (s.product)
    for (auto const& n : s.product->notes) result.notes.push_back(n);

  // c_total and the class are always emitted: the class census below reads them.
  stock_job_options emit_opt = opt;
  emit_opt.emit_totals = true;
  auto emit = emitted_outputs(emit_opt);
  int nbr_plane = -1, comp_first = -1;
  if (nbr) {
    auto const it = std::find(index_names.begin(), index_names.end(), "NBR");
    nbr_plane = int(emit.size());
    emit.push_back(kernels::index_value_base + int(it - index_names.begin()));
  }
  bool imagery = false;
  for (auto const& c : model.classes) imagery = imagery || !c.tier1;
  std::set<int> agb_indices;  // the indices the imagery models read
  for (int k = 0; k < params->tables.n_sets; ++k)
    if (params->tables.sets[k].index_output >= 0) agb_indices.insert(params->tables.sets[k].index_output);
  if (agb_indices.size() == 1) params->agb_input_index = *agb_indices.begin();
  int agb_input_plane = -1;
  bool const want_agb_input =
    opt.with_agb_input || opt.output_bands.empty() ||
    std::find(opt.output_bands.begin(), opt.output_bands.end(), "agb_input") != opt.output_bands.end();
  if (imagery && want_agb_input) {
    agb_input_plane = int(emit.size());
    emit.push_back(kernels::agb_input_value);
  }
  if (comp && !opt.composite_output.empty()) {
    comp_first = int(emit.size());
    for (int r = 0; r < comp->params.n_roles; ++r) emit.push_back(kernels::cv_composite_first + r);
    emit.push_back(kernels::cv_clear_count);
    emit.push_back(kernels::cv_doy);
  }
  params->n_emit = int(emit.size());
  std::copy(emit.begin(), emit.end(), params->emit);
  int const inputs = int(s.plane_sources().size());
  carbon::carbon_tile_kernel const kernel(*params, s.read_type, inputs, params->n_emit,
                                          SINKMAP_CUDA_LAUNCHER(launch_carbon_stage),
                                          comp ? comp->observations : std::vector<kernels::observation>{});
  if (opt.on_grid) opt.on_grid(s.grid);
  auto r = stock_request(s, opt, stock_band_names(), "carbon stock");
  // Bands are written from the emitted planes.
  for (auto& b : r.bands) {
    b.plane = emitted_plane(emit_opt, b.name);
    if (b.name == "ecosystem_class") b.metadata["classes"] = class_table_text(model);
  }
  if (agb_input_plane >= 0)
    r.bands.push_back({"agb_input", {{"units", "unitless (index)"},
                                     {"index", params->agb_input_index >= 0 ? index_names[std::size_t(params->agb_input_index)]
                                                                             : std::string("per class (several)")},
                                     {"meaning", params->agb_input_index >= 0
                                                   ? "the index value the imagery biomass models read, at every mapped pixel"
                                                   : "the index value each pixel's biomass model read (NaN: Tier 1 class)"},
                                     {"use", "the Monte Carlo recomputes biomass from it"}}, agb_input_plane});
  if (nbr) {
    r.bands.push_back({"nbr", {{"units", "unitless"}, {"formula", "(N - S2) / (N + S2), Key & Benson 2002"},
                               {"use", "the sink's disturbance test (dNBR between years)"}}, nbr_plane});
    result.has_nbr = true;
  }
  for (auto const& [k, v] : in.metadata) r.output_options.metadata[k] = v;
  r.output_options.records["carbon_inputs"] = in.record.dump();
  if (s.product) r.output_options.metadata["SINKMAP_DATE"] = s.product->date;
  if (comp) {
    std::string dates;
    for (auto const& d : comp->dates) dates += (dates.empty() ? "" : ",") + d;
    r.output_options.metadata["SINKMAP_COMPOSITE_METHOD"] = opt.composite->method;
    r.output_options.metadata["SINKMAP_COMPOSITE_DATES"] = dates;
  }
  // keep_composite: the composite's bands go to their own GeoTIFF from the same tiles.
  std::unique_ptr<io::geotiff_writer> comp_writer;
  if (comp_first >= 0) {
    std::vector<io::output_band> cb;
    for (int k = 0; k < comp->params.n_roles; ++k)
      cb.push_back({std::string(sensors::role_name(comp->params.roles[k])), {{"units", "reflectance (unitless)"}}, comp_first + k});
    cb.push_back({"clear_count", {{"units", "clear observations"}}, comp_first + comp->params.n_roles});
    cb.push_back({"doy", {{"units", "day of year of the chosen observation"}}, comp_first + comp->params.n_roles + 1});
    io::raster_output_options co_opt = opt.output_options;
    co_opt.metadata["SINKMAP_PRODUCT"] = "clear-sky composite";
    co_opt.metadata["SINKMAP_COMPOSITE_METHOD"] = opt.composite->method;
    co_opt.metadata["SINKMAP_COMPOSITE_DATES"] = r.output_options.metadata["SINKMAP_COMPOSITE_DATES"];
    comp_writer = std::make_unique<io::geotiff_writer>(opt.composite_output, s.grid, cb, co_opt);
    auto const user_observer = r.observer;
    r.observer = [&, user_observer](int t, pipeline::window const& w, float const* planes) {
      comp_writer->write(t, w, planes);
      if (user_observer) user_observer(t, w, planes);
    };
  }

  // Class census in the worker threads: pixels per class and those without an estimate.
  int const total_plane = emitted_plane(emit_opt, "c_total");
  int const class_plane = emitted_plane(emit_opt, "ecosystem_class");
  std::mutex census_mutex;
  auto const user_reducer = opt.reducer;
  r.reducer = [&](int t, pipeline::window const& w, float const* planes) {
    std::uint64_t px[kernels::max_classes] = {}, none[kernels::max_classes] = {};
    float const* cls = planes + std::size_t(class_plane) * w.pixels();
    float const* tot = planes + std::size_t(total_plane) * w.pixels();
    for (std::size_t i = 0; i < w.pixels(); ++i) {
      float const c = cls[i];
      if (!(c > 0 && c < float(kernels::max_classes))) continue;
      ++px[int(c)];
      none[int(c)] += std::isnan(tot[i]) ? 1 : 0;
    }
    {
      std::lock_guard lock(census_mutex);
      for (int c = 1; c < kernels::max_classes; ++c) {
        if (px[c]) result.census.pixels[c] += px[c];
        if (none[c]) result.census.no_estimate[c] += none[c];
      }
    }
    if (user_reducer) user_reducer(t, w, planes);
  };
  result.stream = run_raster_stream(r, kernel);
  if (auto const note = reading_threads_note(result.stream, opt.run); !note.empty()) result.notes.push_back(note);
  if (comp_writer) comp_writer->commit();
  // The classes as an integer raster with names and colours beside the float stock map.
  for (std::size_t b = 0; b < r.bands.size(); ++b)
    if (r.bands[b].name == "ecosystem_class" && !opt.output.empty()) {
      std::map<int, std::string> names, groups;
      for (auto const& c : model.classes) {
        names[c.id] = c.name;
        groups[c.id] = models::group_name(c.group);
      }
      result.class_raster = io::class_raster_beside(opt.output);
      io::write_class_raster(opt.output, int(b) + 1, names, groups, result.class_raster, opt.output_options.cog);
    }
  result.grid = s.grid;
  result.provenance = r.output_options.metadata;
  result.model_name = model.name;
  for (auto const& [c, n] : result.census.no_estimate) {
    auto const* ci = model.find_class(c);
    std::string why = "an index outside the model's valid range";
    if (ci && !ci->not_available.empty()) {
      why = "no parameters for ";
      for (std::size_t k = 0; k < ci->not_available.size(); ++k)
        why += (k ? "; " : "") + ci->not_available[k];
      why += ", or an index outside the model's valid range";
    }
    result.warnings.push_back(std::to_string(n) + " of " + std::to_string(result.census.pixels[c]) +
                              " pixels of class " + model.class_name(c) +
                              " have no carbon estimate (nodata in the map): " + why);
  }
  return result;
}

}  // namespace sinkmap::jobs
