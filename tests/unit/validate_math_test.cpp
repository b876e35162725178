// Validation metrics worked by hand, and model fits recovering known coefficients from noisy
// synthetic data.
#include "core/error.hpp"
#include "validate/metrics.hpp"
#include "validate/model_fit.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace sinkmap;
using kernels::agb_form;

TEST(Metrics, WorkedByHand)
{
  // observed 10, 20, 30, 40; predicted 12, 18, 33, 37.
  // errors p - o: 2, -2, 3, -3 -> bias 0, MAE 2.5, RMSE sqrt(26/4) = 2.5495098
  // mean obs 25, SS_tot 500, SS_res 26 -> R2 = 0.948; rRMSE = 10.198039 %
  // predicted mean 25; Sxx = 169+49+64+144 = 426; Sxy = (-13)(-15)+(-7)(-5)+(8)(5)+(12)(15) = 450
  // slope 450/426 = 1.0563380, intercept 25 - 1.0563380 x 25 = -1.4084507
  // r = 450 / sqrt(426 x 500) = 0.9750406; TRE = sum(o - p)/sum(p) = 0
  // SEE (p = 0) = sqrt(26/4) = 2.5495; MPE = t(0.975, 4) x (2.5495/25)/sqrt(4) x 100 = 2.7764 x 5.0990 = 14.1570 %
  auto const m = validate::compute_metrics({10, 20, 30, 40}, {12, 18, 33, 37});
  EXPECT_EQ(m.n, 4u);
  EXPECT_NEAR(m.bias, 0, 1e-12);
  EXPECT_NEAR(m.mae, 2.5, 1e-12);
  EXPECT_NEAR(m.rmse, 2.5495098, 1e-6);
  EXPECT_NEAR(m.rrmse_pct, 10.198039, 1e-5);
  EXPECT_NEAR(m.r2, 0.948, 1e-12);
  EXPECT_NEAR(m.pearson_r, 0.9750406, 1e-6);
  EXPECT_NEAR(m.slope, 1.0563380, 1e-6);
  EXPECT_NEAR(m.intercept, -1.4084507, 1e-6);
  EXPECT_NEAR(m.tre_pct, 0, 1e-12);
  EXPECT_NEAR(m.mpe_pct, 14.1570, 1e-3);
  // A biased map: predicted all 10% high -> TRE = -9.0909 %.
  auto const b = validate::compute_metrics({100, 200}, {110, 220});
  EXPECT_NEAR(b.tre_pct, -100.0 * 30 / 330, 1e-9);
  EXPECT_NEAR(b.bias, 15, 1e-12);
}

TEST(Metrics, StudentT)
{
  EXPECT_NEAR(validate::student_t_975(1), 12.7062, 1e-4);
  EXPECT_NEAR(validate::student_t_975(10), 2.2281, 1e-4);
  EXPECT_NEAR(validate::student_t_975(60), 2.0003, 2e-4);
  EXPECT_NEAR(validate::student_t_975(1e6), 1.95996, 1e-4);
}

namespace {

void check_recovery(agb_form form, double a, double b, double x0, double x1, double tol)
{
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> ux(x0, x1);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<double> x, y;
  for (int i = 0; i < 400; ++i) {
    double const v = ux(rng);
    x.push_back(v);
    y.push_back(validate::predict(form, a, b, v) * (1 + 0.03 * noise(rng)));  // 3 % noise
  }
  auto const fit = validate::fit_model(form, x, y);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.a, a, tol * std::abs(a)) << int(form);
  EXPECT_NEAR(fit.b, b, tol * std::abs(b)) << int(form);
}

}  // namespace

TEST(ModelFit, RecoversKnownCoefficientsFromNoisyData)
{
  check_recovery(agb_form::linear, -40, 300, 0.2, 0.9, 0.03);
  check_recovery(agb_form::power, 350, 1.8, 0.2, 0.9, 0.03);
  check_recovery(agb_form::exponential, 12, 4.0, 0.2, 0.9, 0.03);
  check_recovery(agb_form::logarithmic, 260, 90, 0.2, 0.9, 0.03);
}

TEST(ModelFit, NonlinearFitBeatsTheLogTransformOnRawResiduals)
{
  // Additive noise: the log-transform fit is biased; Levenberg-Marquardt minimises raw SSE.
  std::mt19937 rng(11);
  std::normal_distribution<double> noise(0.0, 15.0);
  std::vector<double> x, y;
  for (int i = 1; i <= 200; ++i) {
    x.push_back(0.2 + 0.7 * i / 200.0);
    y.push_back(std::max(1.0, 300 * std::pow(x.back(), 2.0) + noise(rng)));
  }
  auto const fit = validate::fit_model(agb_form::power, x, y);
  std::vector<double> lx, ly;
  for (std::size_t i = 0; i < x.size(); ++i) {
    lx.push_back(std::log(x[i]));
    ly.push_back(std::log(y[i]));
  }
  auto const log_fit = validate::fit_model(agb_form::linear, lx, ly);
  double sse_log = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double const r = y[i] - std::exp(log_fit.a) * std::pow(x[i], log_fit.b);
    sse_log += r * r;
  }
  EXPECT_LT(fit.sse, sse_log);
}

TEST(ModelFit, RejectsUnusableData)
{
  EXPECT_THROW(validate::fit_model(agb_form::linear, {0.5, 0.6}, {1, 2}), bad_input);
  EXPECT_THROW(validate::fit_model(agb_form::logarithmic, {0.0, 0.5, 0.6}, {1, 2, 3}), bad_input);
  EXPECT_THROW(validate::parse_fit_form("cubic"), bad_input);
}
