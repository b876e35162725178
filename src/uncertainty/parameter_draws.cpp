#include "uncertainty/parameter_draws.hpp"

#include "sinkmap/kernels/deterministic_math.hpp"
#include "sinkmap/kernels/philox.hpp"
#include "sinkmap/kernels/trend_stage.hpp"

#include <algorithm>
#include <cmath>

namespace sinkmap::uncertainty {

double normal_cdf(double z) { return 0.5 * kernels::det_erfc(-z / 1.4142135623730951); }

namespace {

double uniform(std::uint64_t seed, std::uint32_t it, std::uint64_t parameter)
{
  double u0, u1;
  kernels::philox_uniforms(seed, kernels::random_stream::parameter, it, parameter, 0, u0, u1);
  return u0;
}

}  // namespace

std::vector<double> draw_parameters(models::carbon_model const& m, std::uint64_t seed, std::uint32_t it)
{
  std::vector<double> v(m.parameters.size());
  for (std::size_t k = 0; k < m.parameters.size(); ++k) {
    auto const& p = m.parameters[k];
    v[k] = p.value;
    if (p.sd <= 0 || p.joint >= 0) continue;
    if (p.lognormal) {
      // ln x ~ N(mu, s^2) with mean exp(mu + s^2/2) = value and SD = sd (value > 0).
      double const cv = p.sd / p.value;
      double const s = std::sqrt(std::log1p(cv * cv));
      double const mu = std::log(p.value) - 0.5 * s * s;
      double const lo = p.lower > 0 ? normal_cdf((std::log(p.lower) - mu) / s) : 0.0;
      double const hi = std::isinf(p.upper) ? 1.0 : normal_cdf((std::log(p.upper) - mu) / s);
      double const u = lo + uniform(seed, it, k) * (hi - lo);
      v[k] = std::min(std::max(std::exp(mu + s * kernels::normal_quantile(u)), p.lower), p.upper);
      continue;
    }
    // Inverse CDF restricted to [lower, upper]: exact truncation, no rejection.
    double const lo = std::isinf(p.lower) ? 0.0 : normal_cdf((p.lower - p.value) / p.sd);
    double const hi = std::isinf(p.upper) ? 1.0 : normal_cdf((p.upper - p.value) / p.sd);
    double const u = lo + uniform(seed, it, k) * (hi - lo);
    double x = p.value + p.sd * kernels::normal_quantile(u);
    v[k] = std::min(std::max(x, p.lower), p.upper);
  }
  for (auto const& g : m.joints) {
    std::size_t const n = g.parameters.size();
    std::vector<double> z(n);
    for (std::size_t k = 0; k < n; ++k) z[k] = kernels::normal_quantile(uniform(seed, it, std::uint64_t(g.parameters[k])));
    for (std::size_t r = 0; r < n; ++r) {
      auto const& p = m.parameters[std::size_t(g.parameters[r])];
      double x = p.value;
      for (std::size_t c = 0; c <= r; ++c) x += g.cholesky[r * n + c] * z[c];
      v[std::size_t(g.parameters[r])] = std::min(std::max(x, p.lower), p.upper);
    }
  }
  return v;
}

std::vector<kernels::class_tables> iteration_tables(models::carbon_model const& m, std::uint64_t seed, int iterations)
{
  std::vector<kernels::class_tables> out(std::size_t(std::max(iterations, 0)));
  for (int it = 0; it < iterations; ++it)
    models::evaluate_tables(m, draw_parameters(m, seed, std::uint32_t(it)), out[std::size_t(it)]);
  return out;
}

}  // namespace sinkmap::uncertainty
