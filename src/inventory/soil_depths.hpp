// Soil depth in the inventories: a soil pool is measured to a depth (0-30 cm for IPCC 2006
// SOC_REF, 0-100 cm for the Wetlands Supplement's coastal soils) and keeps it through class
// changes (a drained marsh's soil under cropland is still a 0-100 cm pool), so the depth is a
// per-pixel band of the accounted stock. Every inventory row names the depth of its soil, and a
// row over soils of several depths says "mixed" and gives the soil of each depth in its own
// column instead of one silent sum.
#pragma once

#include "inventory/zonal_inventory.hpp"

#include <map>
#include <string>

namespace sinkmap::zonal {

/// Sets each row's soil per depth from `by_depth`: per depth (cm), the same zones and classes
/// summed over the soil (stock: Mg C; sink: Mg C / yr) of the pixels whose pool has that depth.
/// Stock rows and every "*" row get exact values. Sink rows per IPCC category get their own soil
/// flux where their class's pixels in the zone have one depth, else "mixed" without a split
/// (the category's pixels cannot be told apart by depth there).
void apply_soil_depths(inventory& inv, std::vector<int> const& depths, std::map<int, inventory> const& by_depth);

/// "30", "100", "mixed", or "" without soil: what a row's soil_depth_cm column says.
std::string soil_depth_text(inventory_row const& r);

}  // namespace sinkmap::zonal
