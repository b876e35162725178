// Least-squares fits of the biomass model forms (kernels/carbon_stage.hpp) to plot data:
// linear and logarithmic in closed form; power and exponential by Levenberg-Marquardt on the
// untransformed residuals, started from the log-transformed linear fit.
#pragma once

#include "sinkmap/kernels/carbon_stage.hpp"

#include <string>
#include <vector>

namespace sinkmap::validate {

struct fit_result {
  double a = 0, b = 0;
  int iterations = 0;
  bool converged = false;
  double sse = 0;  ///< sum of squared residuals at the solution
  /// Covariance of (a, b) at the solution, s^2 (J^T J)^-1 with s^2 = sse / (n - 2) (the
  /// linearised least-squares covariance; exact for the linear and log forms), and the residual
  /// SD s: the Monte Carlo draws the coefficients jointly from it and each pixel's residual.
  double cov_aa = 0, cov_ab = 0, cov_bb = 0;
  double residual_sd = 0;
};

/// Parses "linear", "power", "exponential", "log"; throws bad_input naming --form.
kernels::agb_form parse_fit_form(std::string const& s);

/// The model's prediction at x.
double predict(kernels::agb_form form, double a, double b, double x);

/// Fits y ~ f(x); throws bad_input if the data cannot support the form (fewer than 3 points,
/// non-positive x for power/log, non-positive y for the log-transform start of power/exp).
fit_result fit_model(kernels::agb_form form, std::vector<double> const& x,
                     std::vector<double> const& y);

}  // namespace sinkmap::validate
