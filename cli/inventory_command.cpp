// sinkmap inventory MAP --zones ZONES --zone-field F [--landcover LC] -o inventory.csv
#include "commands.hpp"
#include "core/error.hpp"
#include "common_options.hpp"
#include "jobs/inventory_job.hpp"

#include <cstdio>
#include <memory>

namespace sinkmap::cli {

void add_inventory_command(CLI::App& app)
{
  struct args_t {
    jobs::inventory_job_options job;
    common_options common;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("inventory", "Totals per zone and ecosystem class of a stock or sink map");
  cmd->add_option("MAP", args->job.map, "stock map (c_total) or sink map (sink_c)")->required();
  cmd->add_option("--zones", args->job.zones, "zones: any OGR vector, any CRS")->required();
  cmd->add_option("--zone-field", args->job.zone_field, "field naming each zone")->required();
  cmd->add_option("--landcover", args->job.carbon.landcover,
                  "classes from this map (default: the stock map's ecosystem_class band)");
  cmd->add_option("--crosswalk", args->job.carbon.crosswalk,
                  "land-cover crosswalk: a name the model lists or a file (see stock --help)");
  cmd->add_option("--landcover-resampling", args->job.carbon.landcover_resampling, "nearest or mode");
  cmd->add_option("-m,--model", args->job.carbon.model, "model whose classes --landcover maps to")
    ->capture_default_str();
  cmd->add_option("--transitions", args->job.transitions,
                  "sink maps: also write the transition table (zone, from class, to class, area, "
                  "net sink) to this CSV, with JSON beside it");
  cmd->add_option("-o,--output", args->job.output, "inventory.csv (inventory.json is written beside it)")
    ->required();
  add_run_options(*cmd, args->common);
  add_uncertainty_options(*cmd, args->job.mc);
  cmd->footer(
    "Columns: zone, class, pixels, area_ha, carbon_mgc, co2e_t (stock) or sink_mgc_per_yr,\n"
    "sink_co2e_t_per_yr (sink). Per zone: a row per class, a row 'unmapped' (pixels where the\n"
    "map is nodata: cloud, no clear observation, outside the scenes; no carbon value) and a\n"
    "subtotal row with class '*'; a last row with zone * and class * holds the totals. The JSON\n"
    "adds per zone its polygon area and mapped fraction; zones under 90 % mapped are warned\n"
    "about. A pixel belongs to the zone that holds its centre; areas are ellipsoidal in\n"
    "geographic CRS.\n"
    "--uncertainty N adds, for each carbon or sink column X, X_mean, X_sd, X_p2_5 and X_p97_5\n"
    "(Monte Carlo, IPCC Approach 2, over the map's own pixels; a sink map's stock maps are\n"
    "recomputed, both years under the same draws).\n"
    "Example:\n  sinkmap inventory stock_2021.tif --zones counties.gpkg --zone-field name -o inv.csv");
  cmd->callback([args, cmd] {
    std::vector<output_target> outputs;
    for (auto const& f : jobs::inventory_outputs(args->job.output)) outputs.push_back({f, "-o"});
    if (!args->job.transitions.empty())
      for (auto const& f : jobs::inventory_outputs(args->job.transitions)) outputs.push_back({f, "--transitions"});
    if (args->job.mc.active() && !args->job.mc.sd_output.empty()) {
      outputs.push_back({args->job.mc.sd_output, "--uncertainty-map"});
      outputs.push_back({args->job.mc.sd_output + ".aux.xml", "--uncertainty-map (its GDAL sidecar)"});
    }
    check_command_outputs(*cmd, outputs);
    args->job.run = args->common.run_settings();
    SINKMAP_EXPECTS(args->job.mc.active() || (args->job.mc.sd_output.empty() && args->job.mc.confusion.empty()),
                    bad_input, "--uncertainty-map and --landcover-confusion need --uncertainty N");
    auto const inv = jobs::run_inventory_job(args->job);
    for (auto const& w : jobs::coverage_warnings(inv, args->job.map))
      std::fprintf(stderr, "sinkmap inventory: warning: %s\n", w.c_str());
    if (!args->job.run.quiet) {
      for (auto const& w : inv.warnings) std::fprintf(stderr, "sinkmap inventory: warning: %s\n", w.c_str());
      for (auto const& n : inv.notes) std::fprintf(stderr, "sinkmap inventory: note: %s\n", n.c_str());
    }
    if (!args->job.run.quiet)
      std::fprintf(stderr, "sinkmap inventory: %zu rows, total %.3f %s over %.1f ha -> %s\n",
                   inv.rows.size(), inv.total.total, inv.sink ? "Mg C/yr" : "Mg C",
                   inv.total.area_ha, args->job.output.c_str());
    if (!args->job.run.quiet && !inv.total.mc.empty())
      std::fprintf(stderr, "sinkmap inventory: Monte Carlo total %.6g, SD %.3g, 95 %% interval [%.6g, %.6g]\n",
                   inv.total.mc[0].mean, inv.total.mc[0].sd, inv.total.mc[0].p2_5, inv.total.mc[0].p97_5);
  });
}

}  // namespace sinkmap::cli
