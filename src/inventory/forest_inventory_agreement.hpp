// Where a forest inventory and the land-cover map disagree: per zone, the area both call forest,
// the area inside inventory polygons that the map does not call forest (the map wins there: the
// pixel keeps its land-cover class, and this area is reported, never dropped), and the map's
// forest outside every polygon (it keeps the land-cover defaults).
#pragma once

#include "io/cell_area.hpp"
#include "io/zones.hpp"
#include "sinkmap/kernels/ecosystem_class.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sinkmap::zonal {

struct inventory_agreement_row {
  std::string zone;               ///< a zone's name, or "*" for all zones
  double both_ha = 0;             ///< forest in the map and inside a polygon (the inventory applies)
  double inventory_only_ha = 0;   ///< inside a polygon, but the map says another class (or no data)
  double landcover_only_ha = 0;   ///< forest in the map outside every polygon (defaults apply)
};

/// Reads the observed stock's ecosystem_class band and the burnt inventory's class band
/// (io/forest_inventory.hpp) strip by strip. `group_of` is the model's class -> group table.
std::vector<inventory_agreement_row> forest_inventory_agreement(std::string const& observed_stock,
                                                                std::string const& inventory_raster,
                                                                unsigned char const* group_of,
                                                                io::zone_set const& zones, io::cell_area const& areas);

nlohmann::json to_json(std::vector<inventory_agreement_row> const& rows);

}  // namespace sinkmap::zonal
