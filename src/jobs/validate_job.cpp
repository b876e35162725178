#include "jobs/validate_job.hpp"

#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/parse_number.hpp"
#include "indices/index_catalog.hpp"
#include "io/atomic_output.hpp"
#include "gdal/gdal_session.hpp"
#include "io/landcover.hpp"
#include "jobs/index_job.hpp"
#include "models/carbon_model.hpp"
#include "models/crosswalk.hpp"
#include "jobs/inventory_job.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>

namespace sinkmap::jobs {
namespace {

int band_of(std::string const& map, std::string const& band)
{
  auto ds = io::open_raster(map, "MAP");
  if (band.empty()) return std::max(1, io::band_named(*ds, "agb"));
  if (std::all_of(band.begin(), band.end(), ::isdigit)) {
    long const b = parse_int(band, "--band");
    SINKMAP_EXPECTS(b >= 1 && b <= ds->GetRasterCount(), bad_input,
                    "--band " + band + ": '" + map + "' has " + std::to_string(ds->GetRasterCount()) + " bands");
    return int(b);
  }
  int const b = io::band_named(*ds, band);
  SINKMAP_EXPECTS(b > 0, bad_input, "--band: '" + map + "' has no band named '" + band + "'");
  return b;
}

std::string bin_name(double lo, double hi)
{
  auto f = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return std::string(b);
  };
  return "[" + f(lo) + "," + (std::isinf(hi) ? std::string("inf") : f(hi)) + ")";
}

}  // namespace

std::vector<std::string> plot_classes(std::vector<validate::plot> const& plots,
                                      carbon_input_options const& classes, std::string const& map,
                                      std::string const& map_wkt)
{
  std::vector<std::string> out(plots.size());
  std::vector<double> codes;
  std::optional<models::code_lookup> lookup;
  std::map<int, std::string> names;
  if (!classes.landcover.empty()) {
    auto const m = load_model(classes);
    lookup = models::class_lookup(models::load_crosswalk(io::guess_crosswalk(classes.landcover, classes.crosswalk, m)), m);
    names = class_names_of_model(m);
    codes = validate::sample_at_centroids(classes.landcover, 1, plots, map_wkt);
  } else if (!map.empty()) {
    auto ds = io::open_raster(map, "MAP");
    int const band = io::band_named(*ds, "ecosystem_class");
    if (band == 0) return out;
    names = class_names_of_map(map);
    codes = validate::sample_at_centroids(map, band, plots, map_wkt);
  } else {
    return out;
  }
  for (std::size_t i = 0; i < plots.size(); ++i) {
    // Land-cover codes go through the crosswalk; a stock map's band already holds class ids.
    double const c = codes[i];
    int const cls = lookup ? lookup->class_of(c) : (c > 0 && c < kernels::max_classes ? int(c) : 0);
    if (auto it = names.find(cls); cls > 0 && it != names.end()) out[i] = it->second;
  }
  return out;
}

