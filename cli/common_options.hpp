// Options every subcommand takes: --device, --threads, --tile, --memory, --quiet, --co, --cog.
#pragma once

#include "io/geotiff_writer.hpp"
#include "jobs/carbon_inputs.hpp"
#include "jobs/run_settings.hpp"
#include "uncertainty/mc_options.hpp"

#include <CLI/CLI.hpp>

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
  bool cog = false;

  [[nodiscard]] jobs::run_settings run_settings() const;
  [[nodiscard]] io::raster_output_options output_options() const;
};

/// Adds the run options (device, threads, tile, memory, quiet) to a subcommand.
void add_run_options(CLI::App& cmd, common_options& o);
/// Adds the raster output options (--co, --cog).
void add_output_options(CLI::App& cmd, common_options& o);

/// Adds the carbon-model options: --model, --landcover, --crosswalk, --landcover-resampling,
/// --forest-type(-crosswalk), --forest-age, --forest-age-class, --climate-zone(-map,
/// -crosswalk), --soil-type. `with_landcover` = false leaves out the land-cover options.
void add_carbon_options(CLI::App& cmd, jobs::carbon_input_options& o, bool with_landcover = true);

/// Adds --uncertainty N, --seed S, --uncertainty-map FILE, --landcover-confusion CSV,
/// --confusion-crosswalk.
void add_uncertainty_options(CLI::App& cmd, uncertainty::mc_options& o);

/// stock and sink: the Monte Carlo over the whole map just written (OUT.tif): prints the total
/// with its 95 % interval and writes OUT_uncertainty.json. On failure the map and what the
/// Monte Carlo wrote are removed (nothing that looks like a result stays) before rethrowing.
void run_whole_map_montecarlo(char const* command, std::string const& output,
                              jobs::carbon_input_options const& carbon, uncertainty::mc_options const& mc,
                              jobs::run_settings const& run);

/// The names of comma-separated lists given to `option` (-i NDVI,EVI -i NBR), every item
/// non-empty: "-i ',,,'" is bad input naming the option, not an empty request.
std::vector<std::string> split_name_lists(std::vector<std::string> const& lists, std::string const& option);

/// Adds --band/--scale/--offset/--nodata.
void add_band_options(CLI::App& cmd, io::scene_options& o);

}  // namespace sinkmap::cli
