#include "uncertainty/pixel_moments.hpp"

#include <cmath>

namespace sinkmap::uncertainty {
namespace {

constexpr double inv_sqrt2 = 0.70710678118654752440;
constexpr double inv_sqrt2pi = 0.39894228040143267794;

double phi(double z) { return std::isinf(z) ? 0.0 : inv_sqrt2pi * std::exp(-0.5 * z * z); }

/// P(a < Z < b) without cancellation in either tail.
double normal_mass(double a, double b)
{
  if (a >= 0) return 0.5 * (std::erfc(a * inv_sqrt2) - std::erfc(b * inv_sqrt2));  // upper tail
  if (b <= 0) return 0.5 * (std::erfc(-b * inv_sqrt2) - std::erfc(-a * inv_sqrt2));  // lower tail
  return 1.0 - 0.5 * std::erfc(-a * inv_sqrt2) - 0.5 * std::erfc(b * inv_sqrt2);
}

value_moments single(float v)
{
  if (std::isnan(v)) return {};
  return {double(v), double(v) * double(v), 1.0};
}

}  // namespace

value_moments clamped_biomass_moments(kernels::class_params const& m, double mu, double sigma)
{
  double const lo = m.agb_min, hi = m.agb_max;
  double const cf = m.carbon_fraction, k = double(m.dead_c) + double(m.soil_c);
  auto slope = [&](double a) { return cf * (1.0 + double(kernels::root_to_shoot(m, float(a)))); };
  value_moments r;
  r.valid = 1.0;
  // The clamp's point masses: every draw below agb_min is agb_min, above agb_max is agb_max.
  auto point = [&](double a, double mass) {
    double const g = slope(a) * a + k;
    r.mean += mass * g;
    r.second += mass * g * g;
  };
  if (std::isfinite(lo)) point(lo, normal_mass(-INFINITY, (lo - mu) / sigma));
  if (std::isfinite(hi)) point(hi, normal_mass((hi - mu) / sigma, INFINITY));
  // The open segments between lo, R's steps inside (lo, hi), and hi: c_total = s A + k on each.
  double cuts[kernels::max_root_shoot_steps + 2];
  int n = 0;
  cuts[n++] = lo;
  for (int j = 0; j < m.rs_steps; ++j)
    if (double(m.rs_below[j]) > cuts[n - 1] && double(m.rs_below[j]) < hi) cuts[n++] = m.rs_below[j];
  cuts[n++] = hi;
  for (int j = 0; j + 1 < n; ++j) {
    double const l = cuts[j], u = cuts[j + 1];
    double const a = (l - mu) / sigma, b = (u - mu) / sigma;
    double const mass = normal_mass(a, b);
    if (mass <= 0) continue;
    double const pa = phi(a), pb = phi(b);
    // E[A 1{l<A<u}] and E[A^2 1{l<A<u}] of A ~ N(mu, sigma^2); a term whose density is 0 at an
    // infinite bound is 0 (not inf x 0).
    double const e1 = mu * mass + sigma * (pa - pb);
    double const e2 = (mu * mu + sigma * sigma) * mass + (pa > 0 ? sigma * (mu + l) * pa : 0.0) -
                      (pb > 0 ? sigma * (mu + u) * pb : 0.0);
    // R at the segment's lower end is R inside it (a step applies while A < its bound).
    double const s =
      slope(std::isfinite(l) ? l : (std::isfinite(u) ? double(std::nextafter(float(u), -INFINITY)) : 0.0));
    r.mean += s * e1 + k * mass;
    r.second += s * s * e2 + 2 * s * k * e1 + k * k * mass;
  }
  return r;
}

value_moments class_moments(kernels::mc_params const& p, kernels::class_tables const& t, int cls, float x,
                            float volume, int zone, int age)
{
  int const set = kernels::param_set(t, cls, zone, age);
  if (set < 0) return {};
  kernels::class_params const& m = t.sets[set];
  float agb, bgb;
  if (kernels::biomass_from_volume(m, p.bcef, cls, volume, agb, bgb))
    return single(kernels::mc_pools_of_biomass(m, cls, agb, bgb).c_total);
  agb = kernels::above_ground_biomass(m, x);
  if (std::isnan(agb)) return {};
  if (p.residuals && kernels::reads_index(m) && m.residual_sd > 0.0f)
    return clamped_biomass_moments(m, agb, m.residual_sd);
  return single(kernels::mc_pools_of_biomass(m, cls, agb, agb * kernels::root_to_shoot(m, agb)).c_total);
}

void true_class_probabilities(kernels::mc_params const& p, int map_cls, double* prob)
{
  for (int k = 0; k < kernels::max_classes; ++k) prob[k] = 0;
  if (!p.confusion || map_cls <= 0 || map_cls >= kernels::max_classes) {
    if (map_cls > 0 && map_cls < kernels::max_classes) prob[map_cls] = 1;
    else prob[0] = 1;
    return;
  }
  // Exact mode draws u in (0, 1) and takes the first k >= 1 with cdf[k] >= u.
  float const* cdf = p.confusion_cdf[map_cls];
  double below = 0;
  for (int k = 1; k < kernels::max_classes; ++k) {
    double const c = std::fmin(double(cdf[k]), 1.0);
    if (c > below) {
      prob[k] = c - below;
      below = c;
    }
  }
  if (below < 1) prob[map_cls] += 1 - below;
}

value_moments pixel_moments(kernels::mc_params const& p, kernels::class_tables const& t, int map_cls, float x,
                            float volume, int zone, int age)
{
  if (!p.confusion || map_cls <= 0) return class_moments(p, t, map_cls, x, volume, zone, age);
  double prob[kernels::max_classes];
  true_class_probabilities(p, map_cls, prob);
  value_moments r;
  for (int k = 1; k < kernels::max_classes; ++k) {
    if (prob[k] <= 0) continue;
    value_moments const c = class_moments(p, t, k, x, volume, zone, age);
    r.mean += prob[k] * c.mean;
    r.second += prob[k] * c.second;
    r.valid += prob[k] * c.valid;
  }
  return r;
}

}  // namespace sinkmap::uncertainty
