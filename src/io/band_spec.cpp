#include "io/band_spec.hpp"

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "sensors/band_role_names.hpp"

#include <algorithm>
#include <cctype>

namespace sinkmap::io {
namespace {

bool all_digits(std::string const& s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

band_role role_of(std::string const& name, std::string const& option)
{
  auto const r = sensors::parse_role(name);
  SINKMAP_EXPECTS(r.has_value(), bad_input,
                  option + ": unknown band role '" + name + "' (known: " +
                    sensors::role_name_list() + ")");
  return *r;
}

// A band number: 1 to 65535 (no raster has more bands); larger numbers would wrap in an int.
int band_number(std::string const& text, std::string const& option)
{
  long const n = parse_int(text, option);
  SINKMAP_EXPECTS(n >= 1 && n <= 65535, bad_input, option + ": band " + text + " is not a band number (1..65535)");
  return int(n);
}

}  // namespace

band_binding parse_band_spec(std::string const& spec, std::string const& scene)
{
  std::string const option = "--band " + spec;
  auto const eq = spec.find('=');
  SINKMAP_EXPECTS(eq != std::string::npos && eq > 0 && eq + 1 < spec.size(), bad_input,
                  option + ": expected ROLE=N or ROLE=FILE[:N]");
  band_binding b{role_of(spec.substr(0, eq), "--band"), {}, {}, {}, {}};
  std::string const value = spec.substr(eq + 1);
  if (all_digits(value)) {
    SINKMAP_EXPECTS(!scene.empty(), bad_input,
                    option + ": a band number needs a SCENE argument (or use ROLE=FILE[:N])");
    b.source = {scene, band_number(value, option)};
  } else {
    auto const colon = value.rfind(':');
    if (colon != std::string::npos && all_digits(value.substr(colon + 1)))
      b.source = {value.substr(0, colon), band_number(value.substr(colon + 1), option)};
    else
      b.source = {value, 1};
  }
  SINKMAP_EXPECTS(b.source.band >= 1, bad_input, option + ": band numbers start at 1");
  return b;
}

std::optional<double> role_values::get(band_role r) const
{
  if (auto it = per_role.find(r); it != per_role.end()) return it->second;
  return all;
}

role_values parse_role_values(std::vector<std::string> const& specs, std::string const& option)
{
  role_values v;
  for (auto const& s : specs) {
    auto const eq = s.find('=');
    if (eq == std::string::npos) {
      v.all = parse_double(s, option);
    } else {
      band_role const r = role_of(s.substr(0, eq), option);
      v.per_role[r] = parse_double(s.substr(eq + 1), option + " " + s.substr(0, eq));
    }
  }
  return v;
}

}  // namespace sinkmap::io
