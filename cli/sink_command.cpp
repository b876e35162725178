// sinkmap sink STOCK_T1 STOCK_T2 [--method auto|stock-difference|gain-loss] -o sink.tif
#include "commands.hpp"
#include "core/error.hpp"
#include "common_options.hpp"
#include "gdal/gdal_session.hpp"
#include "jobs/sink_job.hpp"

#include <cstdio>
#include <memory>

namespace sinkmap::cli {

void add_sink_command(CLI::App& app)
{
  struct args_t {
    jobs::sink_job_options job;
    common_options common;
    double dnbr = NAN;
    uncertainty::mc_options mc;
  };
  auto args = std::make_shared<args_t>();
  auto& j = args->job;
  auto* cmd = app.add_subcommand("sink", "Carbon sink between two stock maps (IPCC methods)");
  cmd->add_option("STOCK_T1", j.stock_t1, "earlier stock map (sinkmap stock / run)")->required();
  cmd->add_option("STOCK_T2", j.stock_t2, "later stock map on the same grid")->required();
  cmd->add_option("--years", j.years, "years between the maps (default: the years the maps record)");
  cmd->add_option("--method", j.method, "auto, stock-difference or gain-loss")->capture_default_str();
  cmd->add_option("--transition-years", j.transition_years,
                  "D: years soil carbon takes to reach the new class's stock after a conversion "
                  "(IPCC 2006 Eq. 2.25)")
    ->capture_default_str();
  cmd->add_option("--dnbr-threshold", args->dnbr,
                  "NBR drop between the years that marks a forest disturbance (default: the model's)");
  cmd->add_option("-m,--model", j.carbon.model,
                  "model for growth rates and factors (default: the one the stock maps name)");
  cmd->add_option("--climate-zone", j.carbon.climate_zone, "climate zone of the map (default: model's)");
  cmd->add_option("--climate-zone-map", j.carbon.climate_zone_map, "climate-zone map");
  cmd->add_option("--climate-zone-crosswalk", j.carbon.climate_zone_crosswalk, "zone map codes -> zones")
    ->capture_default_str();
  cmd->add_option("--forest-age", j.carbon.forest_age, "stand age map (years) at the first map's date");
  cmd->add_option("--forest-age-class", j.carbon.forest_age_class, "young or old for every forest pixel");
  cmd->add_option("-o,--output", j.output, "output GeoTIFF")->required();
  add_run_options(*cmd, args->common);
  add_output_options(*cmd, args->common);
  add_uncertainty_options(*cmd, args->mc);
  cmd->footer(
    "IPCC 2006 Vol. 4 Ch. 2, positive = uptake (Mg C/ha/yr). stock-difference: (C_t2 - C_t1) /\n"
    "years (Eq. 2.5). gain-loss, where the class stays: G_W (1 + R) CF minus, where dNBR exceeds\n"
    "the threshold inside forest, B_W (1 + R) CF f_d / years (Eq. 2.9, 2.14). Where the class\n"
    "changed: biomass and dead organic matter of the old class lost and of the new gained over\n"
    "the years between the maps, soil carbon (SOC_new - SOC_old) / D per year (Eq. 2.25). auto:\n"
    "stock difference where both years' biomass comes from an imagery model, gain-loss where a\n"
    "Tier 1 class stays, the conversion rule where it changed.\n"
    "Bands: sink_c, sink_co2, gains_c, losses_c, sink_method (0 none, 1 stock difference,\n"
    "2 gain-loss, 3 conversion), disturbed, class_from, class_to.\n"
    "--uncertainty N: both years recomputed per iteration under the same draws of the model's\n"
    "numbers (errors of a class that stays cancel); growth rates, loss fractions and the stocks'\n"
    "factors are drawn; the net sink's mean, SD and 95 % interval go to OUT_uncertainty.json.\n"
    "Example:\n  sinkmap sink stock_2020.tif stock_2021.tif --method auto -o sink_2020_2021.tif");
  cmd->callback([args, cmd] {
    check_command_outputs(*cmd, map_outputs(args->job.output, "method", args->mc));
    if (!std::isnan(args->dnbr)) args->job.dnbr_threshold = args->dnbr;
    args->job.run = args->common.run_settings();
    args->job.output_options = args->common.output_options();
    io::set_gdal_warnings(!args->job.run.quiet);
    SINKMAP_EXPECTS(args->mc.active() || (args->mc.sd_output.empty() && args->mc.confusion.empty()), bad_input,
                    "--uncertainty-map and --landcover-confusion need --uncertainty N");
    auto const r = jobs::run_sink_job(args->job);
    for (auto const& w : r.warnings) std::fprintf(stderr, "sinkmap sink: warning: %s\n", w.c_str());
    if (!args->job.run.quiet) {
      for (auto const& n : r.notes) std::fprintf(stderr, "sinkmap sink: note: %s\n", n.c_str());
      std::fprintf(stderr, "sinkmap sink: wrote %s (%s) in %.2f s\n", args->job.output.c_str(),
                   r.stream.device.c_str(), r.stream.seconds);
      if (!r.method_raster.empty())
        std::fprintf(stderr, "sinkmap sink: wrote %s (the rule of each pixel, with category names)\n",
                     r.method_raster.c_str());
    }
    if (args->mc.active()) {
      args->mc.sd_options = args->job.output_options;  // the SD map as --co / --cog lay out the map
      run_whole_map_montecarlo("sinkmap sink", args->job.output, args->job.carbon, args->mc, args->job.run);
    }
  });
}

}  // namespace sinkmap::cli