validate::report run_validate_job(validate_options const& opt)
{
  SINKMAP_EXPECTS(!opt.report_dir.empty(), bad_input, "no report folder: pass -o REPORT_DIR");
  io::raster_grid const grid = io::grid_of_file(opt.map);
  int const band = band_of(opt.map, opt.band);
  for (std::size_t b = 1; b < opt.bins.size(); ++b)
    SINKMAP_EXPECTS(opt.bins[b] > opt.bins[b - 1], bad_input,
                    "--bins: the edges must increase (" + std::to_string(opt.bins[b]) + " after " +
                      std::to_string(opt.bins[b - 1]) + ")");
  std::vector<std::string> notes;
  auto const plots = validate::load_plots(opt.plots, opt.plot_options, grid.crs_wkt, &notes);
  auto const ex = validate::extract(opt.map, band, plots);
  auto const classes = plot_classes(plots, opt.classes, opt.map, grid.crs_wkt);

  validate::report r;
  r.map = opt.map;
  r.band = band;
  r.notes = notes;
  {
    auto ds = io::open_raster(opt.map, "MAP");
    char const* units = ds->GetRasterBand(band)->GetMetadataItem("units");
    if (units && *units) r.units = units;
  }
  std::vector<double> obs, pred;
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> by_class, by_bin;
  for (std::size_t i = 0; i < plots.size(); ++i) {
    validate::plot_row row{plots[i].id, plots[i].observed, ex[i].predicted, ex[i].pixels, ex[i].excluded, classes[i]};
    if (plots[i].footprint) {
      OGRPoint c;
      if (plots[i].footprint->Centroid(&c) == OGRERR_NONE) {
        row.x = c.getX();
        row.y = c.getY();
      }
    }
    if (row.excluded.empty() && std::isnan(row.observed)) row.excluded = "no observed value";
    r.rows.push_back(row);
    if (!row.excluded.empty()) continue;
    obs.push_back(row.observed);
    pred.push_back(row.predicted);
    if (!row.cls.empty()) {
      by_class[row.cls].first.push_back(row.observed);
      by_class[row.cls].second.push_back(row.predicted);
    }
    for (std::size_t b = 0; b < opt.bins.size(); ++b) {
      double const lo = opt.bins[b], hi = b + 1 < opt.bins.size() ? opt.bins[b + 1] : INFINITY;
      if (row.observed >= lo && row.observed < hi) {
        by_bin[bin_name(lo, hi)].first.push_back(row.observed);
        by_bin[bin_name(lo, hi)].second.push_back(row.predicted);
      }
    }
  }
  r.all = validate::compute_metrics(obs, pred);
  for (auto const& [k, v] : by_class) r.by_class[k] = validate::compute_metrics(v.first, v.second);
  for (auto const& [k, v] : by_bin) r.by_bin[k] = validate::compute_metrics(v.first, v.second);
  validate::write_report(r, opt.report_dir);
  if (obs.empty()) {
    std::map<std::string, int> reasons;
    for (auto const& row : r.rows) ++reasons[row.excluded];
    std::string why;
    for (auto const& [k, n] : reasons) why += (why.empty() ? "" : ", ") + std::to_string(n) + " " + k;
    SINKMAP_FAIL(bad_input, "no plot matches the map '" + opt.map + "' (" + why +
                              "); the excluded plots are listed in " + opt.report_dir + "/plots.csv");
  }
  return r;
}

