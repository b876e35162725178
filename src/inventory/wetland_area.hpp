// Wetland area honesty: water level and season change what a map calls wetland, so a run reports
// the wetland area of each zone in each year and flags a change between consecutive maps above a
// threshold (flooding, a dry year or map noise, not necessarily a land-use change).
#pragma once

#include "inventory/zonal_inventory.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace sinkmap::zonal {

struct wetland_area_report {
  nlohmann::json areas = nlohmann::json::array();    ///< {year, zone, wetland_ha, mapped_ha}
  nlohmann::json changes = nlohmann::json::array();  ///< flagged {zone, from, to, ha before/after, relative}
  std::vector<std::string> warnings;
};

/// Wetland area per zone (and "*") of each year's stock inventory (classes named in
/// `wetland_classes`), and the consecutive-year changes whose relative size exceeds
/// `threshold` (of the larger of the two areas).
wetland_area_report wetland_areas(std::vector<inventory> const& stocks, std::vector<int> const& years,
                                  std::set<std::string> const& wetland_classes, double threshold);

}  // namespace sinkmap::zonal
