// sinkmap validate MAP --plots PLOTS -o REPORT_DIR
// sinkmap calibrate SCENE --plots PLOTS --index NDVI --form linear -o MODEL.json
#include "commands.hpp"
#include "common_options.hpp"
#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "indices/index_request.hpp"
#include "jobs/validate_job.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace sinkmap::cli {
namespace {

void add_plot_options(CLI::App& cmd, std::vector<std::string>& plots, validate::plot_options& o)
{
  cmd.add_option("--plots", plots,
                 "plots: CSV (id, x, y [, value] [, SIZE_HA | radius_m]; rows sharing an id are "
                 "polygon vertices), OGR points/polygons, or GEDI L4A .h5 granules")
    ->required();
  cmd.add_option("--plots-crs", o.crs, "CRS of CSV coordinates")->capture_default_str();
  cmd.add_option("--value-field", o.value_field,
                 "observed column (default: AGB_T_HA, agb, agbd, observed or value)");
  cmd.add_option("--values", o.values_file, "CSV of id and observed value, joined to the plots by id");
  cmd.add_flag("--gedi-all-quality", o.gedi_all_quality, "keep GEDI shots with l4_quality_flag 0");
}

}  // namespace

void add_validate_command(CLI::App& app)
{
  struct args_t {
    jobs::validate_options job;
    common_options common;
    std::string bins;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("validate", "Validate a map against field plots or GEDI footprints");
  cmd->add_option("MAP", args->job.map, "map raster (e.g. a stock map: band agb)")->required();
  cmd->add_option("--band", args->job.band, "band name or number (default: agb, else 1)");
  add_plot_options(*cmd, args->job.plots, args->job.plot_options);
  cmd->add_option("--landcover", args->job.classes.landcover,
                  "classes for by_class (default: the map's ecosystem_class)");
  cmd->add_option("--crosswalk", args->job.classes.crosswalk, "land-cover crosswalk");
  cmd->add_option("-m,--model", args->job.classes.model, "model whose classes --landcover maps to")
    ->capture_default_str();
  cmd->add_option("--bins", args->bins, "observed-biomass bin edges, e.g. 0,50,100,200,300,500");
  cmd->add_option("-o,--output", args->job.report_dir, "report folder")->required();
  add_run_options(*cmd, args->common);
  cmd->footer(
    "Writes metrics.json (n, bias, mae, rmse, rrmse_pct, r2, pearson_r, slope, intercept, tre_pct,\n"
    "mpe_pct; by_class, by_bin), plots.csv, scatter.png and report.html. A plot's predicted value\n"
    "is the area-weighted mean of the pixels its footprint covers (the pixel under a point).\n"
    "Example:\n  sinkmap validate tropiSAR_100m.tif --plots PolyTropiSAR.csv --plots-crs EPSG:32622 \\\n"
    "      --values PolyTropiAGB.csv -o report/");
  cmd->callback([args, cmd] {
    std::vector<output_target> outputs;
    for (char const* f : {"metrics.json", "plots.csv", "scatter.png", "report.html"})
      outputs.push_back({(std::filesystem::path(args->job.report_dir) / f).string(), std::string("-o (") + f + ")"});
    check_command_outputs(*cmd, outputs);
    if (!args->bins.empty()) {
      args->job.bins.clear();
      for (auto const& b : indices::split_list(args->bins)) args->job.bins.push_back(parse_double(b, "--bins"));
    }
    args->job.run = args->common.run_settings();
    auto const r = jobs::run_validate_job(args->job);
    for (auto const& n : r.notes) std::fprintf(stderr, "sinkmap validate: note: %s\n", n.c_str());
    std::size_t excluded = 0;
    for (auto const& p : r.rows) excluded += !p.excluded.empty();
    std::printf("sinkmap validate: n=%zu (%zu excluded), bias %.2f, RMSE %.2f (%.1f%%), R2 %.3f -> %s\n",
                r.all.n, excluded, r.all.bias, r.all.rmse, r.all.rrmse_pct, r.all.r2,
                args->job.report_dir.c_str());
  });
}

void add_calibrate_command(CLI::App& app)
{
  struct args_t {
    jobs::calibrate_options job;
    common_options common;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("calibrate", "Fit a biomass model to field plots");
  cmd->add_option("SCENE", args->job.scenes, "scene or product(s) (or --stac ITEMS.json)");
  add_plot_options(*cmd, args->job.plots, args->job.plot_options);
  cmd->add_option("--index", args->job.index, "index the model reads")->capture_default_str();
  cmd->add_option("--form", args->job.form, "linear, power, exponential or log")->capture_default_str();
  cmd->add_option("--landcover", args->job.classes.landcover, "keep only plots of --class in this map");
  cmd->add_option("--crosswalk", args->job.classes.crosswalk, "land-cover crosswalk");
  cmd->add_option("--class", args->job.cls, "the model's class the fit is for")->capture_default_str();
  cmd->add_option("-m,--model", args->job.classes.model,
                  "model the fit completes (other classes, pools)")
    ->capture_default_str();
  cmd->add_option("--folds", args->job.folds, "k of k-fold cross-validation")->capture_default_str();
  cmd->add_option("-o,--output", args->job.output, "model file to write (JSON)")->required();
  add_band_options(*cmd, args->job.scene_options);
  add_run_options(*cmd, args->common);
  cmd->footer(
    "Least squares: linear and log in closed form, power and exponential by Levenberg-Marquardt.\n"
    "The model file is the --model with --class's agb block replaced; `sinkmap stock` reads it.\n"
    "Example:\n  sinkmap calibrate LC08_.../ --plots plots.csv --index NDVI --form power --class natural_forest_broadleaf \\\n"
    "      -o models/my_forest.json");
  cmd->callback([args, cmd] {
    SINKMAP_EXPECTS(!args->job.scenes.empty() || !args->job.scene_options.stac.empty(), bad_input,
                    "SCENE: give a scene, or STAC items with --stac ITEMS.json");
    check_command_outputs(*cmd, {{args->job.output, "-o"}});
    args->job.run = args->common.run_settings();
    auto const r = jobs::run_calibrate_job(args->job);
    for (auto const& n : r.notes) std::fprintf(stderr, "sinkmap calibrate: note: %s\n", n.c_str());
    std::printf("sinkmap calibrate: %s AGB = f(%s): a=%.6g b=%.6g on %zu plots; fit RMSE %.2f R2 %.3f; "
                "%d-fold CV RMSE %.2f R2 %.3f -> %s\n",
                args->job.form.c_str(), args->job.index.c_str(), r.fit.a, r.fit.b, r.plots,
                r.fitted.rmse, r.fitted.r2, r.folds, r.cv.rmse, r.cv.r2,
                args->job.output.c_str());
  });
}

}  // namespace sinkmap::cli
