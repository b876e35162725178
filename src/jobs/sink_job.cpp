#include "jobs/sink_job.hpp"

#include "io/map_metadata.hpp"
#include "io/run_staging.hpp"
#include "carbon/stage_tile_kernel.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "io/class_raster.hpp"
#include "gdal/gdal_session.hpp"
#include "io/landcover.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>

namespace sinkmap::jobs {

std::vector<std::string> sink_band_names()
{
  return {std::begin(kernels::sink_output_names), std::end(kernels::sink_output_names)};
}

int total_carbon_band(std::string const& path)
{
  auto ds = io::open_raster(path, "stock map");
  if (int const b = io::band_named(*ds, "c_total")) return b;
  SINKMAP_EXPECTS(ds->GetRasterCount() == 1, bad_input,
                  "stock map '" + path + "' has no band named c_total (write it with sinkmap stock)");
  return 1;
}

namespace {

// "v100" in a file name, or a metadata item whose key says version.
std::string version_of(std::string const& path)
{
  std::string found;
  std::smatch m;
  std::string const name = std::filesystem::path(path).filename().string();
  static std::regex const re("(^|[^A-Za-z0-9])[vV]([0-9]+(\\.[0-9]+)*)([^A-Za-z0-9]|$)");
  if (std::regex_search(name, m, re)) found = "v" + m[2].str();
  if (auto ds = std::unique_ptr<GDALDataset>(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER))) {
    for (char** md = ds->GetMetadata(); md && *md; ++md) {
      std::string const item = *md;
      auto const eq = item.find('=');
      if (eq == std::string::npos) continue;
      if (to_lower(item.substr(0, eq)).find("version") != std::string::npos)
        found += (found.empty() ? "" : " ") + item;
    }
  }
  io::take_gdal_error();
  return found;
}

}  // namespace

std::optional<std::string> product_version_warning(std::string const& lc1, std::string const& lc2)
{
  if (lc1.empty() || lc2.empty() || lc1 == lc2) return std::nullopt;
  io::init_gdal();
  std::string const a = version_of(lc1), b = version_of(lc2);
  if (a.empty() || b.empty() || a == b) return std::nullopt;
  return "the land-cover maps of the two years come from different product versions ('" + lc1 +
         "': " + a + "; '" + lc2 + "': " + b +
         "): class changes between them may be artefacts of the product, not of the land";
}

