// sinkmap run CONFIG.toml: the annual one-map job.
#include "commands.hpp"
#include "common_options.hpp"
#include "gdal/gdal_session.hpp"
#include "jobs/run_job.hpp"

#include <cstdio>
#include <memory>

namespace sinkmap::cli {

void add_run_command(CLI::App& app)
{
  struct args_t {
    std::string config;
    std::string lang;
    common_options common;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("run", "The annual one-map job from a TOML config");
  cmd->add_option("CONFIG", args->config, "TOML config (see data-samples/run-sample.toml)")->required();
  cmd->add_option("--lang", args->lang,
                  "report language: en, or zh (Simplified Chinese report.html and GeoPackage field aliases; "
                  "overrides the config's lang)")
    ->check(CLI::IsMember({"en", "zh"}));
  add_run_options(*cmd, args->common);
  add_output_options(*cmd, args->common);
  cmd->footer(
    "Per year: stock_YEAR.tif and stock_YEAR_classes.tif (the accounted stock), observed_stock_YEAR.tif\n"
    "and observed_stock_YEAR_classes.tif (what the year's map alone says), inventory_YEAR.csv/json/gpkg,\n"
    "quicklook_stock_YEAR.png; per pair of consecutive years: sink_Y1_Y2.tif, inventory_sink_Y1_Y2.csv/json/gpkg,\n"
    "categories_Y1_Y2.csv/json (IPCC categories), transitions_Y1_Y2.csv/json, quicklook_sink_Y1_Y2.png;\n"
    "state_YEAR.tif (the last year's carbon state, for start_state); trend_Y1_YN.tif (trend = true, 3 or\n"
    "more years), carbon_cube.nc (CF-1.8 NetCDF, unless cube = false), SD maps (map = true in\n"
    "[uncertainty]), report.html and run.json listing them. Rasters are Cloud-Optimized GeoTIFFs (format =\n"
    "\"GTiff\" in the config or --format GTiff for tiled GeoTIFFs). Written in OUTPUT/.sinkmap-staging-PID and\n"
    "moved into place when the run succeeds: a failed or interrupted run leaves the previous run in\n"
    "OUTPUT as it was.\n"
    "Example:\n  sinkmap run data-samples/run-sample.toml");
  cmd->callback([args, cmd] {
    auto cfg = jobs::load_run_config(args->config);
    if (!args->lang.empty()) cfg.lang = args->lang;
    auto const run = args->common.run_settings();
    io::set_gdal_warnings(!run.quiet);
    // The config's format unless the command line names one.
    if (!cfg.format.empty() && cmd->count("--format") == 0 && !args->common.cog) args->common.format = cfg.format;
    auto const r = jobs::run_one_map(cfg, run, args->common.output_options());
    std::printf("sinkmap run: %zu files in %s (manifest %s)\n", r.files.size(),
                cfg.output_dir.c_str(), r.manifest.c_str());
  });
}

}  // namespace sinkmap::cli
