#include "inventory/soil_depths.hpp"

#include <set>

namespace sinkmap::zonal {

std::map<std::string, int> soil_depth_of_classes(models::carbon_model const& m)
{
  // A class whose soil is not estimated in any zone (water, built-up, a bare flat) has no depth
  // to claim: its rows leave soil_depth_cm empty and do not make a subtotal "mixed".
  std::map<std::string, int> out;
  for (auto const& c : m.classes)
    if (m.soil_estimated(c)) out[c.name] = int(c.soil_depth_cm);
  return out;
}

void apply_soil_depths(inventory& inv, std::map<std::string, int> const& depth_of_class, inventory const* soil_stocks)
{
  std::set<int> depths;
  for (auto const& [cls, d] : depth_of_class) depths.insert(d);
  inv.soil_depths.assign(depths.begin(), depths.end());
  std::map<std::pair<std::string, std::string>, double> soil_of;
  if (soil_stocks)
    for (auto const& r : soil_stocks->rows) soil_of[{r.zone, r.cls}] = r.total;
  // Class rows carry their depth; "*" rows and the total the sum of their zone's class rows per
  // depth (rows of a class with no mapped pixel add nothing, so a zone of one depth stays one).
  std::map<std::string, std::map<int, double>> zone_sum;
  std::map<int, double> all;
  for (auto& r : inv.rows) {
    r.soil_by_depth.clear();
    if (r.cls == "*" || r.cls == "unmapped" || !r.has_total) continue;
    auto it = depth_of_class.find(r.cls);
    if (it == depth_of_class.end()) continue;
    double const soil = soil_stocks ? soil_of[{r.zone, r.cls}] : r.soil;
    r.soil_by_depth[it->second] = soil;
    if (r.pixels == 0) continue;
    zone_sum[r.zone][it->second] += soil;
    all[it->second] += soil;
  }
  for (auto& r : inv.rows)
    if (r.cls == "*") r.soil_by_depth = zone_sum[r.zone];
  inv.total.soil_by_depth = all;
}

std::string soil_depth_text(inventory_row const& r)
{
  if (r.soil_by_depth.empty()) return "";
  if (r.soil_by_depth.size() > 1) return "mixed";
  return std::to_string(r.soil_by_depth.begin()->first);
}

}  // namespace sinkmap::zonal