sink_job_result run_sink_job(sink_job_options const& opt)
{
  sink_job_result result;
  SINKMAP_EXPECTS(opt.method == "auto" || opt.method == "stock-difference" || opt.method == "gain-loss",
                  bad_input, "--method '" + opt.method + "': expected auto, stock-difference or gain-loss");
  SINKMAP_EXPECTS(std::isfinite(opt.transition_years) && opt.transition_years >= 1 && opt.transition_years <= 1000,
                  bad_input, "--transition-years: expected 1 to 1000 years (IPCC default 20)");
  io::raster_grid const g1 = io::grid_of_file(opt.stock_t1);
  io::check_same_grid(g1, opt.stock_t1, io::grid_of_file(opt.stock_t2), opt.stock_t2);
  auto d1 = io::open_raster(opt.stock_t1, "STOCK_T1"), d2 = io::open_raster(opt.stock_t2, "STOCK_T2");
  GDALDataset* ds[2] = {d1.get(), d2.get()};
  std::string const files[2] = {opt.stock_t1, opt.stock_t2};

  // Years between the maps: --years, or the years the maps record.
  double years = opt.years;
  if (years == 0) {
    auto const y1 = io::recorded_year(*d1, opt.stock_t1), y2 = io::recorded_year(*d2, opt.stock_t2);
    SINKMAP_EXPECTS(y1 && y2, bad_input, "--years: give the years between the maps (the maps do not record their year)");
    years = double(*y2 - *y1);
  }
  SINKMAP_EXPECTS(std::isfinite(years) && years >= 0.01 && years <= 1000, bad_input,
                  "--years: " + std::to_string(years) + " is not a number of years between two maps (0.01 to 1000)");
  result.years = years;

  kernels::sink_params params;
  params.opt.years = float(years);
  params.opt.transition_years = float(opt.transition_years);
  auto& q = params.planes;
  std::vector<io::band_source> planes;
  auto add_band = [&](int k, char const* name, int& slot) {
    if (int const b = io::band_named(*ds[k], name)) {
      slot = int(planes.size());
      planes.push_back({files[k], b});
    }
  };
  for (int k = 0; k < 2; ++k) {
    q.c_total[k] = int(planes.size());
    int const tb = total_carbon_band(files[k]);
    planes.push_back({files[k], tb});
    int has = 0;
    double const nd = ds[k]->GetRasterBand(tb)->GetNoDataValue(&has);
    params.has_nodata[k] = has && !std::isnan(nd);
    params.nodata[k] = float(nd);
    add_band(k, "c_above", q.c_above[k]);
    add_band(k, "c_below", q.c_below[k]);
    add_band(k, "c_dead", q.c_dead[k]);
    add_band(k, "c_soil", q.c_soil[k]);
    add_band(k, "agb", q.agb[k]);
    add_band(k, "ecosystem_class", q.cls[k]);
    add_band(k, "nbr", q.nbr[k]);
  }
  bool const classes = q.cls[0] >= 0 && q.cls[1] >= 0;
  bool const pools = q.c_above[0] >= 0 && q.c_below[0] >= 0 && q.c_dead[0] >= 0 && q.c_soil[0] >= 0 &&
                     q.c_above[1] >= 0 && q.c_below[1] >= 0 && q.c_dead[1] >= 0 && q.c_soil[1] >= 0;
  params.opt.method = opt.method == "stock-difference" ? kernels::sink_method_choice::stock_difference
                  : opt.method == "gain-loss"      ? kernels::sink_method_choice::gain_loss
                                                   : kernels::sink_method_choice::automatic;
  std::string method = opt.method;
  if (params.opt.method != kernels::sink_method_choice::stock_difference && !(classes && pools)) {
    SINKMAP_EXPECTS(opt.method == "auto", bad_input,
                    "--method " + opt.method + " needs the stock maps' ecosystem_class and pool bands "
                    "(c_above, c_below, c_dead, c_soil): write them with sinkmap stock");
    params.opt.method = kernels::sink_method_choice::stock_difference;
    method = "stock-difference";
    result.notes.push_back("the stock maps have no class and pool bands: stock difference everywhere");
  }

  io::raster_output_options oo = opt.output_options;
  if (params.opt.method != kernels::sink_method_choice::stock_difference) {
    // The model: the one the maps name (checking it has not changed), or --model.
    carbon_input_options co = opt.carbon;
    std::string const m1 = io::metadata_item(*d1, "SINKMAP_MODEL_FILE"), m2 = io::metadata_item(*d2, "SINKMAP_MODEL_FILE");
    std::string const h1 = io::metadata_item(*d1, "SINKMAP_MODEL_SHA256"), h2 = io::metadata_item(*d2, "SINKMAP_MODEL_SHA256");
    if (co.model.empty()) {
      SINKMAP_EXPECTS(!m1.empty(), bad_input,
                      "--model: '" + opt.stock_t1 + "' does not name its model; pass --model");
      co.model = m1;
    }
    if (!h1.empty() && !h2.empty() && h1 != h2)
      result.warnings.push_back("the two stock maps were made with different model files (" + m1 + ", " + m2 +
                                "): the sink mixes their factors");
    co.landcover.clear();
    co.forest_type.clear();
    carbon_inputs in = prepare_carbon_inputs(co, g1);
    if (!h1.empty() && in.model.sha256 != h1)
      result.warnings.push_back("model " + co.model + " is not the file the stock maps were made with (SHA-256 differs)");
    kernels::carbon_stage_params cp;
    bind_carbon_inputs(in, int(planes.size()), cp);
    if (in.zone >= 0) {
      q.zone = int(planes.size()) + in.zone;
      std::memcpy(params.zone_lut, cp.zone_lut, sizeof params.zone_lut);
    }
    if (in.forest_age >= 0) q.age = int(planes.size()) + in.forest_age;
    for (auto const& p : in.planes) planes.push_back(p.source);
    params.default_zone = cp.default_zone;
    params.default_age = cp.default_age;
    params.age_boundary_years = cp.age_boundary_years;
    params.tables = *in.model.tables;
    for (auto const& c : in.model.classes) params.opt.imagery[c.id] = c.tier1 ? 0 : 1;
    params.opt.dnbr_threshold = float(opt.dnbr_threshold.value_or(in.model.dnbr_threshold));
    for (auto const& [k, v] : in.metadata) oo.metadata[k] = v;
    oo.records["carbon_inputs"] = in.record.dump();
    for (auto const& w : in.warnings) result.warnings.push_back(w);
    if (q.nbr[0] < 0 || q.nbr[1] < 0)
      result.notes.push_back("no NBR in both stock maps (the scenes lack nir or swir2): no disturbance test");
    else if (std::isnan(params.opt.dnbr_threshold))
      result.notes.push_back("model " + in.model.name + " gives no dNBR threshold: no disturbance test");
    else
      oo.metadata["SINKMAP_DNBR_THRESHOLD"] = std::to_string(params.opt.dnbr_threshold) +
                                              (opt.dnbr_threshold ? " (--dnbr-threshold)" : " (" + in.model.dnbr_source + ")");
  }
  if (classes) {
    char const* c = ds[1]->GetRasterBand(io::band_named(*ds[1], "ecosystem_class"))->GetMetadataItem("classes");
    if (c) result.class_names = parse_class_table(c);
  }
  if (auto w = product_version_warning(io::metadata_item(*d1, "SINKMAP_LANDCOVER"), io::metadata_item(*d2, "SINKMAP_LANDCOVER")))
    result.warnings.push_back(*w);

  carbon::sink_tile_kernel const kernel(params, kernels::pixel_type::f32, int(planes.size()),
                                        kernels::sink_outputs, SINKMAP_CUDA_LAUNCHER(launch_sink_stage));
  raster_stream_request r;
  r.planes = planes;
  r.read_type = kernels::pixel_type::f32;
  r.grid = g1;
  r.output = opt.output;
  std::string const sign = "positive = uptake (stock rises)";
  using md = std::map<std::string, std::string>;
  std::map<kernels::sink_output, md> const band_metadata = {
    {kernels::so_sink_c, {{"units", "Mg C / ha / yr"}, {"sign", sign}}},
    {kernels::so_sink_co2, {{"units", "t CO2 / ha / yr"}, {"sign", sign}}},
    {kernels::so_gains_c, {{"units", "Mg C / ha / yr"}, {"meaning", "carbon taken up (gains)"}}},
    {kernels::so_losses_c, {{"units", "Mg C / ha / yr"}, {"meaning", "carbon released (losses)"}}},
    {kernels::so_sink_method,
     {{"units", "rule code"}, {"classes", "0=none,1=stock_difference,2=gain_loss,3=conversion"}}},
    {kernels::so_disturbed, {{"units", "0/1"}, {"meaning", "dNBR above the threshold inside forest"}}},
    {kernels::so_class_from,
     {{"units", "class id"}, {"classes", classes ? io::metadata_item(*ds[0], "SINKMAP_CLASSES") : ""}}},
    {kernels::so_class_to,
     {{"units", "class id"}, {"classes", classes ? io::metadata_item(*ds[1], "SINKMAP_CLASSES") : ""}}}};
  for (auto const& [band, metadata] : band_metadata) {
    r.bands.push_back({kernels::sink_output_names[band], metadata});
    r.bands.back().plane = band;
  }
  r.output_options = oo;
  r.output_options.metadata["SINKMAP_PRODUCT"] = "carbon sink (IPCC 2006 V4 Ch. 2)";
  r.output_options.metadata["SINKMAP_SINK_METHOD"] = method;
  r.output_options.metadata["SINKMAP_YEARS"] = std::to_string(years);
  r.output_options.metadata["SINKMAP_TRANSITION_YEARS"] = std::to_string(opt.transition_years);
  // The Monte Carlo of an inventory of this map recomputes both years from these.
  r.output_options.metadata["SINKMAP_STOCK_T1"] =
    std::filesystem::absolute(io::published_path(opt.stock_t1)).lexically_normal().string();
  r.output_options.metadata["SINKMAP_STOCK_T2"] =
    std::filesystem::absolute(io::published_path(opt.stock_t2)).lexically_normal().string();
  result.method = method;
  for (int k = 0; k < 2; ++k)
    if (auto y = io::metadata_item(*ds[k], "SINKMAP_YEAR"); !y.empty())
      r.output_options.metadata[k == 0 ? "SINKMAP_YEAR_FROM" : "SINKMAP_YEAR_TO"] = y;
  r.run = opt.run;
  r.label = "sinkmap sink";
  r.observer = opt.observer;
  r.reducer = opt.reducer;
  result.stream = run_raster_stream(r, kernel);
  if (!opt.output.empty()) {
    // The rule of each pixel as an integer raster with category names (QGIS shows the legend).
    result.method_raster = io::class_raster_beside(opt.output, "method");
    io::write_class_raster(opt.output, 5, {{1, "stock_difference"}, {2, "gain_loss"}, {3, "conversion"}},
                           {{1, "forest"}, {2, "wetland"}, {3, "settlement"}}, result.method_raster,
                           opt.output_options.cog, true, "sink_method", "none");
  }
  return result;
}

}  // namespace sinkmap::jobs
