// sinkmap trend MAP... -o trend.tif [--years Y,Y,...] [--band c_total]
#include "commands.hpp"
#include "common_options.hpp"
#include "gdal/gdal_session.hpp"
#include "jobs/trend_job.hpp"

#include <cstdio>
#include <memory>

namespace sinkmap::cli {

void add_trend_command(CLI::App& app)
{
  struct args_t {
    jobs::trend_job_options job;
    common_options common;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("trend", "Per-pixel trend of annual maps (Theil-Sen, Mann-Kendall)");
  cmd->add_option("MAP", args->job.maps, "annual maps on one grid (3 to 40)")->required();
  cmd->add_option("--years", args->job.years, "the year of each map (default: the years they record)")
    ->delimiter(',');
  cmd->add_option("--band", args->job.band, "band name of the maps")->capture_default_str();
  cmd->add_option("-o,--output", args->job.output, "output GeoTIFF")->required();
  add_run_options(*cmd, args->common);
  add_output_options(*cmd, args->common);
  cmd->footer(
    "Per pixel over the years whose value is valid (n; fewer than 3: nodata): slope = the median\n"
    "of the pairwise slopes (Theil-Sen) in the map's unit per year; p_value = two-sided\n"
    "Mann-Kendall with the tie-corrected variance; n. `sinkmap inventory` of the result gives\n"
    "per zone the total slope and the area share with p < 0.05.\n"
    "Example:\n  sinkmap trend stock_2016.tif stock_2017.tif stock_2018.tif stock_2019.tif -o trend.tif");
  cmd->callback([args, cmd] {
    check_command_outputs(*cmd, {{args->job.output, "-o"}, {args->job.output + ".aux.xml", "-o (its GDAL sidecar)"}});
    args->job.run = args->common.run_settings();
    args->job.output_options = args->common.output_options();
    io::set_gdal_warnings(!args->job.run.quiet);
    auto const r = jobs::run_trend_job(args->job);
    if (!args->job.run.quiet)
      std::fprintf(stderr, "sinkmap trend: wrote %s over %zu years (%s) in %.2f s\n",
                   args->job.output.c_str(), r.years.size(), r.stream.device.c_str(), r.stream.seconds);
  });
}

}  // namespace sinkmap::cli
