// Step 4 of `sinkmap run`: the wetland area per zone and year as each year's own map shows it
// (not the confirmed classes: a flood or a dry year that is never confirmed is what the flag is
// for), and the changes between consecutive maps worth a check.
#pragma once

#include "jobs/run/accounting_step.hpp"
#include "jobs/run/observed_stocks.hpp"
#include "jobs/run/product_record.hpp"
#include "jobs/run/run_context.hpp"
#include "report/run_report.hpp"

#include <vector>

namespace sinkmap::jobs {

struct wetland_area_step {
  product_record record;  ///< run.json's wetland_area
  std::vector<report::run_report::wetland_area> areas;
  std::vector<std::string> flags;
};

wetland_area_step measure_wetland_areas(run_context const& ctx, observed_years const& observed,
                                        accounted_years const& accounted);

}  // namespace sinkmap::jobs
