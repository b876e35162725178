#include "validate/model_fit.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace sinkmap::validate {
namespace {

using kernels::agb_form;

// Ordinary least squares y = a + b u.
std::pair<double, double> ols(std::vector<double> const& u, std::vector<double> const& y)
{
  double const n = double(u.size());
  double su = 0, sy = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    su += u[i];
    sy += y[i];
  }
  double const mu = su / n, my = sy / n;
  double suu = 0, suy = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    suu += (u[i] - mu) * (u[i] - mu);
    suy += (u[i] - mu) * (y[i] - my);
  }
  SINKMAP_EXPECTS(suu > 0, bad_input, "calibration: all plots have the same index value");
  double const b = suy / suu;
  return {my - b * mu, b};
}

double sse_of(agb_form f, double a, double b, std::vector<double> const& x, std::vector<double> const& y)
{
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double const r = y[i] - predict(f, a, b, x[i]);
    s += r * r;
  }
  return s;
}

// s^2 (J^T J)^-1 at (a, b), J the Jacobian of f over the plots.
void set_covariance(agb_form form, fit_result& r, std::vector<double> const& x)
{
  double jtj00 = 0, jtj01 = 0, jtj11 = 0;
  for (double xi : x) {
    double da = 1, db = xi;  // linear
    if (form == agb_form::logarithmic) db = std::log(xi);
    if (form == agb_form::power) {
      da = std::pow(xi, r.b);
      db = r.a * da * std::log(xi);
    } else if (form == agb_form::exponential) {
      da = std::exp(r.b * xi);
      db = r.a * da * xi;
    }
    jtj00 += da * da;
    jtj01 += da * db;
    jtj11 += db * db;
  }
  double const n = double(x.size());
  double const s2 = n > 2 ? r.sse / (n - 2) : 0.0;
  r.residual_sd = std::sqrt(s2);
  double const det = jtj00 * jtj11 - jtj01 * jtj01;
  if (!(det > 0) || !std::isfinite(det)) return;  // degenerate: no covariance
  r.cov_aa = s2 * jtj11 / det;
  r.cov_ab = -s2 * jtj01 / det;
  r.cov_bb = s2 * jtj00 / det;
}

}  // namespace

kernels::agb_form parse_fit_form(std::string const& s)
{
  if (s == "linear") return agb_form::linear;
  if (s == "power") return agb_form::power;
  if (s == "exponential") return agb_form::exponential;
  if (s == "log" || s == "logarithmic") return agb_form::logarithmic;
  SINKMAP_FAIL(bad_input, "--form '" + s + "': expected linear, power, exponential or log");
}

double predict(agb_form form, double a, double b, double x)
{
  switch (form) {
    case agb_form::linear: return a + b * x;
    case agb_form::power: return a * std::pow(x, b);
    case agb_form::exponential: return a * std::exp(b * x);
    case agb_form::logarithmic: return a + b * std::log(x);
    case agb_form::constant: return a;
    default: return 0;
  }
}

fit_result fit_model(agb_form form, std::vector<double> const& x, std::vector<double> const& y)
{
  SINKMAP_EXPECTS(x.size() == y.size() && x.size() >= 3, bad_input,
                  "calibration needs at least 3 plots with a value, " + std::to_string(x.size()) +
                    " remain");
  fit_result r;
  if (form == agb_form::linear || form == agb_form::logarithmic) {
    std::vector<double> u = x;
    if (form == agb_form::logarithmic)
      for (auto& v : u) {
        SINKMAP_EXPECTS(v > 0, bad_input, "--form log needs positive index values");
        v = std::log(v);
      }
    std::tie(r.a, r.b) = ols(u, y);
    r.converged = true;
    r.sse = sse_of(form, r.a, r.b, x, y);
    set_covariance(form, r, x);
    return r;
  }
  // Start: ln y = ln a + b ln x (power) or ln a + b x (exponential).
  std::vector<double> u, ly;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (y[i] <= 0 || (form == agb_form::power && x[i] <= 0)) continue;
    u.push_back(form == agb_form::power ? std::log(x[i]) : x[i]);
    ly.push_back(std::log(y[i]));
  }
  SINKMAP_EXPECTS(u.size() >= 3, bad_input,
                  "--form " + std::string(form == agb_form::power ? "power" : "exponential") +
                    ": fewer than 3 plots with positive biomass (and positive index for power)");
  auto const [la, lb] = ols(u, ly);
  double a = std::exp(la), b = lb;
  if (form == agb_form::power)
    for (double v : x)
      SINKMAP_EXPECTS(v > 0, bad_input, "--form power needs positive index values");

  // Levenberg-Marquardt on r_i = y_i - f(x_i; a, b), 2 parameters.
  double lambda = 1e-3;
  double cost = sse_of(form, a, b, x, y);
  for (r.iterations = 0; r.iterations < 200; ++r.iterations) {
    double jtj[2][2] = {{0, 0}, {0, 0}}, jtr[2] = {0, 0};
    for (std::size_t i = 0; i < x.size(); ++i) {
      double const f = predict(form, a, b, x[i]);
      // df/da = f / a; df/db = f ln x (power) or f x (exponential).
      double const da = form == agb_form::power ? std::pow(x[i], b) : std::exp(b * x[i]);
      double const db = f * (form == agb_form::power ? std::log(x[i]) : x[i]);
      double const res = y[i] - f;
      jtj[0][0] += da * da;
      jtj[0][1] += da * db;
      jtj[1][1] += db * db;
      jtr[0] += da * res;
      jtr[1] += db * res;
    }
    jtj[1][0] = jtj[0][1];
    bool improved = false;
    for (int tries = 0; tries < 30 && !improved; ++tries) {
      double const m00 = jtj[0][0] * (1 + lambda), m11 = jtj[1][1] * (1 + lambda), m01 = jtj[0][1];
      double const det = m00 * m11 - m01 * m01;
      if (det == 0 || !std::isfinite(det)) {
        lambda *= 10;
        continue;
      }
      double const step_a = (m11 * jtr[0] - m01 * jtr[1]) / det;
      double const step_b = (m00 * jtr[1] - m01 * jtr[0]) / det;
      double const na = a + step_a, nb = b + step_b;
      double const nc = sse_of(form, na, nb, x, y);
      if (std::isfinite(nc) && nc < cost) {
        bool const small = std::abs(step_a) <= 1e-10 * (std::abs(a) + 1e-10) &&
                           std::abs(step_b) <= 1e-10 * (std::abs(b) + 1e-10);
        double const rel = (cost - nc) / std::max(cost, 1e-300);
        a = na;
        b = nb;
        cost = nc;
        lambda = std::max(lambda / 10, 1e-12);
        improved = true;
        if (small || rel < 1e-14) r.converged = true;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) {
      r.converged = true;  // no step lowers the cost: a minimum
      break;
    }
    if (r.converged) break;
  }
  r.a = a;
  r.b = b;
  r.sse = cost;
  set_covariance(form, r, x);
  return r;
}

}  // namespace sinkmap::validate
