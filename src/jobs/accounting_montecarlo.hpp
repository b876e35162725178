// The Monte Carlo through the yearly accounting: one state trajectory per pixel and iteration
// (kernels/accounting_montecarlo.hpp), so every year's stock and every interval's sink get
// their 95 % interval from the same draws. Zone-by-class totals per iteration are exact
// fixed-point sums: tile size and thread count change no digit.
#pragma once

#include "io/zones.hpp"
#include "jobs/accounting_job.hpp"
#include "jobs/montecarlo_job.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

/// A zone's stock over the whole series, per iteration then summarised: the mean annual sink
/// (last stock - first stock) / years, and (3 or more maps) the least-squares slope of its
/// total stock against the year, both Mg C / yr, positive = uptake.
struct series_interval {
  std::string zone;  ///< "*": the whole map
  int from = 0, to = 0;
  uncertainty::mc_summary mean_annual_sink;
  std::optional<uncertainty::mc_summary> stock_trend;
};

struct accounting_mc_totals {
  std::vector<uncertainty::mc_totals> stocks;  ///< per map (rows: zone x confirmed class)
  std::vector<uncertainty::mc_totals> sinks;   ///< per interval: net, gains, losses
  std::vector<series_interval> series;         ///< per zone and "*", over the maps' years
  std::vector<std::string> notes, warnings;
};

/// The same pass as run_accounting_job over `opt` (its outputs are not written), `mc.iterations`
/// trajectories per pixel; totals per zone of `zones` (pixel centres), by the class confirmed
/// at the year (stocks) or the interval's end (sinks).
accounting_mc_totals run_accounting_montecarlo(accounting_job_options const& opt, uncertainty::mc_options const& mc,
                                               io::zone_set const& zones);

}  // namespace sinkmap::jobs
