// What a sinkmap map records about itself, read back by the next command: plain items
// (SINKMAP_YEAR, SINKMAP_MODEL_SHA256), parsed here once with their checks, and structured
// records (the carbon inputs a map was made with) as JSON values, one item per record named
// SINKMAP_JSON_<record> (e.g. SINKMAP_JSON_carbon_inputs = {...}), so that no job parses another
// job's human-readable text. They live in the default metadata domain because GDAL's COG driver
// (Debian 12's GDAL 3.6) copies only that one.
#pragma once

#include <gdal_priv.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace sinkmap::io {

/// The metadata item name of a structured record: record_item_prefix + its name.
inline constexpr char const* record_item_prefix = "SINKMAP_JSON_";

/// A dataset metadata item, "" where absent.
std::string metadata_item(GDALDataset& ds, char const* key);

/// The year a map records under `key`; nullopt where it records none. A value that is not a
/// whole year (a number between 1 and 99999 and nothing else) is bad_input naming `file`.
std::optional<int> recorded_year(GDALDataset& ds, std::string const& file, char const* key = "SINKMAP_YEAR");

/// The structured records of a map as one object {name: record} (empty where it has none);
/// bad_input naming `file` and the item where a record is not valid JSON.
nlohmann::json structured_metadata(GDALDataset& ds, std::string const& file);

}  // namespace sinkmap::io
