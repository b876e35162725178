// Accuracy metrics of predicted against observed values (biomass map against plots, or a model
// against its calibration plots).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sinkmap::validate {

struct metrics {
  std::size_t n = 0;
  double bias = 0;       ///< mean(predicted - observed)
  double mae = 0;        ///< mean |predicted - observed|
  double rmse = 0;       ///< sqrt(mean (predicted - observed)^2)
  double rrmse_pct = 0;  ///< rmse / mean(observed) x 100
  double r2 = 0;         ///< 1 - sum (obs - pred)^2 / sum (obs - mean obs)^2
  double pearson_r = 0;
  double slope = 0, intercept = 0;  ///< least squares observed = intercept + slope x predicted
  /// Chinese forestry biomass-model standards (LY/T 2259-2014 and Zeng et al.): total relative
  /// error TRE = sum(obs - pred) / sum(pred) x 100, mean prediction error
  /// MPE = t(0.975, n - p) x (SEE / mean(obs)) / sqrt(n) x 100, SEE = sqrt(sum (obs - pred)^2 / (n - p)).
  double tre_pct = 0, mpe_pct = 0;
};

/// Metrics of `predicted` against `observed` (same length). `parameters` is p above: 0 for an
/// independent validation, the number of fitted coefficients for calibration residuals.
/// Fewer than two pairs give n and NaN elsewhere.
metrics compute_metrics(std::vector<double> const& observed, std::vector<double> const& predicted,
                        int parameters = 0);

/// Two-sided 95% Student t quantile t(0.975, dof).
double student_t_975(double dof);

}  // namespace sinkmap::validate
