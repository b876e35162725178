#include "inventory/soil_depths.hpp"

#include <cmath>

namespace sinkmap::zonal {

void apply_soil_depths(inventory& inv, std::vector<int> const& depths, std::map<int, inventory> const& by_depth)
{
  inv.soil_depths = depths;
  // Per depth: (zone, class) -> soil and pixels; the zone subtotals and the total.
  struct cell {
    double soil = 0;
    std::uint64_t pixels = 0;
  };
  std::map<int, std::map<std::pair<std::string, std::string>, cell>> rows;
  std::map<int, double> total;
  for (auto const& [d, di] : by_depth) {
    for (auto const& r : di.rows)
      if (r.cls != "unmapped") rows[d][{r.zone, r.cls}] = {r.total, r.pixels};
    total[d] = di.total.total;
  }
  auto fill = [&](inventory_row& r, bool own_flux) {
    r.soil_by_depth.clear();
    if (r.cls == "unmapped" || !r.has_total) return;
    std::map<int, double> found;
    for (int d : depths) {
      auto it = rows[d].find({r.zone, r.cls});
      if (it != rows[d].end() && it->second.pixels > 0) found[d] = it->second.soil;
    }
    if (own_flux && found.size() == 1) found.begin()->second = r.soil;  // the category row's own flux
    if (own_flux && found.size() > 1)
      for (auto& [d, v] : found) v = NAN;  // mixed, not split by category
    r.soil_by_depth = found;
  };
  bool const per_category = inv.categories;
  for (auto& r : inv.rows) fill(r, per_category && r.cls != "*");
  std::map<int, double> all;
  for (int d : depths)
    if (total.count(d) && by_depth.at(d).total.pixels > 0) all[d] = total[d];
  inv.total.soil_by_depth = all;
}

std::string soil_depth_text(inventory_row const& r)
{
  if (r.soil_by_depth.empty()) return "";
  if (r.soil_by_depth.size() > 1) return "mixed";
  return std::to_string(r.soil_by_depth.begin()->first);
}

}  // namespace sinkmap::zonal
