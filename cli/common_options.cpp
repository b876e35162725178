#include "common_options.hpp"

namespace sinkmap::cli {

jobs::run_settings common_options::run_settings() const
{
  jobs::run_settings s;
  s.device = pipeline::parse_device(device);
  s.threads = threads;
  s.tile = tile;
  s.memory_mb = memory_mb;
  s.quiet = quiet;
  return s;
}

io::raster_output_options common_options::output_options() const
{
  io::raster_output_options o;
  o.creation_options = creation_options;
  o.cog = cog;
  return o;
}

void add_run_options(CLI::App& cmd, common_options& o)
{
  cmd.add_option("--device", o.device, "auto|cpu|cuda: auto uses a GPU when one is present")
    ->capture_default_str();
  cmd.add_option("--threads", o.threads, "worker threads (0 = all cores)")->capture_default_str();
  cmd.add_option("--tile", o.tile,
                 "tile size N (N x N pixels); default: whole blocks sized from --memory");
  cmd.add_option("--memory", o.memory_mb, "memory budget in MB for tiles and GDAL's cache")
    ->capture_default_str();
  cmd.add_flag("-q,--quiet", o.quiet, "no progress or warnings on stderr");
}

void add_output_options(CLI::App& cmd, common_options& o)
{
  cmd.add_option("--co", o.creation_options,
                 "GDAL creation option KEY=VALUE (repeatable), e.g. --co COMPRESS=ZSTD");
  cmd.add_flag("--cog", o.cog, "write a Cloud-Optimized GeoTIFF with overviews");
}

void add_band_options(CLI::App& cmd, io::scene_options& o)
{
  cmd.add_option("-b,--band", o.bands,
                 "band role: ROLE=N (band N of SCENE) or ROLE=FILE[:N] (repeatable). Roles: "
                 "coastal, blue, green, red, rededge1..3, nir, nir2, swir1, swir2");
  cmd.add_option("--scale", o.scales,
                 "reflectance = DN * scale + offset: VALUE for all bands or ROLE=VALUE "
                 "(default: the band's own scale, else 1)");
  cmd.add_option("--offset", o.offsets, "VALUE or ROLE=VALUE (default: band's own, else 0)");
  cmd.add_option("--nodata", o.nodata,
                 "input nodata: VALUE or ROLE=VALUE (default: the band's own nodata)");
  cmd.add_option("--mask", o.mask,
                 "products: quality classes to mask, comma separated, or none (default: all of "
                 "fill, dilated, cirrus, cloud, shadow, snow, saturated)")
    ->capture_default_str();
  cmd.add_option("--resolution", o.resolution,
                 "Sentinel-2: output grid in metres, 10, 20 or 60 (default: finest present); "
                 "other bands are resampled on the fly");
}

}  // namespace sinkmap::cli
