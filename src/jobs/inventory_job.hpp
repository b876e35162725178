// `sinkmap inventory MAP --zones ZONES --zone-field F`: the zonal inventory (inventory/) of a
// stock, sink or trend map, with Monte Carlo columns on request.
#pragma once

#include "inventory/sink_flows.hpp"
#include "inventory/zonal_inventory.hpp"
#include "jobs/carbon_inputs.hpp"
#include "jobs/run_settings.hpp"
#include "uncertainty/mc_options.hpp"

#include <string>

namespace sinkmap::jobs {

// The jobs layer composes the inventory module's tables and writers; they read as its own.
using namespace sinkmap::zonal;

struct inventory_job_options {
  std::string map;
  std::string zones, zone_field;
  carbon_input_options carbon;  ///< --model with --landcover / --crosswalk (classes from a map)
  std::string output;
  std::string transitions;      ///< sink maps: transitions CSV (and JSON beside it), "" = none
  uncertainty::mc_options mc;   ///< --uncertainty: Monte Carlo columns (stock and sink maps)
  run_settings run;
};

inventory run_inventory_job(inventory_job_options const& opt);

}  // namespace sinkmap::jobs
