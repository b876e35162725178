// sinkmap index SCENE -i NDVI,EVI -o out.tif
#include "commands.hpp"
#include "common_options.hpp"
#include "indices/index_catalog.hpp"
#include "gdal/gdal_session.hpp"
#include "jobs/index_job.hpp"

#include <cstdio>
#include <memory>

namespace sinkmap::cli {
namespace {

struct index_args {
  jobs::index_job_options job;
  common_options common;
  std::vector<std::string> index_lists;
};

}  // namespace

void add_index_command(CLI::App& app)
{
  auto args = std::make_shared<index_args>();
  auto* cmd = app.add_subcommand("index", "Compute spectral indices of a scene");
  cmd->add_option("SCENE", args->job.scenes,
                  "any GDAL raster, a Landsat C2L2 product (folder or MTL) or a Sentinel-2 L2A "
                  "product (.SAFE or MTD_MSIL2A.xml); several of one date are mosaicked; "
                  "optional when every --band names its file");
  cmd->add_option("-i,--index", args->index_lists,
                  "indices, comma separated: " + indices::index_name_list())
    ->required();
  cmd->add_option("-o,--output", args->job.output, "output GeoTIFF (float32, NaN nodata)")
    ->required();
  cmd->add_option("--const", args->job.constants,
                  "override a constant: NAME=VALUE or INDEX.NAME=VALUE, e.g. --const L=0.25");
  add_band_options(*cmd, args->job.scene_options);
  add_run_options(*cmd, args->common);
  add_output_options(*cmd, args->common);
  cmd->footer(
    "Examples:\n"
    "  sinkmap index LC08_L2SP_001070_20190114_20200830_02_T2/ -i NDVI,NDMI -o vi.tif\n"
    "  sinkmap index S2A_MSIL2A_...SAFE --resolution 20 --mask cloud,shadow -i NDVI -o vi.tif\n"
    "  sinkmap index stack.tif --band blue=1 --band red=3 --band nir=4 -i NDVI,EVI -o vi.tif\n"
    "  sinkmap index --band red=LC08_SR_B4.TIF --band nir=LC08_SR_B5.TIF \\\n"
    "      --scale 2.75e-5 --offset -0.2 -i NDVI,SAVI --const SAVI.L=0.25 -o vi.tif\n"
    "Output bands are named after the indices; values are unitless, NaN where any input is\n"
    "nodata or a denominator is zero.");
  cmd->callback([args, cmd] {
    check_command_outputs(*cmd, {{args->job.output, "-o"}, {args->job.output + ".aux.xml", "-o (its GDAL sidecar)"}});
    args->job.indices = split_name_lists(args->index_lists, "-i");
    args->job.run = args->common.run_settings();
    args->job.output_options = args->common.output_options();
    io::set_gdal_warnings(!args->job.run.quiet);
    auto const r = jobs::run_index_job(args->job);
    if (!args->job.run.quiet)
      std::fprintf(stderr, "sinkmap index: wrote %s (%d tiles of %dx%d, %s, %d threads) in %.2f s\n",
                   args->job.output.c_str(), r.layout.plan.count(), r.layout.plan.tile_width(),
                   r.layout.plan.tile_height(), r.device.c_str(), r.layout.threads, r.seconds);
  });
}

}  // namespace sinkmap::cli
