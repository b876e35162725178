// A Monte Carlo result in four numbers: mean, sample SD and the 2.5 and 97.5 percentiles of the
// iteration totals (the 95 % interval IPCC asks for).
#pragma once

#include <cmath>
#include <vector>

namespace sinkmap::uncertainty {

struct mc_summary {
  double mean = NAN, sd = NAN, p2_5 = NAN, p97_5 = NAN;
};

/// Percentiles by linear interpolation between order statistics (numpy.percentile's default).
mc_summary summarize(std::vector<double> values);

}  // namespace sinkmap::uncertainty
