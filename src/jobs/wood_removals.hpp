// Wood removals from statistics: a CSV with one row per zone and year, `zone,year` and one or both
// of `roundwood_m3` (H of IPCC 2006 Vol. 4 Eq. 2.12, m3 of roundwood a year) and
// `fuelwood_trees_m3` (FG_trees of Eq. 2.13, m3 of fuelwood removed as whole trees), the zone
// named as in the run's zone file. Both are merchantable volumes that Eq. 2.12 and the first
// term of Eq. 2.13 convert the same way, BCEF_R x (1 + R) x CF (Table 4.5's BCEF_R is "for
// conversion of wood and fuelwood removal volume to above-ground biomass removal", as the IPCC
// Emission Factor Database records it), so the accounting spreads their sum over the forest that
// stays forest in that zone and year and converts it with the BCEF_R of each pixel's class
// (kernels/accounting_stage.hpp). Fuelwood taken as tree parts (FG_part, the second term of
// Eq. 2.13) needs the basic wood density D, which no model carries yet: such a column is refused.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sinkmap::jobs {

struct wood_removals {
  std::string file;
  /// (zone name, year) -> m3 removed that year: roundwood plus fuelwood as whole trees.
  std::map<std::pair<std::string, int>, double> m3;
  /// The fuelwood part of m3 (absent: none given).
  std::map<std::pair<std::string, int>, double> fuelwood_m3;
};

/// Reads and checks the CSV: bad_input naming the file and line for a missing column, a zone
/// not in `zones` (unchecked where null: the run reads the file once before the zones are
/// on its grid), a year that is not a whole year, a volume that is negative or not a number,
/// and a zone-year given twice.
wood_removals read_wood_removals(std::string const& path, std::vector<std::string> const* zones);

/// The statistics per map of an accounting pass: map y books the years after the previous map
/// (or the start state) up to its own year; a fresh start's first map is the start and books
/// none.
struct removal_plan {
  std::vector<std::vector<float>> m3_per_ha;  ///< [zone][map]: per ha of eligible forest (NaN: none)
  std::vector<std::vector<double>> m3;        ///< [zone][map]: the statistic, m3
  std::vector<std::vector<double>> fuelwood_m3;  ///< [zone][map]: its fuelwood (whole trees), m3
  std::vector<std::string> warnings;          ///< rows outside the run's years, zones without forest
};

/// `forest_ha[zone][map]`: area of forest that stays forest there (the eligible area).
removal_plan plan_removals(wood_removals const& table, std::vector<std::string> const& zones,
                           std::vector<int> const& map_years, int state_year,
                           std::vector<std::vector<double>> const& forest_ha);

}  // namespace sinkmap::jobs
