// Wood removals from statistics (IPCC 2006 Vol. 4 Eq. 2.12: H, m3 of roundwood a year): a CSV
// with one row per zone and year, `zone,year,roundwood_m3`, the zone named as in the run's zone
// file. The accounting spreads each row over the forest that stays forest in that zone and year
// and converts it with the BCEF_R of each pixel's class (kernels/accounting_stage.hpp).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sinkmap::jobs {

struct wood_removals {
  std::string file;
  /// (zone name, year) -> m3 of roundwood removed that year.
  std::map<std::pair<std::string, int>, double> m3;
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
  std::vector<std::string> warnings;          ///< rows outside the run's years, zones without forest
};

/// `forest_ha[zone][map]`: area of forest that stays forest there (the eligible area).
removal_plan plan_removals(wood_removals const& table, std::vector<std::string> const& zones,
                           std::vector<int> const& map_years, int state_year,
                           std::vector<std::vector<double>> const& forest_ha);

}  // namespace sinkmap::jobs
