// Step 1 of `sinkmap run`: each year's observed stock, from the year's map and the model's
// tables or imagery models. The first year (of a fresh start) is where the accounting starts;
// every year gives the classes and NBR the accounting confirms changes with. The first map sets
// the run's grid, zones and cell areas; a forest inventory is burnt onto that grid once.
#pragma once

#include "inventory/forest_inventory_agreement.hpp"
#include "jobs/run/product_record.hpp"
#include "jobs/run/run_context.hpp"
#include "jobs/montecarlo_job.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct observed_years {
  product_record record;                    ///< observed stocks, their class rasters, composites, the SD map
  std::vector<std::string> maps;            ///< the observed stock of every year, in year order
  std::string inventory_raster;             ///< the forest inventory on the grid (a temporary; "" if none)
  std::vector<nlohmann::json> year_json;    ///< run.json's entry of every year, so far
  std::optional<uncertainty::mc_totals> start_mc;  ///< the first map's Monte Carlo (fresh starts)
  std::map<std::string, std::string> provenance;   ///< SINKMAP_* items of the first map
  std::string inventory_note;               ///< which inventory was compared with which map
  std::vector<zonal::inventory_agreement_row> inventory_agreement;
};

/// Sets ctx.grid, ctx.zones and ctx.areas from the first map.
observed_years observe_years(run_context& ctx);

}  // namespace sinkmap::jobs
