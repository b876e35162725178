// The Monte Carlo pass (IPCC Approach 2) over stock maps: per (zone, class) cell and per
// iteration the exact total of the pixels' drawn carbon (a stock) or net sink, gains and losses
// (a sink), summarised as mean, SD and the 95 % interval; optionally the per-pixel SD map.
#pragma once

#include "jobs/carbon_inputs.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/run_settings.hpp"
#include "uncertainty/parameter_draws.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sinkmap::uncertainty {

struct mc_options {
  int iterations = 0;           ///< --uncertainty N (0: no Monte Carlo)
  std::uint64_t seed = 1;       ///< --seed
  std::string sd_output;        ///< --uncertainty-map: the per-pixel SD GeoTIFF ("" = none)
  std::string confusion;        ///< --landcover-confusion CSV ("" = classes are certain)
  std::string confusion_crosswalk;  ///< crosswalk for numeric labels ("" = the map's)
};

/// Per (zone name, class name) and per accumulator (0: carbon or net sink, 1: gains, 2: losses);
/// zone subtotals under class "*", the whole map under ("*", "*").
struct mc_totals {
  int iterations = 0;
  bool sink = false;
  std::map<std::pair<std::string, std::string>, std::vector<mc_summary>> rows;
  std::string sd_map;
};

struct mc_zones {
  std::string file, field;  ///< "" = the whole map as one zone "*"
};

/// Stock map made by sinkmap stock / run: its model (or carbon.model), its climate-zone and
/// forest-age maps (carbon.climate_zone_map, carbon.forest_age), the land-cover crosswalk for a
/// confusion matrix with product codes (carbon.landcover / carbon.crosswalk).
mc_totals run_stock_montecarlo(std::string const& stock_map, mc_zones const& zones,
                               jobs::carbon_input_options const& carbon, mc_options const& mc,
                               jobs::run_settings const& run);

struct mc_sink_options {
  std::string stock_t1, stock_t2;
  double years = 0;               ///< 0: from the maps
  std::string method = "auto";
  double transition_years = 20;
  std::optional<double> dnbr_threshold;
};

mc_totals run_sink_montecarlo(mc_sink_options const& s, mc_zones const& zones,
                              jobs::carbon_input_options const& carbon, mc_options const& mc,
                              jobs::run_settings const& run);

/// Adds the Monte Carlo columns to an inventory's rows (matched by zone and class names).
void attach_uncertainty(jobs::inventory& inv, mc_totals const& t);

}  // namespace sinkmap::uncertainty
