// The grouped Monte Carlo's closed form (uncertainty/pixel_moments.hpp) against an independent
// numerical integration: the mean and variance of c_total = CF A (1 + R(A)) + dead + soil over
// A = clamp(mu + sigma Z, agb_min, agb_max), with R stepwise (IPCC 2006 Vol. 4 Table 4.4's
// form), by the trapezoid rule over Z on a fine grid; and the confusion mixture by hand.
#include "uncertainty/pixel_moments.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace sinkmap;

namespace {

kernels::class_params stepped_forest()
{
  kernels::class_params m;
  m.form = kernels::agb_form::linear;
  m.a = 0;
  m.b = 1;  // AGB = the index value itself
  m.agb_min = 0;
  m.agb_max = 300;
  m.rs_steps = 3;
  m.rs_below[0] = 50;
  m.rs_ratio[0] = 0.4f;
  m.rs_below[1] = 150;
  m.rs_ratio[1] = 0.29f;
  m.rs_below[2] = INFINITY;
  m.rs_ratio[2] = 0.2f;
  m.carbon_fraction = 0.47f;
  m.dead_c = 5;
  m.soil_c = 40;
  return m;
}

// E[g] and Var[g] by the trapezoid rule over z in [-12, 12] (the clamp and R's steps written out
// again here, not taken from the code under test); the variance as E[(g - E g)^2] in a second
// sweep, free of the cancellation E[g^2] - E[g]^2 would have where nearly all mass sits at a clamp.
std::pair<double, double> integrate(kernels::class_params const& m, double mu, double sigma)
{
  auto g = [&](double z) {
    double a = mu + sigma * z;
    a = a < m.agb_min ? m.agb_min : (a > m.agb_max ? m.agb_max : a);
    double const r = a < 50 ? 0.4 : (a < 150 ? 0.29 : 0.2);
    return double(m.carbon_fraction) * a * (1 + double(float(r))) + 45.0;
  };
  int const n = 2400000;
  double const h = 24.0 / n;
  auto sweep = [&](auto&& f) {
    double s = 0;
    for (int i = 0; i <= n; ++i) {
      double const z = -12 + i * h;
      s += (i == 0 || i == n ? 0.5 : 1.0) * h * std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI) * f(g(z));
    }
    return s;
  };
  double const mean = sweep([](double v) { return v; });
  return {mean, sweep([&](double v) { return (v - mean) * (v - mean); })};
}

}  // namespace

TEST(PixelMoments, ClampedNormalThroughRootShootStepsEqualsNumericalIntegration)
{
  auto const m = stepped_forest();
  // Around each step, near both clamps, and far from all of them.
  for (double mu : {2.0, 30.0, 49.5, 100.0, 151.0, 295.0, 600.0})
    for (double sigma : {1.0, 15.0, 60.0}) {
      auto const c = uncertainty::clamped_biomass_moments(m, mu, sigma);
      auto const [e1, var] = integrate(m, mu, sigma);
      EXPECT_EQ(c.valid, 1.0);
      EXPECT_NEAR(c.mean, e1, 1e-6 * e1) << "mu " << mu << " sigma " << sigma;
      EXPECT_NEAR(c.variance(), var, 1e-5 * var + 1e-9) << "mu " << mu << " sigma " << sigma;
    }
}

TEST(PixelMoments, ConfusionMixesTheTrueClassesMomentsByTheMatrixRow)
{
  // Map class 1 is truly 1 with 0.7, 2 with 0.2, 3 with 0.1. Class 1: constant 100 Mg/ha AGB
  // (C = 100 x 1.2 x 0.5 = 60); class 2: 20 Mg C/ha of soil; class 3 has no parameters in the
  // zone (no value). Mean = 0.7 x 60 + 0.2 x 20, E[v^2] = 0.7 x 3600 + 0.2 x 400, P(value) = 0.9.
  static kernels::mc_params p;  // large: not on the stack
  static kernels::class_tables t;
  t = {};
  for (auto& a : t.set_of)
    for (auto& b : a)
      for (auto& c : b) c = kernels::no_param_set;
  t.n_sets = 2;
  t.sets[0].form = kernels::agb_form::constant;
  t.sets[0].a = 100;
  t.sets[0].rs_steps = 1;
  t.sets[0].rs_below[0] = INFINITY;
  t.sets[0].rs_ratio[0] = 0.2f;
  t.sets[0].carbon_fraction = 0.5f;
  t.sets[1].form = kernels::agb_form::none;
  t.sets[1].soil_c = 20;
  t.set_of[1][0][0] = 0;
  t.set_of[2][0][0] = 1;
  p.confusion = 1;
  for (int k = 0; k < kernels::max_classes; ++k) p.confusion_cdf[1][k] = k < 1 ? 0.0f : k == 1 ? 0.7f : k == 2 ? 0.9f : 1.0f;
  double prob[kernels::max_classes];
  uncertainty::true_class_probabilities(p, 1, prob);
  EXPECT_NEAR(prob[1], 0.7, 1e-7);
  EXPECT_NEAR(prob[2], 0.2, 1e-7);
  EXPECT_NEAR(prob[3], 0.1, 1e-7);
  auto const v = uncertainty::pixel_moments(p, t, 1, NAN, NAN, 0, 0);
  EXPECT_NEAR(v.mean, 0.7 * 60 + 0.2 * 20, 1e-5);
  EXPECT_NEAR(v.second, 0.7 * 3600 + 0.2 * 400, 1e-3);
  EXPECT_NEAR(v.valid, 0.9, 1e-7);
}
