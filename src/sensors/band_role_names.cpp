#include "sensors/band_role_names.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace sinkmap::sensors {
namespace {

struct role_names {
  band_role role;
  std::string_view name, symbol;
};

constexpr std::array<role_names, kernels::band_role_count> table{{
  {band_role::coastal, "coastal", "A"},   {band_role::blue, "blue", "B"},
  {band_role::green, "green", "G"},       {band_role::red, "red", "R"},
  {band_role::rededge1, "rededge1", "RE1"}, {band_role::rededge2, "rededge2", "RE2"},
  {band_role::rededge3, "rededge3", "RE3"}, {band_role::nir, "nir", "N"},
  {band_role::nir2, "nir2", "N2"},        {band_role::swir1, "swir1", "S1"},
  {band_role::swir2, "swir2", "S2"},
}};

}  // namespace

std::string_view role_name(band_role r) { return table[static_cast<std::size_t>(r)].name; }

std::optional<band_role> parse_role(std::string_view name)
{
  for (auto const& e : table)
    if (iequals(name, e.name) || iequals(name, e.symbol)) return e.role;
  return std::nullopt;
}

std::string role_name_list()
{
  std::string s;
  for (auto const& e : table) s += (s.empty() ? "" : ", ") + std::string(e.name);
  return s;
}

}  // namespace sinkmap::sensors
