// `sinkmap run CONFIG`: the annual one-map job. For every year of the TOML config: one streaming
// pass (reflectance, indices, biomass, pools, zonal sums fused) writing the stock map, its
// inventory and a quicklook; between consecutive years the sink map, its inventory and a
// quicklook; over all years an HDF5 cube of total carbon; and run.json listing every output.
#pragma once

#include "io/geotiff_writer.hpp"
#include "jobs/run_config.hpp"
#include "jobs/run_settings.hpp"

#include <string>
#include <vector>

namespace sinkmap::jobs {

struct run_outputs {
  std::vector<std::string> files;  ///< every file written, in order
  std::string manifest;            ///< run.json
};

run_outputs run_one_map(run_config const& cfg, run_settings const& run,
                        io::raster_output_options const& output_options);

}  // namespace sinkmap::jobs
