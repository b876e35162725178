// `sinkmap run CONFIG`: the annual one-map job. For every year of the TOML config: one streaming
// pass (reflectance, indices, biomass, pools, zonal sums fused) writing the stock map, its
// inventory and a quicklook; between consecutive years the sink map, its inventory and a
// quicklook; over all years an HDF5 cube of total carbon; and run.json listing every output.
#pragma once

#include "io/geotiff_writer.hpp"
#include "jobs/carbon_inputs.hpp"
#include "jobs/run_settings.hpp"

#include <string>
#include <vector>

namespace sinkmap::jobs {

struct run_year {
  int year = 0;
  std::vector<std::string> scenes;  ///< scene or product(s); empty: land cover only (Tier 1)
  std::string landcover, crosswalk, mask = "default";
  std::string forest_type, forest_age;  ///< per-year maps (forest types and ages change)
  int resolution = 0;
  std::vector<std::string> bands, scales, offsets;
};

struct run_config {
  std::string file;
  std::string output_dir;
  carbon_input_options carbon;  ///< model, climate zone, soil type, age class, resampling
  std::string zones, zone_field;
  std::vector<std::string> stock_bands;  ///< bands of the stock maps (empty: all)
  bool cube = true, quicklooks = true;
  std::vector<run_year> years;
};

/// Parses and validates a TOML config; relative paths are relative to the config's folder.
/// Throws bad_input naming the file, line and key at fault.
run_config load_run_config(std::string const& path);

struct run_outputs {
  std::vector<std::string> files;  ///< every file written, in order
  std::string manifest;            ///< run.json
};

run_outputs run_one_map(run_config const& cfg, run_settings const& run,
                        io::raster_output_options const& output_options);

}  // namespace sinkmap::jobs
