// The inventory as a GeoPackage a county choropleth is one drag away from: layer "zones" has
// one feature per zone (its polygon from the zones file, the zone's totals, intervals and
// coverage as attributes), table "inventory" the per-class rows as in the CSV. Names stay UTF-8.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace sinkmap::io {

/// `inventory`: the inventory JSON (rows with zone, class and value fields; coverage). The
/// zone polygons come from `zones_file`'s features whose `zone_field` equals a row's zone
/// (several features of one name are merged). Written atomically.
void write_inventory_gpkg(std::string const& path, nlohmann::json const& inventory, std::string const& zones_file,
                          std::string const& zone_field, std::string const& lang = "en");

/// The Chinese alias of an inventory field (e.g. carbon_mgc_p2_5 -> 碳储量（吨碳）2.5%分位), set
/// as the GeoPackage field alias when lang = "zh"; "" for a field without one. The field names
/// themselves stay as they are (machine-readable).
std::string field_alias_zh(std::string const& field);

}  // namespace sinkmap::io
