// run.json's coverage of an inventory: per zone, the mapped fraction and the hectares mapped,
// unmapped and outside the map (stock and sink steps alike).
#pragma once

#include "inventory/zonal_inventory.hpp"

#include <nlohmann/json.hpp>

namespace sinkmap::jobs {

inline nlohmann::json coverage_json(zonal::inventory const& inv)
{
  nlohmann::json c = nlohmann::json::array();
  for (auto const& z : inv.coverage)
    c.push_back({{"zone", z.zone}, {"mapped_fraction", z.mapped_fraction}, {"mapped_ha", z.mapped_ha},
                 {"unmapped_ha", z.unmapped_ha}, {"outside_map_ha", z.outside_ha}, {"zone_area_ha", z.zone_area_ha}});
  return c;
}

}  // namespace sinkmap::jobs
