// The exact sums the run takes from every tile of the accounting pass, in the pass's reducer:
// per year the accounted stock and its soil per depth; per interval the soil flux per depth, the
// sinks by IPCC category and by transition; the forest's biomass carbon and biomass sink for
// the check against published statistics; the wood removals booked per zone. The tile's zone
// ids are rasterized once for all of them.
#pragma once

#include "carbon/zonal_totals.hpp"
#include "inventory/category_flows.hpp"
#include "inventory/sink_flows.hpp"
#include "inventory/zonal_inventory.hpp"
#include "jobs/accounting_job.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace sinkmap::jobs {

class accounting_sums {
public:
  struct options {
    accounting_layout layout;
    int first_flux_map = 1;                          ///< the map of flux block 0 (0 when continuing a state)
    std::vector<std::pair<int, int>> intervals;      ///< (from, to) of every flux block
    std::vector<int> soil_depths;                    ///< one soil accumulator per depth (cm)
    bool forest_statistics = false;                  ///< sum the forest's biomass for the statistics check
    bool removals = false;                           ///< sum the booked wood removals per zone
  };
  accounting_sums(io::zone_set const& zones, io::cell_area const& areas, options o);

  /// A tile's output planes (find them with the layout); several threads may call it at once.
  void add(pipeline::window const& w, float const* planes);

  std::vector<std::unique_ptr<zonal::zonal_accumulator>> stock;                        ///< per year
  std::vector<std::map<int, std::unique_ptr<zonal::zonal_accumulator>>> soil;          ///< per year, per depth
  std::vector<std::map<int, std::unique_ptr<zonal::zonal_accumulator>>> soil_flux;     ///< per interval, per depth
  std::vector<std::unique_ptr<zonal::category_accumulator>> categories;               ///< per interval
  std::vector<std::unique_ptr<zonal::sink_accumulator>> transitions;                  ///< per interval
  /// Forest (confirmed class of the forest group) biomass carbon (Mg C) and area (ha) per year;
  /// its biomass flux (Mg C/yr) and area per interval.
  std::vector<carbon::exact_sum> forest_c, forest_ha, forest_flux, forest_flux_ha;
  std::vector<std::vector<carbon::exact_sum>> booked_m3;  ///< [zone][interval], m3

private:
  io::zone_set const& zones_;
  io::cell_area const& areas_;
  options o_;
  std::mutex mutex_;  // the forest and removal sums
};

}  // namespace sinkmap::jobs
