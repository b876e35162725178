#include "common_options.hpp"

#include "core/error.hpp"
#include "io/class_raster.hpp"
#include "io/target_grid.hpp"
#include "jobs/montecarlo_job.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <filesystem>

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
  SINKMAP_EXPECTS(!(cog && format == "GTiff"), bad_input, "--cog and --format GTiff: give one of them");
  o.cog = format == "COG";
  return o;
}

void add_run_options(CLI::App& cmd, common_options& o)
{
  cmd.add_option("--device", o.device, "auto|cpu|cuda: auto uses a GPU when one is present")
    ->capture_default_str();
  cmd.add_option("--threads", o.threads, "worker threads (0 = all cores)")
    ->capture_default_str()
    ->check(CLI::Range(0, 4096));
  cmd.add_option("--tile", o.tile, "tile size N (N x N pixels, 16..65536); default: whole blocks sized from --memory")
    ->check(CLI::Range(16, 65536));
  cmd.add_option("--memory", o.memory_mb, "memory budget in MB (16..1048576): the run's peak memory above the process at rest (tiles, file handles, GDAL's cache)")
    ->capture_default_str()
    ->check(CLI::Range(16, 1 << 20));
  cmd.add_flag("-q,--quiet", o.quiet, "no progress or warnings on stderr");
}

void add_uncertainty_options(CLI::App& cmd, uncertainty::mc_options& o)
{
  cmd.add_option("--uncertainty", o.iterations,
                 "Monte Carlo (IPCC Approach 2) with N iterations: mean, SD and 95 % interval of every total")
    ->check(CLI::Range(2, 10000));
  // Read as text: CLI11 would wrap "-1" into 2^64 - 1 for an unsigned option.
  cmd.add_option_function<std::string>(
       "--seed",
       [&o](std::string const& text) {
         SINKMAP_EXPECTS(!text.empty() && text.find_first_not_of("0123456789") == std::string::npos, bad_input,
                         "--seed '" + text + "': a whole number from 0 to 18446744073709551615");
         errno = 0;
         char* end = nullptr;
         unsigned long long const v = std::strtoull(text.c_str(), &end, 10);
         SINKMAP_EXPECTS(errno != ERANGE && end && *end == '\0', bad_input,
                         "--seed '" + text + "': larger than 18446744073709551615");
         o.seed = v;
       },
       "Monte Carlo seed, 0..2^64-1 (same seed, same numbers on any machine); default 1");
  cmd.add_option_function<std::string>(
       "--uncertainty-mode",
       [&o](std::string const& text) {
         SINKMAP_EXPECTS(text == "grouped" || text == "exact", bad_input,
                         "--uncertainty-mode '" + text + "': grouped or exact");
         o.mode = text == "exact" ? uncertainty::mc_mode::exact : uncertainty::mc_mode::grouped;
       },
       "grouped (default): each group of pixels with equal class, zone, age and index value (to 12 "
       "significant bits) sums its per-pixel draws in closed form, so the cost follows the groups, not the "
       "pixels; exact: one draw per pixel and iteration (the reference)");
  cmd.add_option("--uncertainty-map", o.sd_output, "also write the per-pixel SD over the iterations to this GeoTIFF");
  cmd.add_option("--landcover-confusion", o.confusion,
                 "land-cover accuracy: CSV with a row per map class and a column per reference class "
                 "(counts); classes are then drawn per pixel and iteration");
  cmd.add_option("--confusion-crosswalk", o.confusion_crosswalk,
                 "crosswalk for numeric labels in the confusion CSV (default: the map's land-cover crosswalk)");
}

void run_whole_map_montecarlo(char const* command, std::string const& output,
                              jobs::carbon_input_options const& carbon, uncertainty::mc_options const& mc,
                              jobs::run_settings const& run)
{
  namespace fs = std::filesystem;
  fs::path const out(output);
  std::string const json = (out.parent_path() / (out.stem().string() + "_uncertainty.json")).string();
  // On failure main() removes what this run created (the map, the SD map), and nothing else.
  auto const t = uncertainty::run_map_montecarlo(output, {}, carbon, mc, run);
  uncertainty::write_totals_json(t, json, output);
  if (!run.quiet) {
    for (auto const& w : t.warnings) std::fprintf(stderr, "%s: warning: %s\n", command, w.c_str());
    for (auto const& n : t.notes) std::fprintf(stderr, "%s: note: %s\n", command, n.c_str());
    if (auto it = t.rows.find({"*", "*"}); it != t.rows.end()) {
      auto const& s = it->second.front();
      std::fprintf(stderr, "%s: Monte Carlo (%d iterations, seed %llu): total %.6g %s, SD %.3g, 95 %% interval "
                   "[%.6g, %.6g] -> %s\n", command, t.iterations, static_cast<unsigned long long>(t.seed), s.mean,
                   t.sink ? "Mg C/yr" : "Mg C", s.sd, s.p2_5, s.p97_5, json.c_str());
    }
  }
}

