#include "sensors/product.hpp"

#include "core/error.hpp"
#include "indices/index_request.hpp"

#include <algorithm>

namespace sinkmap::sensors {
namespace {

// Default: everything that is not a clear observation of the surface.
std::vector<std::string> const all_classes = {"fill",  "dilated", "cirrus",   "cloud",
                                              "shadow", "snow",    "saturated"};

}  // namespace

std::string mask_class_names()
{
  std::string s;
  for (auto const& c : all_classes) s += (s.empty() ? "" : ", ") + c;
  return s;
}

std::vector<std::string> parse_mask_spec(std::string const& spec)
{
  if (spec.empty() || spec == "default" || spec == "all") return all_classes;
  if (spec == "none") return {};
  std::vector<std::string> out;
  for (auto const& c : indices::split_list(spec)) {
    SINKMAP_EXPECTS(std::find(all_classes.begin(), all_classes.end(), c) != all_classes.end(),
                    bad_input,
                    "--mask: unknown class '" + c + "' (known: " + mask_class_names() +
                      ", or none)");
    out.push_back(c);
  }
  return out;
}

std::optional<product> open_product(std::string const& path, product_options const& opt)
{
  if (auto p = open_landsat_c2l2(path)) return p;
  if (auto p = open_sentinel2_l2a(path, opt)) return p;
  return std::nullopt;
}

}  // namespace sinkmap::sensors
