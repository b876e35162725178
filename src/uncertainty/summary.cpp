#include "uncertainty/summary.hpp"

#include <algorithm>

namespace sinkmap::uncertainty {

mc_summary summarize(std::vector<double> v)
{
  mc_summary s;
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / double(v.size());
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(ss / double(v.size() - 1)) : 0.0;
  std::sort(v.begin(), v.end());
  auto pct = [&](double q) {
    double const h = (double(v.size()) - 1) * q;
    std::size_t const lo = std::size_t(std::floor(h));
    std::size_t const hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (h - double(lo)) * (v[hi] - v[lo]);
  };
  s.p2_5 = pct(0.025);
  s.p97_5 = pct(0.975);
  return s;
}

}  // namespace sinkmap::uncertainty
