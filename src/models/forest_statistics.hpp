// Published forest carbon statistics (models/statistics/*.json): a province's forest area,
// biomass carbon stock and density per national-inventory period, and its biomass sink, each
// with its source. `run` sets its own forest biomass carbon density and sink per hectare beside
// the matching period (statistics_check), so a bureau sees at once whether its map fits the
// inventory it will be compared with.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sinkmap::models {

struct statistics_period {
  int from = 0, to = 0;                 ///< inventory years
  double area_ha = 0;                   ///< forest-stand area
  double density_mgc_per_ha = 0;        ///< biomass carbon density (live trees with roots)
  std::string density_source;
};

struct statistics_sink {
  int from = 0, to = 0;
  double mgc_per_ha_yr = 0;  ///< the published rate over the mean area of the periods it spans
  std::string source;
};

struct forest_statistics {
  std::string name, file, region, scope, model;
  std::string region_zh;  ///< the region's name for the Chinese report ("" = none)
  double ratio_low = 0.5, ratio_high = 2.0;
  std::vector<statistics_period> periods;
  std::vector<statistics_sink> sinks;

  /// The period that holds `year`, else the nearest; nullopt without periods.
  [[nodiscard]] statistics_period const* period_for(int year) const;
  /// The sink whose span overlaps [from, to] most (nearest if none).
  [[nodiscard]] statistics_sink const* sink_for(int from, int to) const;
};

/// Path of a shipped statistics table given its name (models/statistics/NAME.json), or the path.
std::string resolve_statistics_path(std::string const& name_or_path);

/// Loads and checks a statistics table; bad_input naming the file and field.
forest_statistics load_forest_statistics(std::string const& name_or_path);

/// The shipped table for a model (its "model" field names it), or "" where none.
std::string statistics_for_model(std::string const& model_name);

}  // namespace sinkmap::models
