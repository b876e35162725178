// Parses the band-role options of `sinkmap index`: --band ROLE=N | ROLE=FILE[:N], and the
// per-role numbers --scale/--offset/--nodata VALUE | ROLE=VALUE.
#pragma once

#include "sinkmap/kernels/band_role.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::io {

using kernels::band_role;

/// Where a role's samples come from: band `band` (1-based) of `file`.
struct band_source {
  std::string file;
  int band = 1;
};

struct band_binding {
  band_role role;
  band_source source;
  /// Defaults a product supplies (MTL / MTD scaling, nodata); options still override them.
  std::optional<double> scale, offset, nodata;
};

/// Parses "red=3" (band 3 of `scene`) or "red=B4.TIF" / "red=stack.tif:2". Throws bad_input
/// naming the --band option at fault.
band_binding parse_band_spec(std::string const& spec, std::string const& scene);

/// Values of an option that takes VALUE (all roles) or ROLE=VALUE (one role).
struct role_values {
  std::optional<double> all;
  std::map<band_role, double> per_role;
  [[nodiscard]] std::optional<double> get(band_role r) const;
};

/// Parses the values of `option` (e.g. "--scale"); throws bad_input naming the option.
role_values parse_role_values(std::vector<std::string> const& specs, std::string const& option);

}  // namespace sinkmap::io
