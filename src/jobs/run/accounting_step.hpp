// Step 2 of `sinkmap run`: the yearly carbon accounting (IPCC 2006 Vol. 4 Ch. 2), every tile
// through all of its years at once, with wood removals from statistics spread over the forest a
// first pass measures, the sums every later step reads, the cube of stocks and sinks, the Monte
// Carlo through the accounting and the check against published statistics.
#pragma once

#include "io/netcdf_cube.hpp"
#include "jobs/accounting_job.hpp"
#include "jobs/accounting_montecarlo.hpp"
#include "jobs/run/accounting_sums.hpp"
#include "jobs/run/observed_stocks.hpp"
#include "jobs/run/product_record.hpp"
#include "jobs/run/run_context.hpp"
#include "jobs/wood_removals.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct accounted_years {
  product_record record;                         ///< the state; run.json's accounting and statistics_check
  accounting_job_options options;                ///< stock_outputs, flux_outputs, state_output
  accounting_job_result result;                  ///< class names and groups, notes, warnings
  int first_flux_map = 1;                        ///< the map of flux block 0 (0 when continuing a state)
  std::unique_ptr<accounting_sums> sums;
  std::optional<removal_plan> removals;
  std::optional<accounting_mc_totals> trajectories;
  std::vector<std::string> statistics_lines;     ///< the statistics check, for the report
  std::unique_ptr<io::netcdf_cube> cube;         ///< written, not yet committed ("" if none)
};

accounted_years account_years(run_context const& ctx, observed_years const& observed);

}  // namespace sinkmap::jobs