std::vector<std::string> split_name_lists(std::vector<std::string> const& lists, std::string const& option)
{
  std::vector<std::string> out;
  for (auto const& l : lists) {
    std::size_t pos = 0;
    while (pos <= l.size()) {
      std::size_t const end = std::min(l.find(',', pos), l.size());
      std::string const item = l.substr(pos, end - pos);
      SINKMAP_EXPECTS(!item.empty() && item.find_first_not_of(" \t") != std::string::npos, bad_input,
                      option + " '" + l + "': an empty name in the list (e.g. " + option + " NDVI,EVI)");
      out.push_back(item);
      pos = end + 1;
    }
  }
  return out;
}

void add_output_options(CLI::App& cmd, common_options& o)
{
  cmd.add_option("--co", o.creation_options,
                 "creation option KEY=VALUE of the format's GDAL driver (repeatable), e.g. --co COMPRESS=ZSTD")
    ->type_name("KEY=VALUE");
  cmd.add_option("--format", o.format,
                 "raster outputs: COG (Cloud-Optimized GeoTIFF with overviews, validated as LAYOUT=COG) "
                 "or GTiff (tiled GeoTIFF without overviews)")
    ->check(CLI::IsMember({"COG", "GTiff"}))
    ->capture_default_str();
  cmd.add_flag("--cog", o.cog, "the same as --format COG (the default)");
}

void add_carbon_options(CLI::App& cmd, jobs::carbon_input_options& o, bool with_landcover)
{
  cmd.add_option("-m,--model", o.model,
                 "carbon model: a shipped name (models/carbon/NAME.json) or a file")
    ->capture_default_str();
  if (with_landcover) {
    cmd.add_option("--landcover", o.landcover,
                   "land-cover map (any GDAL raster, any CRS), warped onto the scene grid");
    cmd.add_option("--crosswalk", o.crosswalk,
                   "land-cover codes -> the model's classes: a name the model lists (esa_worldcover, "
                   "glc_fcs30, clcd, nlcd, ...) or a file (default: guessed from the file name)");
    cmd.add_option("--landcover-resampling", o.landcover_resampling, "nearest or mode")
      ->capture_default_str();
    cmd.add_flag("--unmapped-classes", o.unmapped_classes,
                 "land-cover classes the model has no parameters for become unmapped pixels (reported) "
                 "instead of an error");
  }
  cmd.add_option("--forest-type", o.forest_type,
                 "forest-type or species map: refines forest pixels to the model's plantation or "
                 "type classes");
  cmd.add_option("--forest-type-crosswalk", o.forest_type_crosswalk,
                 "forest-type codes -> classes (a name the model lists, or a file)")
    ->capture_default_str();
  cmd.add_option("--forest-age", o.forest_age,
                 "stand age map in years: picks the young (<= 20 y) or old rows of the tables");
  cmd.add_option("--forest-age-class", o.forest_age_class,
                 "young or old for every forest pixel (default: the model's, recorded in outputs)");
  cmd.add_option("--climate-zone", o.climate_zone,
                 "climate zone of the whole map, one the model defines (default: the model's)");
  cmd.add_option("--climate-zone-map", o.climate_zone_map, "climate-zone map: the zone per pixel");
  cmd.add_option("--climate-zone-crosswalk", o.climate_zone_crosswalk,
                 "climate-zone map codes -> the model's zones (a name the model lists, or a file)")
    ->capture_default_str();
  cmd.add_option("--soil-type", o.soil_type,
                 "soil type for the soil reference stocks, one the model defines (default: the "
                 "model's)");
}

