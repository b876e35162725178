#include "inventory/wetland_area.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace sinkmap::zonal {

wetland_area_report wetland_areas(std::vector<inventory> const& stocks, std::vector<int> const& years,
                                  std::set<std::string> const& wetland_classes, double threshold)
{
  wetland_area_report out;
  std::vector<std::map<std::string, double>> wet(stocks.size());
  for (std::size_t k = 0; k < stocks.size(); ++k) {
    std::map<std::string, double> mapped;
    for (auto const& r : stocks[k].rows) {
      if (r.cls == "*") mapped[r.zone] = r.area_ha;
      if (r.cls == "*" || r.cls == "unmapped") continue;
      wet[k][r.zone] += wetland_classes.count(r.cls) ? r.area_ha : 0.0;
      if (wetland_classes.count(r.cls)) wet[k]["*"] += r.area_ha;
    }
    mapped["*"] = stocks[k].total.area_ha;
    wet[k].try_emplace("*", 0.0);
    for (auto const& [zone, ha] : wet[k])
      out.areas.push_back({{"year", years[k]}, {"zone", zone}, {"wetland_ha", ha}, {"mapped_ha", mapped[zone]}});
  }
  for (std::size_t k = 1; k < stocks.size(); ++k)
    for (auto const& [zone, after] : wet[k]) {
      auto it = wet[k - 1].find(zone);
      double const before = it == wet[k - 1].end() ? 0.0 : it->second;
      double const larger = std::max(before, after);
      if (larger <= 0) continue;
      double const rel = std::abs(after - before) / larger;
      if (rel <= threshold) continue;
      out.changes.push_back({{"zone", zone}, {"from", years[k - 1]}, {"to", years[k]}, {"wetland_ha_before", before},
                             {"wetland_ha_after", after}, {"relative_change", rel}});
      char buf[400];
      std::snprintf(buf, sizeof buf,
                    "wetland area of zone '%s' changed from %.2f ha (%d) to %.2f ha (%d), %.0f %% of the larger: "
                    "flooding, a dry year or map noise can do this; check before reporting it as a land-use change",
                    zone.c_str(), before, years[k - 1], after, years[k], 100 * rel);
      out.warnings.push_back(buf);
    }
  return out;
}

}  // namespace sinkmap::zonal
