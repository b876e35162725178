#include "models/ecosystem_classes.hpp"

#include <array>

namespace sinkmap::models {
namespace {

constexpr std::array<std::string_view, kernels::ecosystem_class_count> names = {
  "none",        "forest_evergreen_needleleaf", "forest_evergreen_broadleaf",
  "forest_deciduous_needleleaf", "forest_deciduous_broadleaf", "forest_mixed", "forest",
  "shrubland",   "grassland",  "cropland",     "wetland_herbaceous", "wetland_woody",
  "mangrove",    "tidal_marsh", "water",       "built_up",    "bare",        "snow_ice"};

}  // namespace

std::string_view class_name(int id)
{
  return id >= 0 && id < int(names.size()) ? names[std::size_t(id)] : "none";
}

std::optional<int> parse_class(std::string_view name)
{
  for (std::size_t i = 1; i < names.size(); ++i)
    if (names[i] == name) return int(i);
  return std::nullopt;
}

std::string class_name_list()
{
  std::string s;
  for (std::size_t i = 1; i < names.size(); ++i) s += (s.empty() ? "" : ", ") + std::string(names[i]);
  return s;
}

}  // namespace sinkmap::models
