#include "jobs/run/statistics_check.hpp"

#include <cmath>
#include <cstdio>

namespace sinkmap::jobs {

statistics_check check_against_statistics(models::forest_statistics const& st, accounting_sums const& sums,
                                          std::vector<int> const& years,
                                          std::vector<std::pair<int, int>> const& intervals)
{
  statistics_check out;
  nlohmann::json years_json = nlohmann::json::array(), sinks_json = nlohmann::json::array();
  auto ratio_line = [&](std::string const& what, double mine, double theirs, std::string const& period,
                        std::string const& unit) {
    double const ratio = theirs != 0 ? mine / theirs : NAN;
    char line[512];
    std::snprintf(line, sizeof line, "%s: %.2f %s in the map, %.2f %s in %s (%s): ratio %.2f", what.c_str(), mine,
                  unit.c_str(), theirs, unit.c_str(), st.region.c_str(), period.c_str(), ratio);
    out.lines.push_back(line);
    if (!(ratio >= st.ratio_low && ratio <= st.ratio_high))
      out.warnings.push_back(std::string(line) + ", outside " + std::to_string(st.ratio_low).substr(0, 3) + "-" +
                             std::to_string(st.ratio_high).substr(0, 3) + ": the map and the forest inventory disagree");
    return ratio;
  };
  for (std::size_t y = 0; y < years.size(); ++y) {
    double const ha = sums.forest_ha[y].value();
    auto const* p = st.period_for(years[y]);
    if (ha <= 0 || !p) continue;
    double const density = sums.forest_c[y].value() / ha;
    std::string const period = std::to_string(p->from) + "-" + std::to_string(p->to);
    double const ratio = ratio_line("forest biomass carbon density " + std::to_string(years[y]), density,
                                    p->density_mgc_per_ha, period, "Mg C/ha");
    years_json.push_back({{"year", years[y]}, {"forest_ha", ha}, {"biomass_c_density_mgc_per_ha", density},
                          {"published_period", period}, {"published_density_mgc_per_ha", p->density_mgc_per_ha},
                          {"published_source", p->density_source}, {"ratio", ratio}});
  }
  for (std::size_t t = 0; t < intervals.size(); ++t) {
    double const ha = sums.forest_flux_ha[t].value();
    auto const [a, b] = intervals[t];
    auto const* x = st.sink_for(a, b);
    if (ha <= 0 || !x) continue;
    double const per_ha = sums.forest_flux[t].value() / ha;
    std::string const period = std::to_string(x->from) + "-" + std::to_string(x->to);
    double const ratio = ratio_line("forest biomass sink " + std::to_string(a) + "-" + std::to_string(b), per_ha,
                                    x->mgc_per_ha_yr, period, "Mg C/ha/yr");
    sinks_json.push_back({{"from", a}, {"to", b}, {"forest_ha", ha}, {"biomass_sink_mgc_per_ha_yr", per_ha},
                          {"published_period", period}, {"published_mgc_per_ha_yr", x->mgc_per_ha_yr},
                          {"published_source", x->source}, {"ratio", ratio}});
  }
  out.manifest = {{"table", st.file}, {"region", st.region}, {"scope", st.scope},
                  {"ratio_range", {st.ratio_low, st.ratio_high}}, {"years", years_json}, {"sinks", sinks_json}};
  return out;
}

}  // namespace sinkmap::jobs
