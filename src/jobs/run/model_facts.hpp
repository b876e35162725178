// What the run's steps need to know of its carbon model beyond the tables the stages bind: the
// soil depths its inventories bin by, its wetland soil rule, the Chinese names the report uses,
// and the published statistics the map is checked against.
#pragma once

#include "io/grid_spec.hpp"
#include "jobs/run_config.hpp"
#include "models/forest_statistics.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct model_facts {
  std::vector<int> soil_depths;                      ///< the model's soil depths (cm)
  std::string wetland_soil;                          ///< its rule for wetlands that remain, with its reason
  std::string soil_depth_summary;                    ///< each class's soil depth, for the report
  std::map<std::string, std::string> class_names_zh; ///< class -> Chinese name
  std::map<std::string, std::string> texts_zh;       ///< region descriptions in Chinese
  /// The published forest statistics to check the map against: on where the config asks, where
  /// it names a table, or by default inside the model's region.
  std::optional<models::forest_statistics> statistics;
};

/// bad_input when statistics_check = true and no table is shipped for the model.
model_facts load_model_facts(run_config const& cfg, io::raster_grid const& grid);

}  // namespace sinkmap::jobs
