// The exact mean and variance of one stock pixel's carbon over its own random draws (the imagery
// model's residual and the land-cover confusion), under one Monte Carlo iteration's parameter
// tables. The grouped Monte Carlo sums these over a zone's pixels instead of drawing each pixel
// in each iteration: the pixels' draws are independent given the iteration's tables, so the
// zone total's conditional mean is the sum of the means and its variance the sum of the
// variances (and, over thousands of pixels, the total is normal: the central limit).
//
// The value is exactly what kernels::mc_pools computes in exact mode:
//   c_total(A) = CF A (1 + R(A)) + dead + soil,  A = clamp(AGB(x) + sd_residual Z, agb_min, agb_max)
// with R stepwise in A (IPCC 2006 Vol. 4 Table 4.4). c_total is then piecewise linear in A, so
// its moments over the clamped normal are sums of truncated-normal moments over the segments
// between R's steps, plus the point masses the clamp puts at agb_min and agb_max.
#pragma once

#include "sinkmap/kernels/montecarlo_stage.hpp"

namespace sinkmap::uncertainty {

/// Moments of a value that may not exist (a true class without parameters in the pixel's zone,
/// an index outside its model's range): E[v 1{v exists}], E[v^2 1{v exists}], P(v exists).
struct value_moments {
  double mean = 0, second = 0, valid = 0;

  [[nodiscard]] double variance() const { return second > mean * mean ? second - mean * mean : 0.0; }
};

/// c_total of A = clamp(mu + sigma Z, m.agb_min, m.agb_max), Z standard normal, sigma > 0.
value_moments clamped_biomass_moments(kernels::class_params const& m, double mu, double sigma);

/// The pixel's c_total under tables `t` if its true class is `cls`: over the residual draw
/// where its model has one (p.residuals), else its one value.
value_moments class_moments(kernels::mc_params const& p, kernels::class_tables const& t, int cls, float x,
                            float volume, int zone, int age);

/// The mixture over the pixel's true class: the confusion row of its map class `map_cls`
/// (p.confusion), else the map class alone.
value_moments pixel_moments(kernels::mc_params const& p, kernels::class_tables const& t, int map_cls, float x,
                            float volume, int zone, int age);

/// P(true class = k | map class) for k = 0..max_classes-1, as exact mode's inverse-CDF draw
/// gives it (what the CDF leaves above its last class stays the map class).
void true_class_probabilities(kernels::mc_params const& p, int map_cls, double* prob);

}  // namespace sinkmap::uncertainty
