// Options every subcommand takes: --device, --threads, --tile, --memory, --quiet, --co,
// --format (COG by default; --cog kept as its alias).
#pragma once

#include "core/input_registry.hpp"
#include "io/geotiff_writer.hpp"
#include "jobs/carbon_inputs.hpp"
#include "jobs/run_settings.hpp"
#include "uncertainty/mc_options.hpp"

#include <CLI/CLI.hpp>

#include <set>
#include <string>
#include <vector>

namespace sinkmap::cli {

struct common_options {
  std::string device = "auto";
  int threads = 0;
  int tile = 0;
  std::size_t memory_mb = 256;
  bool quiet = false;
  std::vector<std::string> creation_options;
  std::string format = "COG";
  bool cog = false;  ///< --cog: the same as --format COG (the default), kept for older scripts

  [[nodiscard]] jobs::run_settings run_settings() const;
  [[nodiscard]] io::raster_output_options output_options() const;
};

/// Adds the run options (device, threads, tile, memory, quiet) to a subcommand.
void add_run_options(CLI::App& cmd, common_options& o);
/// Adds the raster output options (--co, --format, --cog).
void add_output_options(CLI::App& cmd, common_options& o);

/// Adds the carbon-model options: --model, --landcover, --crosswalk, --landcover-resampling,
/// --forest-type(-crosswalk), --forest-age, --forest-age-class, --climate-zone(-map,
/// -crosswalk), --soil-type. `with_landcover` = false leaves out the land-cover options.
void add_carbon_options(CLI::App& cmd, jobs::carbon_input_options& o, bool with_landcover = true);

/// Adds --uncertainty N, --seed S, --uncertainty-map FILE, --landcover-confusion CSV,
/// --confusion-crosswalk.
void add_uncertainty_options(CLI::App& cmd, uncertainty::mc_options& o);

/// stock and sink: the Monte Carlo over the whole map just written (OUT.tif): prints the total
/// with its 95 % interval and writes OUT_uncertainty.json. On failure main() removes the map and
/// what the Monte Carlo wrote (the files this run created, and no other).
void run_whole_map_montecarlo(char const* command, std::string const& output,
                              jobs::carbon_input_options const& carbon, uncertainty::mc_options const& mc,
                              jobs::run_settings const& run);

/// The names of comma-separated lists given to `option` (-i NDVI,EVI -i NBR), every item
/// non-empty: "-i ',,,'" is bad input naming the option, not an empty request.
std::vector<std::string> split_name_lists(std::vector<std::string> const& lists, std::string const& option);

/// Notes every file an option of `cmd` names (FILE, ROLE=FILE, ROLE=FILE:BAND) as an input,
/// except the options in `output_options` ("-o", "--output", "--uncertainty-map"), so that no
/// output can be written over one, whatever the job reads later.
void note_option_inputs(CLI::App const& cmd, std::set<std::string> const& output_options);

/// Before the first write of a command: notes its inputs (note_option_inputs) and checks all of
/// `outputs` (check_output_targets): bad input naming the option, nothing written.
void check_command_outputs(CLI::App const& cmd, std::vector<output_target> const& outputs,
                           std::set<std::string> const& output_options = {"-o", "--output", "--uncertainty-map",
                                                                           "--transitions"});

/// The files a map command (stock, sink) writes for -o OUTPUT: the map, GDAL's sidecar, the
/// class raster OUTPUT_SUFFIX.tif ("" for none) with its category sidecar, and with a Monte
/// Carlo OUTPUT_uncertainty.json and the SD map.
std::vector<output_target> map_outputs(std::string const& output, std::string const& class_suffix,
                                       uncertainty::mc_options const& mc);

/// Adds --band/--scale/--offset/--nodata.
void add_band_options(CLI::App& cmd, io::scene_options& o);

}  // namespace sinkmap::cli
