// The Monte Carlo pass (IPCC Approach 2) over stock maps: per (zone, class) cell and per
// iteration the exact total of the pixels' drawn carbon (a stock) or net sink, gains and losses
// (a sink), summarised as mean, SD and the 95 % interval; optionally the per-pixel SD map.
#pragma once

#include "jobs/carbon_inputs.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/run_settings.hpp"
#include "uncertainty/mc_options.hpp"
#include "uncertainty/parameter_draws.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sinkmap::uncertainty {

/// Per (zone name, class name) and per accumulator (0: carbon or net sink, 1: gains, 2: losses);
/// zone subtotals under class "*", the whole map under ("*", "*").
struct mc_totals {
  int iterations = 0;
  bool sink = false;
  std::map<std::pair<std::string, std::string>, std::vector<mc_summary>> rows;
  std::string sd_map;
  std::uint64_t seed = 0;
  std::vector<std::string> notes, warnings;
  /// Pixel-iterations without a value per row (a drawn class without parameters, say).
  std::map<std::pair<std::string, std::string>, std::int64_t> missing;
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

/// Either of the above for a map of sinkmap: a stock map, or a sink map whose metadata names
/// its stock maps, years, method and factors (SINKMAP_STOCK_T1, ...). `carbon` overrides what
/// the maps record (empty fields: as recorded).
mc_totals run_map_montecarlo(std::string const& map, mc_zones const& zones,
                             jobs::carbon_input_options const& carbon, mc_options const& mc,
                             jobs::run_settings const& run);

/// {"mean", "sd", "p2_5", "p97_5"} times `scale`.
nlohmann::json summary_json(mc_summary const& s, double scale = 1.0);

/// Adds KEY_mean, KEY_sd, KEY_p2_5 and KEY_p97_5 of the whole map's totals to `j` (run.json).
void add_total_fields(nlohmann::json& j, mc_totals const& t);

/// Writes the whole map's totals (with units, iterations, seed, notes) as JSON, atomically.
void write_totals_json(mc_totals const& t, std::string const& path, std::string const& map);

/// Adds the Monte Carlo columns to an inventory's rows (matched by zone and class names).
void attach_uncertainty(jobs::inventory& inv, mc_totals const& t);

}  // namespace sinkmap::uncertainty
