// Step 6 of `sinkmap run`: the per-pixel trend of the accounted stock over the years (3 or more)
// and its inventory by significance.
#pragma once

#include "jobs/run/product_record.hpp"
#include "jobs/run/run_context.hpp"

#include <string>
#include <vector>

namespace sinkmap::jobs {

/// `stocks`: the accounted stock of every year, in year order.
product_record stock_trend(run_context const& ctx, std::vector<std::string> const& stocks);

}  // namespace sinkmap::jobs
