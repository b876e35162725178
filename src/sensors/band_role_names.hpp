// Names of band roles as users type them (--band red=3) and as band descriptions may carry them.
#pragma once

#include "sinkmap/kernels/band_role.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sinkmap::sensors {

using kernels::band_role;

/// Canonical name: "coastal", "blue", "green", "red", "rededge1".."rededge3", "nir", "nir2",
/// "swir1", "swir2".
std::string_view role_name(band_role r);

/// Parses a role name, case-insensitive; also accepts the Awesome Spectral Indices symbols
/// (A, B, G, R, RE1..RE3, N, N2, S1, S2). nullopt if unknown.
std::optional<band_role> parse_role(std::string_view name);

/// Every role name, comma separated, for error messages.
std::string role_name_list();

}  // namespace sinkmap::sensors
