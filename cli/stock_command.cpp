// sinkmap stock SCENE --model M [--landcover LC] -o stock.tif
// sinkmap stock --lulc LULC.tif --pools pools.csv -o stock.tif   (InVEST mode)
#include "commands.hpp"
#include "core/error.hpp"
#include "common_options.hpp"
#include "gdal/gdal_session.hpp"
#include "jobs/stock_job.hpp"

#include <cstdio>
#include <memory>

namespace sinkmap::cli {

void add_stock_command(CLI::App& app)
{
  struct args_t {
    jobs::stock_job_options job;
    common_options common;
    uncertainty::mc_options mc;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("stock", "Carbon stock map: biomass and carbon pools per pixel");
  cmd->add_option("SCENE", args->job.scenes, "raster or Landsat/Sentinel-2 product(s) of one date");
  add_carbon_options(*cmd, args->job.carbon);
  auto& fi = args->job.carbon.forest_inventory;
  cmd->add_option("--forest-inventory", fi.file,
                  "forest management inventory polygons (any OGR vector): inside them forest pixels take the "
                  "polygon's type, age and growing stock (stand volume -> biomass by the model's volume_to_biomass)");
  cmd->add_option("--inventory-layer", fi.layer, "layer of --forest-inventory (default: the first)");
  cmd->add_option("--inventory-year", fi.year, "survey year of --forest-inventory");
  cmd->add_option("--type-field", fi.type_field, "inventory field of the dominant species or forest type (a code or a "
                                                 "label of --forest-type-crosswalk, e.g. 杨树)");
  cmd->add_option("--origin-field", fi.origin_field, "inventory field of the stand origin (e.g. 人工 / 天然)");
  cmd->add_option("--age-field", fi.age_field, "inventory field of the stand age at the survey (years)");
  cmd->add_option("--volume-field", fi.volume_field, "inventory field of the growing stock (m3/ha)");
  cmd->add_option("--map-year", args->job.carbon.map_year,
                  "year of the scene: the inventory's ages advance from the survey year to it (default: the survey year)");
  cmd->add_option("--lulc", args->job.lulc, "InVEST mode: land-use raster of pool-table codes");
  cmd->add_option("--pools", args->job.pools,
                  "InVEST mode: carbon pool CSV (lucode, C_above, C_below, C_soil, C_dead)");
  cmd->add_option("-o,--output", args->job.output, "output GeoTIFF")->required();
  cmd->add_option("--output-bands", args->job.output_bands,
                  "write only these bands, e.g. c_total,ecosystem_class (all are computed)")
    ->delimiter(',');
  add_band_options(*cmd, args->job.scene_options);
  add_run_options(*cmd, args->common);
  add_output_options(*cmd, args->common);
  add_uncertainty_options(*cmd, args->mc);
  cmd->footer(
    "Bands: agb, bgb (Mg dry matter/ha), c_above, c_below, c_dead, c_soil, c_total (Mg C/ha),\n"
    "ecosystem_class; InVEST mode: c_above, c_below, c_dead, c_soil, c_total.\n"
    "--uncertainty N: a Monte Carlo over the map (model numbers drawn once per iteration, imagery\n"
    "models' residuals and, with --landcover-confusion, classes per pixel); the total's mean, SD\n"
    "and 95 % interval go to OUT_uncertainty.json. Zone totals: sinkmap inventory --uncertainty.\n"
    "Examples:\n"
    "  sinkmap stock LC08_L2SP_..._T1/ --landcover ESA_WorldCover_10m_2021_v200_N36E117_Map.tif \\\n"
    "      --climate-zone warm_temperate_moist -o stock_2021.tif\n"
    "  sinkmap stock --lulc lulc.tif --pools carbon_pools.csv -o stock.tif");
  cmd->callback([args, cmd] {
    check_command_outputs(*cmd, map_outputs(args->job.output, "classes", args->mc));
    args->job.run = args->common.run_settings();
    args->job.output_options = args->common.output_options();
    io::set_gdal_warnings(!args->job.run.quiet);
    SINKMAP_EXPECTS(!args->mc.active() || args->job.lulc.empty(), bad_input,
                    "--uncertainty: the InVEST pool table (--lulc, --pools) gives no uncertainties; use a model");
    SINKMAP_EXPECTS(args->mc.active() || (args->mc.sd_output.empty() && args->mc.confusion.empty()), bad_input,
                    "--uncertainty-map and --landcover-confusion need --uncertainty N");
    args->job.with_agb_input = args->mc.active();
    auto& fi = args->job.carbon.forest_inventory;
    if (fi.given()) {
      SINKMAP_EXPECTS(fi.year != 0, bad_input, "--forest-inventory: give --inventory-year (the survey year)");
      SINKMAP_EXPECTS(!fi.type_field.empty(), bad_input, "--forest-inventory: give --type-field");
      fi.crosswalk = args->job.carbon.forest_type_crosswalk;
    } else {
      SINKMAP_EXPECTS(fi.type_field.empty() && fi.origin_field.empty() && fi.age_field.empty() && fi.volume_field.empty() &&
                        fi.year == 0 && fi.layer.empty(),
                      bad_input, "--type-field, --origin-field, --age-field, --volume-field, --inventory-year and "
                                 "--inventory-layer describe --forest-inventory: give it");
    }
    auto const r = jobs::run_stock_job(args->job);
    for (auto const& w : r.warnings) std::fprintf(stderr, "sinkmap stock: warning: %s\n", w.c_str());
    if (!args->job.run.quiet) {
      for (auto const& n : r.notes) std::fprintf(stderr, "sinkmap stock: note: %s\n", n.c_str());
      std::fprintf(stderr, "sinkmap stock: wrote %s (%s) in %.2f s\n", args->job.output.c_str(),
                   r.stream.device.c_str(), r.stream.seconds);
    }
    if (args->mc.active()) {
      args->mc.sd_options = args->job.output_options;  // the SD map as --co / --cog lay out the map
      run_whole_map_montecarlo("sinkmap stock", args->job.output, args->job.carbon, args->mc, args->job.run);
    }
  });
}

}  // namespace sinkmap::cli