void add_band_options(CLI::App& cmd, io::scene_options& o)
{
  cmd.add_option("--stac", o.stac,
                 "STAC items in place of SCENE: an ItemCollection or one Item per line (landsat-c2-l2, "
                 "sentinel-2-l2a; hrefs local, relative or http(s) through /vsicurl/)");
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
  cmd.add_option("--resolution", o.grid.resolution,
                 "pixel size of the --grid (CRS units); without --grid, the Sentinel-2 grid in "
                 "metres (10, 20 or 60; default: finest present), other bands resampled on the fly");
  cmd.add_option("--grid", o.grid.crs,
                 "target grid CRS (e.g. EPSG:32650): every scene, mask and map is warped onto it "
                 "on the fly, so products in different UTM zones make one map");
  cmd.add_option("--extent", o.grid.extent_text,
                 "XMIN,YMIN,XMAX,YMAX of the --grid, a whole number of pixels, used exactly (as gdalwarp "
                 "-te -tr; default: all inputs, snapped outward to multiples of --resolution as -tap)");
  cmd.add_flag("--target-aligned-pixels,--tap", o.grid.target_aligned,
               "widen an --extent that is not whole pixels outward to multiples of --resolution (gdalwarp -tap)");
  cmd.add_option("--like", o.grid.like, "grid of this raster (alone), or its extent (with --grid)");
  cmd.add_option("--resampling", o.grid.resampling,
                 "reflectance resampling onto the grid: near, bilinear, cubic or average (masks and "
                 "classes: nearest, or mode when coarsening)")
    ->capture_default_str();
  // One --resolution serves both: with --grid it is the target pixel size (and a Sentinel-2
  // product is read at the coarsest native resolution not above it); without, the S2 grid.
  cmd.parse_complete_callback([&o] {
    if (!o.grid.extent_text.empty()) o.grid.extent = io::parse_extent(o.grid.extent_text);
    double const r = o.grid.resolution;
    if (o.grid.crs.empty()) {
      SINKMAP_EXPECTS(!o.grid.extent, bad_input, "--extent needs --grid CRS and --resolution");
      SINKMAP_EXPECTS(r == 0 || (r == std::floor(r) && r > 0 && r < 1e6), bad_input,
                      "--resolution without --grid is a Sentinel-2 grid in metres: 10, 20 or 60");
      o.resolution = int(r);
      o.grid.resolution = 0;
    } else {
      o.resolution = r >= 60 ? 60 : r >= 20 ? 20 : 10;
    }
  });
}

}  // namespace sinkmap::cli

namespace sinkmap::cli {

void note_option_inputs(CLI::App const& cmd, std::set<std::string> const& output_options)
{
  for (CLI::Option const* opt : cmd.get_options()) {
    bool is_output = false;
    for (auto const& name : opt->get_lnames()) is_output |= output_options.count("--" + name) > 0;
    for (auto const& name : opt->get_snames()) is_output |= output_options.count("-" + name) > 0;
    if (is_output) continue;
    for (std::string const& value : opt->results()) {
      // FILE, ROLE=FILE and ROLE=FILE:BAND (--band): note each form that names a file.
      note_input(value);
      std::size_t const eq = value.find('=');
      std::string const file = eq == std::string::npos ? value : value.substr(eq + 1);
      note_input(file);
      std::size_t const colon = file.rfind(':');
      if (colon != std::string::npos) note_input(file.substr(0, colon));
    }
  }
}

void check_command_outputs(CLI::App const& cmd, std::vector<output_target> const& outputs,
                           std::set<std::string> const& output_options)
{
  note_option_inputs(cmd, output_options);
  check_output_targets(outputs);
}

std::vector<output_target> map_outputs(std::string const& output, std::string const& class_suffix,
                                       uncertainty::mc_options const& mc)
{
  namespace fs = std::filesystem;
  std::vector<output_target> o = {{output, "-o"}, {output + ".aux.xml", "-o (its GDAL sidecar)"}};
  if (!class_suffix.empty()) {
    std::string const cls = io::class_raster_beside(output, class_suffix);
    o.push_back({cls, "-o (its " + class_suffix + " raster)"});
    o.push_back({cls + ".aux.xml", "-o (its " + class_suffix + " raster's category names)"});
  }
  if (mc.active()) {
    fs::path const out(output);
    o.push_back({(out.parent_path() / (out.stem().string() + "_uncertainty.json")).string(),
                 "-o (its Monte Carlo totals, OUT_uncertainty.json)"});
    if (!mc.sd_output.empty()) {
      o.push_back({mc.sd_output, "--uncertainty-map"});
      o.push_back({mc.sd_output + ".aux.xml", "--uncertainty-map (its GDAL sidecar)"});
    }
  }
  return o;
}

}  // namespace sinkmap::cli
