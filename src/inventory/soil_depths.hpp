// Soil depth in the inventories: a class's soil pool is measured to its own depth (0-30 cm for
// IPCC 2006 SOC_REF, 0-100 cm for the Wetlands Supplement's coastal soils), so every inventory row
// names the depth of its soil, and a row over classes of several depths (a zone's subtotal, the
// total) gives the soil carbon of each depth in its own column instead of one silent sum.
#pragma once

#include "inventory/zonal_inventory.hpp"

#include <map>
#include <string>

namespace sinkmap::zonal {

/// Sets each row's soil by depth and the inventory's depth columns. depth_of_class: the class
/// names' soil depths (cm). soil_stocks: for a stock inventory, the same zones and classes summed
/// over the soil band (Mg C); null for a sink inventory, whose rows already carry their soil flux.
void apply_soil_depths(inventory& inv, std::map<std::string, int> const& depth_of_class,
                       inventory const* soil_stocks = nullptr);

/// The soil depth of each class of a model whose soil is estimated somewhere, by class name.
std::map<std::string, int> soil_depth_of_classes(models::carbon_model const& m);

/// "0-30 cm" or "mixed" for a row (empty without soil): what its soil_depth_cm column says.
std::string soil_depth_text(inventory_row const& r);

}  // namespace sinkmap::zonal
