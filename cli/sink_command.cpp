// sinkmap sink STOCK_T1 STOCK_T2 --years N -o sink.tif
#include "commands.hpp"
#include "common_options.hpp"
#include "jobs/sink_job.hpp"

#include <cstdio>
#include <memory>

namespace sinkmap::cli {

void add_sink_command(CLI::App& app)
{
  struct args_t {
    jobs::sink_job_options job;
    common_options common;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("sink", "Carbon sink between two stock maps (stock difference)");
  cmd->add_option("STOCK_T1", args->job.stock_t1, "earlier stock map (band c_total)")->required();
  cmd->add_option("STOCK_T2", args->job.stock_t2, "later stock map on the same grid")->required();
  cmd->add_option("--years", args->job.years, "years between the two maps")->required();
  cmd->add_option("-o,--output", args->job.output, "output GeoTIFF")->required();
  add_run_options(*cmd, args->common);
  add_output_options(*cmd, args->common);
  cmd->footer(
    "IPCC 2006 Vol. 4 Eq. 2.5: sink_c = (C_t2 - C_t1) / years (Mg C/ha/yr, positive = uptake),\n"
    "sink_co2 = sink_c x 44/12 (t CO2/ha/yr).\n"
    "Example:\n  sinkmap sink stock_2020.tif stock_2021.tif --years 1 -o sink_2020_2021.tif");
  cmd->callback([args] {
    args->job.run = args->common.run_settings();
    args->job.output_options = args->common.output_options();
    auto const r = jobs::run_sink_job(args->job);
    if (!args->job.run.quiet)
      std::fprintf(stderr, "sinkmap sink: wrote %s (%s) in %.2f s\n", args->job.output.c_str(),
                   r.device.c_str(), r.seconds);
  });
}

}  // namespace sinkmap::cli
