// Step 5 of `sinkmap run`: per interval, the sink map's inventory by IPCC land category and by
// class (soil per depth, Monte Carlo intervals), the transitions, the mass balance per zone (a
// residual above 1e-6 of the stock fails the run), the wood removals booked against the
// statistics, and the events (conversions, disturbances, unconfirmed and pending changes).
#pragma once

#include "jobs/run/accounting_step.hpp"
#include "jobs/run/product_record.hpp"
#include "jobs/run/run_context.hpp"
#include "jobs/run/stock_inventories.hpp"
#include "report/run_report.hpp"

#include <vector>

namespace sinkmap::jobs {

struct sink_inventories {
  product_record record;  ///< sink maps, inventories, categories, transitions, quicklooks; run.json's sinks
  std::vector<report::report_sink> report;
};

sink_inventories inventory_sinks(run_context const& ctx, accounted_years const& accounted,
                                 stock_inventories const& stocks);

}  // namespace sinkmap::jobs
