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
    common_options common;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("run", "The annual one-map job from a TOML config");
  cmd->add_option("CONFIG", args->config, "TOML config (see data-samples/run-sample.toml)")->required();
  add_run_options(*cmd, args->common);
  add_output_options(*cmd, args->common);
  cmd->footer(
    "Per year: stock_YEAR.tif, inventory_YEAR.csv/json, quicklook_stock_YEAR.png; per pair of\n"
    "consecutive years: sink_Y1_Y2.tif, inventory_sink_Y1_Y2.csv/json, quicklook_sink_Y1_Y2.png;\n"
    "carbon_stock_cube.h5 (year x row x col) and run.json listing them.\n"
    "Example:\n  sinkmap run data-samples/run-sample.toml");
  cmd->callback([args] {
    auto const cfg = jobs::load_run_config(args->config);
    auto const run = args->common.run_settings();
    io::set_gdal_warnings(!run.quiet);
    auto const r = jobs::run_one_map(cfg, run, args->common.output_options());
    std::printf("sinkmap run: %zu files in %s (manifest %s)\n", r.files.size(),
                cfg.output_dir.c_str(), r.manifest.c_str());
  });
}

}  // namespace sinkmap::cli
