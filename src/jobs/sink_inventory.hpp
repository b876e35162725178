// A sink map's inventory: the sink flows (inventory/sink_flows.hpp) of its pixels per zone.
#pragma once

#include "inventory/sink_flows.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/run_settings.hpp"

#include <string>

namespace sinkmap::jobs {

/// Accumulates a sink map (bands sink_c, gains_c, losses_c, class_from, class_to) over zones.
sink_inventory run_sink_inventory(std::string const& map, std::string const& zones_file,
                                  std::string const& zone_field, run_settings const& run);

}  // namespace sinkmap::jobs
