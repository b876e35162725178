// What every product step of `sinkmap run` shares: the config, the settings, the staging folder
// the steps write into, the run's names, and the grid with its zones and cell areas (set by the
// first step, which opens the first map).
#pragma once

#include "io/cell_area.hpp"
#include "io/geotiff_writer.hpp"
#include "io/run_staging.hpp"
#include "io/zones.hpp"
#include "jobs/run/model_facts.hpp"
#include "jobs/run/run_products.hpp"
#include "jobs/run_config.hpp"
#include "jobs/run_settings.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct run_context {
  run_config const& cfg;
  run_settings const& run;
  io::raster_output_options const& output_options;
  io::run_staging& staging;
  run_products products;
  std::optional<io::raster_grid> grid;
  std::unique_ptr<io::zone_set> zones;
  std::unique_ptr<io::cell_area> areas;
  model_facts model;
  /// The warnings of the steps so far, in order (a step that says a thing once looks here).
  std::vector<std::string> warnings;

  /// Where a step writes `name` (inside the staging folder until the run is published).
  [[nodiscard]] std::string out(std::string const& name) const { return staging.path(name); }
  [[nodiscard]] std::vector<std::string> zone_names() const
  {
    std::vector<std::string> n;
    if (zones)
      for (int z = 1; z <= int(zones->size()); ++z) n.push_back(zones->name(z));
    return n;
  }
};

}  // namespace sinkmap::jobs
