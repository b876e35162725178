// Step 7 of `sinkmap run`, where the config has [coastal_blue_carbon]: InVEST Coastal Blue
// Carbon over the years' land-cover maps (docs/blue-carbon.md), with its totals per zone.
#pragma once

#include "jobs/run/product_record.hpp"
#include "jobs/run/run_context.hpp"

namespace sinkmap::jobs {

product_record coastal_blue_carbon(run_context const& ctx);

}  // namespace sinkmap::jobs
