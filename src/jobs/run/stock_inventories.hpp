// Step 3 of `sinkmap run`: per year, the accounted stock's class raster, its inventory (with
// the soil of each depth apart, and the Monte Carlo's intervals) and quicklook.
#pragma once

#include "jobs/run/accounting_step.hpp"
#include "jobs/run/observed_stocks.hpp"
#include "jobs/run/product_record.hpp"
#include "jobs/run/run_context.hpp"
#include "report/run_report.hpp"

#include <vector>

namespace sinkmap::jobs {

struct stock_inventories {
  product_record record;                     ///< stock maps, class rasters, inventories, quicklooks; run.json's years
  std::vector<zonal::inventory> inventories;        ///< per year
  std::vector<report::report_year> report;   ///< per year
};

stock_inventories inventory_stocks(run_context const& ctx, observed_years const& observed, accounted_years const& accounted);

}  // namespace sinkmap::jobs
