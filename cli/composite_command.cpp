// sinkmap composite SCENE... -o OUT.tif [--from D] [--to D] [--method medoid|median|max-ndvi]
// sinkmap composite --scenes LIST.csv --clear 0,1 -o OUT.tif
#include "commands.hpp"
#include "common_options.hpp"
#include "indices/index_catalog.hpp"
#include "gdal/gdal_session.hpp"
#include "jobs/composite_job.hpp"

#include <cstdio>
#include <memory>

namespace sinkmap::cli {

void add_composite_command(CLI::App& app)
{
  struct args_t {
    jobs::composite_job_options job;
    common_options common;
    std::string valid_range;
    std::vector<std::string> index_lists;
  };
  auto args = std::make_shared<args_t>();
  auto& rq = args->job.request;
  auto* cmd = app.add_subcommand("composite", "Clear-sky composite of many dated scenes");
  cmd->add_option("SCENE", rq.scenes,
                  "Landsat C2L2 or Sentinel-2 L2A products: date, roles, scaling and masks from "
                  "their metadata");
  cmd->add_option("--scenes", rq.scene_list,
                  "scene list CSV: a date column (YYYY-MM-DD), one column per band role holding a "
                  "raster path (relative to the CSV, FILE[:BAND]), an optional mask column");
  cmd->add_option("--clear", rq.clear, "mask values that mean clear, e.g. 0,1 (Fmask)")->delimiter(',');
  cmd->add_option("--from", rq.from, "first date of the window, YYYY-MM-DD (inclusive)");
  cmd->add_option("--to", rq.to, "last date of the window, YYYY-MM-DD (inclusive)");
  cmd->add_option("--method", rq.method, "medoid, median or max-ndvi")->capture_default_str();
  cmd->add_option("--valid-range", args->valid_range,
                  "LO,HI: reflectance (after scaling) outside it is not a valid observation");
  cmd->add_option("--roles", rq.roles, "band roles to composite (default: all the scenes share)")
    ->delimiter(',');
  cmd->add_option("-i,--index", args->index_lists,
                  "indices of the composite to add as bands: " + indices::index_name_list());
  cmd->add_option("-o,--output", args->job.output, "output GeoTIFF")->required();
  add_band_options(*cmd, rq.scene_options);
  add_run_options(*cmd, args->common);
  add_output_options(*cmd, args->common);
  cmd->footer(
    "An observation is clear at a pixel when its mask says clear and every role band is valid.\n"
    "medoid (Flood 2013): the observation closest, summed over the role bands, to all others;\n"
    "median: per band; max-ndvi (Holben 1986): the greenest observation. Ties: earliest date.\n"
    "Bands: one per role (reflectance), clear_count, doy (medoid, max-ndvi), then -i indices.\n"
    "Examples:\n"
    "  sinkmap composite L2/LC08_*_2021* --from 2021-06-01 --to 2021-09-30 -o c2021.tif\n"
    "  sinkmap composite --scenes scenes.csv --clear 0,1 --scale 0.0001 --valid-range 0,1 \\\n"
    "      --method median -i NDVI -o c2010.tif\n"
    "  sinkmap composite L2/* --grid EPSG:32650 --resolution 30 --resampling bilinear -o c.tif\n"
    "  sinkmap composite --stac items.json --from 2021-06-01 --to 2021-09-30 -o c2021.tif   (STAC items)");
  cmd->callback([args, cmd] {
    check_command_outputs(*cmd, {{args->job.output, "-o"}, {args->job.output + ".aux.xml", "-o (its GDAL sidecar)"}});
    args->job.indices = split_name_lists(args->index_lists, "-i");
    if (!args->valid_range.empty())
      args->job.request.valid_range = composite::parse_valid_range(args->valid_range);
    args->job.run = args->common.run_settings();
    args->job.output_options = args->common.output_options();
    io::set_gdal_warnings(!args->job.run.quiet);
    auto const r = jobs::run_composite_job(args->job);
    if (!args->job.run.quiet) {
      for (auto const& n : r.plan.notes) std::fprintf(stderr, "sinkmap composite: note: %s\n", n.c_str());
      std::fprintf(stderr, "sinkmap composite: wrote %s (%s) in %.2f s\n", args->job.output.c_str(),
                   r.stream.device.c_str(), r.stream.seconds);
    }
  });
}

}  // namespace sinkmap::cli
