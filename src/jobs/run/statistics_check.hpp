// The check against published forest inventory statistics (models/statistics/): the map's
// forest biomass carbon density per year and its biomass sink per hectare per interval, set as
// ratios beside the published period's values. A ratio outside the table's range is a warning.
#pragma once

#include "jobs/run/accounting_sums.hpp"
#include "models/forest_statistics.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace sinkmap::jobs {

struct statistics_check {
  nlohmann::json manifest;            ///< run.json's statistics_check
  std::vector<std::string> lines;     ///< one per compared year or interval, for the report
  std::vector<std::string> warnings;  ///< the lines whose ratio is outside the range
};

statistics_check check_against_statistics(models::forest_statistics const& st, accounting_sums const& sums,
                                          std::vector<int> const& years,
                                          std::vector<std::pair<int, int>> const& intervals);

}  // namespace sinkmap::jobs
