// sinkmap inventory MAP --zones ZONES --zone-field F [--landcover LC] -o inventory.csv
#include "commands.hpp"
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
  cmd->add_option("-o,--output", args->job.output, "inventory.csv (inventory.json is written beside it)")
    ->required();
  add_run_options(*cmd, args->common);
  cmd->footer(
    "Columns: zone, class, pixels, area_ha, carbon_mgc, co2e_t (stock) or sink_mgc_per_yr,\n"
    "sink_co2e_t_per_yr (sink); a last row with zone * and class * holds the totals. A pixel\n"
    "belongs to the zone that holds its centre; areas are ellipsoidal in geographic CRS.\n"
    "Example:\n  sinkmap inventory stock_2021.tif --zones counties.gpkg --zone-field name -o inv.csv");
  cmd->callback([args] {
    args->job.run = args->common.run_settings();
    auto const inv = jobs::run_inventory_job(args->job);
    if (!args->job.run.quiet)
      std::fprintf(stderr, "sinkmap inventory: %zu rows, total %.3f %s over %.1f ha -> %s\n",
                   inv.rows.size(), inv.total.total, inv.sink ? "Mg C/yr" : "Mg C",
                   inv.total.area_ha, args->job.output.c_str());
  });
}

}  // namespace sinkmap::cli
