#include "jobs/stock_job.hpp"

#include "carbon/stage_tile_kernel.hpp"
#include "core/error.hpp"
#include "indices/index_request.hpp"
#include "io/invest_pools.hpp"
#include "io/landcover.hpp"
#include "jobs/index_job.hpp"
#include "models/carbon_model.hpp"
#include "models/crosswalk.hpp"
#include "models/ecosystem_classes.hpp"

#include <algorithm>
#include <cstring>

namespace sinkmap::jobs {
namespace {

std::vector<io::output_band> named(std::vector<std::string> const& names,
                                   std::vector<std::string> const& selected = {})
{
  std::vector<io::output_band> out;
  for (auto const& s : selected)
    SINKMAP_EXPECTS(std::find(names.begin(), names.end(), s) != names.end(), bad_input,
                    "--output-bands: unknown band '" + s + "'");
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto const& n = names[i];
    if (!selected.empty() && std::find(selected.begin(), selected.end(), n) == selected.end()) continue;
    io::output_band b{n, {}, int(i)};
    b.metadata["units"] = n == "agb" || n == "bgb" ? "Mg dry matter / ha"
                          : n == "ecosystem_class" ? "class id (sinkmap ecosystem_class)"
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

stock_job_result run_invest(stock_job_options const& opt)
{
  SINKMAP_EXPECTS(!opt.pools.empty(), bad_input, "--lulc needs --pools CARBON_POOLS.csv");
  kernels::pool_lookup_params const pools = io::read_invest_pools(opt.pools);
  auto ds = io::open_raster(opt.lulc, "--lulc");
  auto* band = ds->GetRasterBand(1);
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
  return {run_raster_stream(r, kernel), s.grid, {}};
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
  for (auto const& n : opt.output_bands.empty() ? names : opt.output_bands) add(n);
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
  return {"agb", "bgb", "c_above", "c_below", "c_dead", "c_soil", "c_total", "ecosystem_class"};
}

std::vector<std::string> invest_band_names()
{
  return {"c_above", "c_below", "c_dead", "c_soil", "c_total"};
}

stock_job_result run_stock_job(stock_job_options const& opt)
{
  SINKMAP_EXPECTS(!opt.output.empty() || opt.observer, bad_input, "no output given: pass -o OUT.tif");
  if (!opt.lulc.empty()) return run_invest(opt);
  bool const landcover_only = opt.scenes.empty() && opt.scene_options.bands.empty();
  SINKMAP_EXPECTS(!landcover_only || !opt.landcover.empty(), bad_input,
                  "no scene given: pass SCENE, or --landcover alone for a Tier 1 map, or --lulc "
                  "LULC.tif --pools POOLS.csv");

  stock_job_result result;
  models::carbon_model model = models::load_carbon_model(models::resolve_model_path(opt.model));
  io::scene s;
  if (landcover_only) {
    // Tier 1 from land cover alone: the map's own grid, no imagery.
    SINKMAP_EXPECTS(model.index_names.empty(), bad_input,
                    "model " + model.file + " reads index " +
                      (model.index_names.empty() ? "" : model.index_names.front()) +
                      ": pass a SCENE with the bands it needs");
    s.grid = io::grid_of_file(opt.landcover);
    result.notes.push_back("no SCENE: Tier 1 stocks from land cover alone, on its own grid");
  } else {
    s = io::open_scene(opt.scenes, opt.scene_options);
  }
  if (opt.landcover.empty()) {
    models::use_threshold_classifier(model);
    result.notes.push_back("no --landcover: classes from index thresholds (NDWI > " +
                           std::to_string(model.classifier.water_ndwi) + " water, NDVI < " +
                           std::to_string(model.classifier.bare_ndvi) + " bare, NDVI >= " +
                           std::to_string(model.classifier.forest_ndvi) +
                           " forest, else grassland)");
  }
  auto params = std::make_unique<kernels::carbon_stage_params>();
  std::memcpy(params->classes, model.classes, sizeof model.classes);
  params->classifier = model.classifier;
  std::memset(params->lut, kernels::unmapped_code, sizeof params->lut);
  indices::index_request const request =
    model.index_names.empty() ? indices::index_request{} : indices::make_index_request(model.index_names, {});
  bind_indices(s, request, params->idx);
  SINKMAP_EXPECTS(!s.bands.empty() || !opt.landcover.empty(), bad_input,
                  "the model reads no band of the scene and no --landcover was given");
  if (!opt.landcover.empty()) {
    auto const cw = models::load_crosswalk(io::guess_crosswalk(opt.landcover, opt.crosswalk));
    io::scene_plane const lc = io::warp_landcover(
      opt.landcover, s.grid, io::parse_landcover_resampling(opt.landcover_resampling), cw);
    io::check_landcover_codes(lc, opt.landcover, cw);
    s.extra.push_back(lc);
    io::update_read_type(s);
    params->landcover_plane = int(s.bands.size() + s.masks.size());
    std::memcpy(params->lut, cw.lut.data(), sizeof params->lut);
    result.notes.push_back("land cover " + opt.landcover + " through crosswalk " + cw.file);
  }
  if (s.product)
    for (auto const& n : s.product->notes) result.notes.push_back(n);

  auto const emit = emitted_outputs(opt);
  params->n_emit = int(emit.size());
  std::copy(emit.begin(), emit.end(), params->emit);
  int const inputs = int(s.plane_sources().size());
  carbon::carbon_tile_kernel const kernel(*params, s.read_type, inputs, params->n_emit,
                                          SINKMAP_CUDA_LAUNCHER(launch_carbon_stage));
  if (opt.on_grid) opt.on_grid(s.grid);
  auto r = stock_request(s, opt, stock_band_names(), "carbon stock");
  // Bands are written from the emitted planes.
  for (auto& b : r.bands) b.plane = emitted_plane(opt, b.name);
  r.output_options.metadata["SINKMAP_MODEL"] = model.file;
  if (s.product) r.output_options.metadata["SINKMAP_DATE"] = s.product->date;
  result.stream = run_raster_stream(r, kernel);
  result.grid = s.grid;
  return result;
}

}  // namespace sinkmap::jobs
