// The model's parameters drawn for each Monte Carlo iteration: independent parameters from
// their normal distributions truncated to their physical range (inverse-CDF sampling, so the
// truncation is exact), joint groups (a calibrated model's coefficients) from their
// multivariate normal through the Cholesky factor. Every draw is keyed by (seed, iteration,
// parameter) through Philox: the same numbers on any machine and in any order.
#pragma once

#include "models/carbon_model.hpp"
#include "uncertainty/summary.hpp"

#include <cstdint>
#include <vector>

namespace sinkmap::uncertainty {

/// Standard normal CDF, Phi(z) = erfc(-z / sqrt 2) / 2.
double normal_cdf(double z);

/// One iteration's parameter values.
std::vector<double> draw_parameters(models::carbon_model const& m, std::uint64_t seed, std::uint32_t iteration);

/// One class table per iteration, at that iteration's draws.
std::vector<kernels::class_tables> iteration_tables(models::carbon_model const& m, std::uint64_t seed,
                                                    int iterations);

}  // namespace sinkmap::uncertainty
