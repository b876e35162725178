#include "validate/metrics.hpp"

#include <cmath>

namespace sinkmap::validate {

double student_t_975(double dof)
{
  // Exact table for small dof; beyond, the Cornish-Fisher expansion around z = 1.959964
  // (error < 1e-4 for dof > 30).
  static double const table[] = {0,      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646,
                                 2.3060, 2.2622,  2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314,
                                 2.1199, 2.1098,  2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
                                 2.0639, 2.0595,  2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (dof < 1) return NAN;
  if (dof <= 30 && dof == std::floor(dof)) return table[int(dof)];
  double const z = 1.959964, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * dof) + (5 * z5 + 16 * z3 + 3 * z) / (96 * dof * dof) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * dof * dof * dof);
}

metrics compute_metrics(std::vector<double> const& obs, std::vector<double> const& pred,
                        int parameters)
{
  metrics m;
  m.n = obs.size();
  if (m.n < 2 || pred.size() != obs.size()) {
    m.bias = m.mae = m.rmse = m.rrmse_pct = m.r2 = m.pearson_r = m.slope = m.intercept = m.tre_pct =
      m.mpe_pct = NAN;
    return m;
  }
  double const n = double(m.n);
  double so = 0, sp = 0;
  for (std::size_t i = 0; i < m.n; ++i) {
    so += obs[i];
    sp += pred[i];
  }
  double const mo = so / n, mp = sp / n;
  double sse = 0, sae = 0, sdiff = 0, sxx = 0, syy = 0, sxy = 0;
  for (std::size_t i = 0; i < m.n; ++i) {
    double const d = pred[i] - obs[i];
    sdiff += d;
    sae += std::abs(d);
    sse += d * d;
    sxx += (pred[i] - mp) * (pred[i] - mp);
    syy += (obs[i] - mo) * (obs[i] - mo);
    sxy += (pred[i] - mp) * (obs[i] - mo);
  }
  m.bias = sdiff / n;
  m.mae = sae / n;
  m.rmse = std::sqrt(sse / n);
  m.rrmse_pct = m.rmse / mo * 100;
  m.r2 = syy > 0 ? 1 - sse / syy : NAN;
  m.pearson_r = sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : NAN;
  m.slope = sxx > 0 ? sxy / sxx : NAN;
  m.intercept = mo - m.slope * mp;
  m.tre_pct = -sdiff / sp * 100;  // sum(obs - pred) / sum(pred)
  double const dof = n - parameters;
  double const see = dof > 0 ? std::sqrt(sse / dof) : NAN;
  m.mpe_pct = student_t_975(dof) * (see / mo) / std::sqrt(n) * 100;
  return m;
}

}  // namespace sinkmap::validate