calibrate_result run_calibrate_job(calibrate_options const& opt)
{
  SINKMAP_EXPECTS(!opt.output.empty(), bad_input, "no output given: pass -o MODEL.json");
  SINKMAP_EXPECTS(opt.folds >= 2, bad_input, "--folds must be 2 or more");
  auto const form = validate::parse_fit_form(opt.form);
  auto const& index = indices::find_index(opt.index);
  std::string const base_path = models::resolve_model_path(opt.classes.model);
  {
    auto const base = models::load_carbon_model(base_path);
    SINKMAP_EXPECTS(base.class_id(opt.cls).has_value(), bad_input,
                    "--class '" + opt.cls + "': model " + base.name + " (" + base_path +
                      ") has no such class (its classes: " + base.class_name_list() + ")");
  }

  // The index over the scene, streamed to a temporary raster beside the model.
  std::filesystem::path const out(opt.output);
  std::string const tmp_index =
    io::temp_path_for(std::filesystem::path(opt.output).replace_extension(".tif").string(), "index");
  struct cleanup {
    std::string f;
    ~cleanup() { io::discard_temp(f); }
  } const guard{tmp_index};
  index_job_options io;
  io.scenes = opt.scenes;
  io.scene_options = opt.scene_options;
  io.indices = {index.name};
  io.output = tmp_index;
  io.output_options.cog = false;  // a temporary read back at the plots: a plain GeoTIFF
  io.output_options.creation_options = {"COMPRESS=NONE"};
  io.run = opt.run;
  run_index_job(io);

  io::raster_grid const grid = io::grid_of_file(tmp_index);
  calibrate_result res;
  auto const plots = validate::load_plots(opt.plots, opt.plot_options, grid.crs_wkt, &res.notes);
  auto const ex = validate::extract(tmp_index, 1, plots);
  std::vector<std::string> classes(plots.size());
  if (!opt.classes.landcover.empty())
    classes = plot_classes(plots, opt.classes, "", grid.crs_wkt);
  std::vector<double> x, y;
  for (std::size_t i = 0; i < plots.size(); ++i) {
    if (!ex[i].excluded.empty() || std::isnan(plots[i].observed)) continue;
    if (!opt.classes.landcover.empty() && classes[i] != opt.cls) continue;
    x.push_back(ex[i].predicted);
    y.push_back(plots[i].observed);
  }
  res.plots = x.size();
  res.fit = validate::fit_model(form, x, y);
  std::vector<double> fitted;
  for (double v : x) fitted.push_back(validate::predict(form, res.fit.a, res.fit.b, v));
  res.fitted = validate::compute_metrics(y, fitted, 2);
  res.x_min = *std::min_element(x.begin(), x.end());
  res.x_max = *std::max_element(x.begin(), x.end());

  // k-fold cross-validation: a fixed shuffle, each plot predicted by a model fitted without it.
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(20240101);
  std::shuffle(order.begin(), order.end(), rng);
  int const k = std::min<int>(opt.folds, int(x.size()));
  res.folds = k;
  if (k < opt.folds)
    res.notes.push_back("--folds " + std::to_string(opt.folds) + " with " + std::to_string(x.size()) +
                        " plots: leave-one-out cross-validation (" + std::to_string(k) + " folds)");
  std::vector<double> cv_pred(x.size(), NAN);
  for (int f = 0; f < k; ++f) {
    std::vector<double> tx, ty;
    for (std::size_t j = 0; j < order.size(); ++j)
      if (int(j % std::size_t(k)) != f) {
        tx.push_back(x[order[j]]);
        ty.push_back(y[order[j]]);
      }
    auto const fit = validate::fit_model(form, tx, ty);
    for (std::size_t j = 0; j < order.size(); ++j)
      if (int(j % std::size_t(k)) == f)
        cv_pred[order[j]] = validate::predict(form, fit.a, fit.b, x[order[j]]);
  }
  res.cv = validate::compute_metrics(y, cv_pred, 0);

  // The model file: the base model with this class's biomass model replaced by the fit.
  nlohmann::json model = read_json_file(base_path, "--model");
  double const ymax = *std::max_element(y.begin(), y.end());
  auto m = [](validate::metrics const& mm) {
    return nlohmann::json{{"n", mm.n}, {"rmse", mm.rmse}, {"rrmse_pct", mm.rrmse_pct}, {"r2", mm.r2},
                          {"bias", mm.bias}, {"tre_pct", mm.tre_pct}, {"mpe_pct", mm.mpe_pct}};
  };
  std::time_t const now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  std::string plots_text;
  for (auto const& p : opt.plots) plots_text += (plots_text.empty() ? "" : ", ") + p;
  auto& cls = model["classes"][opt.cls];
  if (!cls.contains("root_to_shoot") || !cls.contains("carbon_fraction"))
    SINKMAP_FAIL(bad_input, "--model " + opt.classes.model + ": class " + opt.cls +
                              " lacks root_to_shoot or carbon_fraction to complete the model");
  cls["agb"] = {{"form", opt.form == "logarithmic" ? "log" : opt.form},
                {"index", index.name},
                {"a", res.fit.a},
                {"b", res.fit.b},
                {"valid_range", {res.x_min, res.x_max}},
                {"clamp", {0.0, 1.5 * ymax}},
                {"source", "fitted by sinkmap calibrate on " + std::to_string(res.plots) +
                             " plots (" + plots_text + "), " + date +
                             "; valid range = the calibration plots' index range"},
                {"covariance", {{res.fit.cov_aa, res.fit.cov_ab}, {res.fit.cov_ab, res.fit.cov_bb}}},
                {"residual_sd", res.fit.residual_sd},
                {"calibration", {{"fit", m(res.fitted)}, {"cross_validated", m(res.cv)},
                                 {"folds", k}, {"converged", res.fit.converged},
                                 {"covariance_note", "covariance of (a, b) = s^2 (J^T J)^-1 at the fit, "
                                                     "s = residual_sd = sqrt(SSE / (n - 2))"}}}};
  model["name"] = out.stem().string();
  // A calibrated model's crosswalks and bundled zone map stay those of its base (paths relative
  // to the base's folder are made absolute).
  auto keep_base = [&](nlohmann::json& p) {
    std::filesystem::path f(p.get<std::string>());
    if (!f.is_absolute())
      p = std::filesystem::absolute(std::filesystem::path(base_path).parent_path() / f).lexically_normal().string();
  };
  if (model.contains("crosswalks"))
    for (auto& [name, p] : model["crosswalks"].items()) keep_base(p);
  if (model.contains("climate_zones") && model["climate_zones"].contains("map") &&
      model["climate_zones"]["map"].contains("file"))
    keep_base(model["climate_zones"]["map"]["file"]);
  model["description"] = "Calibrated from " + opt.classes.model + ": class " + opt.cls +
                         " uses a " + opt.form + " model of " + index.name + " fitted to field plots.";
  io::write_text_atomically(opt.output, model.dump(2) + "\n");
  models::load_carbon_model(opt.output);  // what we wrote must load
  return res;
}

}  // namespace sinkmap::jobs
