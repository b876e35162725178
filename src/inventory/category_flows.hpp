// The sink inventory a county bureau files, from the yearly accounting: per zone and IPCC land
// category (forest_remaining, cropland_to_forest, ...) the area, gains, losses and net sink and
// the flux split by pool (biomass, dead organic matter, soil); per zone the conversions booked,
// disturbances, unconfirmed and still-pending class changes (area), and the mass balance:
// stock(t2) - stock(t1) against the sum of the pool fluxes between. Exact fixed-point sums, so
// tile size, thread count and device change nothing.
#pragma once

#include "carbon/zonal_totals.hpp"
#include "inventory/zonal_inventory.hpp"
#include "io/cell_area.hpp"
#include "io/zones.hpp"

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace sinkmap::zonal {

/// One interval's planes of an accounting pass (Mg C / ha / yr except the stocks, Mg C / ha).
struct accounted_tile {
  float const *net = nullptr, *gains = nullptr, *losses = nullptr;
  float const *biomass = nullptr, *dom = nullptr, *soil = nullptr;
  float const *category = nullptr, *events = nullptr, *pending = nullptr;
  float const *stock_before = nullptr, *stock_after = nullptr;
  float const *class_before = nullptr, *class_after = nullptr;
};

struct category_cell {
  std::uint64_t pixels = 0;
  carbon::exact_sum area_ha, net, gains, losses, biomass, dom, soil;  ///< Mg C / yr
};

/// Per zone: areas of the events and the mass balance terms (Mg C over the interval).
struct zone_checks {
  carbon::exact_sum converted_ha, disturbed_ha, flicker_ha, pending_ha, no_rate_ha;
  carbon::exact_sum stock_before, stock_after, pool_fluxes, net_fluxes;
};

class category_accumulator {
 public:
  /// years: length of the interval (the fluxes are per year).
  category_accumulator(io::zone_set const& zones, io::cell_area const& areas, double years)
    : zones_(zones), areas_(areas), years_(years)
  {
  }
  /// zone_ids: the tile's zone ids (zone_set::rasterize) when the caller has them; null: rasterized here.
  void add_tile(pipeline::window const& w, accounted_tile const& t, int const* zone_ids = nullptr);
  /// Key: (zone, category code, class id); unmapped pixels have category unmapped_class.
  [[nodiscard]] std::map<std::tuple<int, int, int>, category_cell> const& cells() const { return cells_; }
  [[nodiscard]] std::map<int, zone_checks> const& checks() const { return checks_; }
  [[nodiscard]] std::uint64_t impossible() const { return impossible_; }
  [[nodiscard]] double years() const { return years_; }

 private:
  io::zone_set const& zones_;
  io::cell_area const& areas_;
  double years_;
  std::map<std::tuple<int, int, int>, category_cell> cells_;
  std::map<int, zone_checks> checks_;
  std::uint64_t impossible_ = 0;
  std::mutex mutex_;
};

struct category_row {
  std::string zone, category;
  std::uint64_t pixels = 0;
  double area_ha = 0, gains = 0, losses = 0, net = 0, biomass = 0, dom = 0, soil = 0;  ///< Mg C / yr
};

struct mass_balance_row {
  std::string zone;
  double stock_before = 0, stock_after = 0;  ///< Mg C
  double pool_fluxes = 0;                    ///< Mg C over the interval (biomass + DOM + soil)
  double residual = 0;                       ///< stock change - pool fluxes, Mg C
  double relative = 0;                       ///< |residual| / stock_before
  double converted_ha = 0, disturbed_ha = 0, unconfirmed_ha = 0, pending_ha = 0, no_rate_ha = 0;
};

struct category_inventory {
  inventory by_class;                       ///< rows per (zone, category, class): the filed table
  std::vector<category_row> categories;     ///< per zone and category, then "*" per category
  std::vector<mass_balance_row> balance;    ///< per zone, then "*"
};

/// Rows from an accumulator; classes named by `class_names`, categories by `category_name`.
category_inventory make_category_inventory(category_accumulator const& acc, io::zone_set const& zones,
                                           std::map<int, std::string> const& class_names,
                                           std::string (*category_name)(int));

/// Largest |residual| / stock a mass balance may have before the run fails (rounding of float
/// pools is about 1e-7 of the stock).
inline constexpr double max_relative_residual = 1e-6;

/// Writes OUT.csv and OUT.json (same stem), atomically: the category table, and in the JSON the
/// mass balance and event areas per zone.
void write_category_table(category_inventory const& inv, std::string const& csv_path, std::string const& map,
                          std::string const& zones);

}  // namespace sinkmap::zonal
