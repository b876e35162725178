#include "jobs/wood_removals.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "core/parse_number.hpp"
#include "core/text.hpp"
#include "gdal/gdal_session.hpp"

#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

namespace sinkmap::jobs {

wood_removals read_wood_removals(std::string const& path, std::vector<std::string> const* zones)
{
  auto ds = io::open_text_csv(path, "harvest");
  OGRLayer* layer = ds->GetLayer(0);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  char const* const expected = " (expected zone,year,roundwood_m3 and/or fuelwood_trees_m3)";
  auto column = [&](char const* name) {
    int const f = defn->GetFieldIndex(name);
    SINKMAP_EXPECTS(f >= 0, bad_input, path + " line 1: no column '" + name + "'" + expected);
    return f;
  };
  int const zf = column("zone"), yf = column("year");
  int const rf = defn->GetFieldIndex("roundwood_m3"), ff = defn->GetFieldIndex("fuelwood_trees_m3");
  SINKMAP_EXPECTS(rf >= 0 || ff >= 0, bad_input, path + " line 1: no column 'roundwood_m3'" + expected);
  // A volume column sinkmap does not know (a misspelt name) would be dropped silently: refused.
  for (int f = 0; f < defn->GetFieldCount(); ++f) {
    std::string const name = defn->GetFieldDefn(f)->GetNameRef();
    SINKMAP_EXPECTS(name.size() < 3 || name.compare(name.size() - 3, 3, "_m3") != 0 || name == "roundwood_m3" ||
                      name == "fuelwood_trees_m3" || name == "fuelwood_parts_m3",
                    bad_input,
                    path + " line 1: column '" + name + "' is not a volume sinkmap books (roundwood_m3, fuelwood_trees_m3)");
  }
  SINKMAP_EXPECTS(defn->GetFieldIndex("fuelwood_parts_m3") < 0, bad_input,
                  path + " line 1: fuelwood_parts_m3 (FG_part of IPCC Eq. 2.13) needs the basic wood density D, "
                         "which the models do not carry yet: give fuelwood taken as whole trees in "
                         "fuelwood_trees_m3");
  wood_removals out;
  out.file = path;
  int line = 1;
  for (auto const& feat : *layer) {
    ++line;
    std::string const where = path + " line " + std::to_string(line);
    std::string const zone = trim(feat->GetFieldAsString(zf));
    SINKMAP_EXPECTS(!zone.empty(), bad_input, where + ": zone is empty");
    SINKMAP_EXPECTS(!zones || std::find(zones->begin(), zones->end(), zone) != zones->end(), bad_input,
                    where + ": zone '" + zone + "' is not in the run's zone file");
    std::string const ytext = trim(feat->GetFieldAsString(yf));
    long const year = parse_int(ytext, where + " year");
    SINKMAP_EXPECTS(year >= 1 && year <= 99999, bad_input, where + ": year " + ytext + " is not a year");
    auto volume = [&](int f, char const* name) {
      if (f < 0) return 0.0;
      std::string const vtext = trim(feat->GetFieldAsString(f));
      SINKMAP_EXPECTS(!vtext.empty(), bad_input, where + ": " + name + " is empty");
      double const v = parse_double(vtext, where + " " + name);
      SINKMAP_EXPECTS(std::isfinite(v) && v >= 0 && v <= 1e12, bad_input,
                      where + ": " + name + " " + vtext + " is not a volume (0 to 1e12 m3)");
      return v;
    };
    double const roundwood = volume(rf, "roundwood_m3"), fuelwood = volume(ff, "fuelwood_trees_m3");
    auto const key = std::make_pair(zone, int(year));
    bool const fresh = out.m3.emplace(key, roundwood + fuelwood).second;
    SINKMAP_EXPECTS(fresh, bad_input, where + ": zone '" + zone + "' year " + ytext + " is given twice");
    if (ff >= 0) out.fuelwood_m3[key] = fuelwood;
  }
  SINKMAP_EXPECTS(!out.m3.empty(), bad_input, path + ": no rows" + expected);
  return out;
}

removal_plan plan_removals(wood_removals const& table, std::vector<std::string> const& zones,
                           std::vector<int> const& map_years, int state_year,
                           std::vector<std::vector<double>> const& forest_ha)
{
  removal_plan plan;
  std::size_t const maps = map_years.size();
  plan.m3_per_ha.assign(zones.size(), std::vector<float>(maps, NAN));
  plan.m3.assign(zones.size(), std::vector<double>(maps, 0.0));
  plan.fuelwood_m3.assign(zones.size(), std::vector<double>(maps, 0.0));
  std::vector<std::vector<bool>> given(zones.size(), std::vector<bool>(maps, false));
  // The first year a pass books: after the start state, or after a fresh start's first map.
  int const from = state_year != 0 ? state_year : map_years.front();
  for (auto const& [key, v] : table.m3) {
    auto const& [zone, year] = key;
    std::size_t const z = std::size_t(std::find(zones.begin(), zones.end(), zone) - zones.begin());
    if (year <= from || year > map_years.back()) {
      plan.warnings.push_back("harvest: " + table.file + ": zone " + zone + " year " + std::to_string(year) +
                              " is outside the years this run books (" + std::to_string(from + 1) + " to " +
                              std::to_string(map_years.back()) + "): not used");
      continue;
    }
    std::size_t y = 0;
    while (map_years[y] < year) ++y;  // the map that books this year
    plan.m3[z][y] += v;
    if (auto const f = table.fuelwood_m3.find(key); f != table.fuelwood_m3.end()) plan.fuelwood_m3[z][y] += f->second;
    given[z][y] = true;
  }
  for (std::size_t z = 0; z < zones.size(); ++z)
    for (std::size_t y = 0; y < maps; ++y) {
      if (!given[z][y]) continue;
      double const ha = forest_ha[z][y];
      if (ha > 0) {
        plan.m3_per_ha[z][y] = float(plan.m3[z][y] / ha);
      } else if (plan.m3[z][y] > 0) {
        plan.warnings.push_back("harvest: zone " + zones[z] + " map " + std::to_string(map_years[y]) + ": " +
                                std::to_string(plan.m3[z][y]) + " m3 of removals but no forest that stays forest "
                                "there: not booked");
      } else {
        plan.m3_per_ha[z][y] = 0.0f;  // a reported zero: the statistics still replace detection
      }
    }
  return plan;
}

}  // namespace sinkmap::jobs
