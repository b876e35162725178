#include "models/parameter_library.hpp"

#include "core/error.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cfloat>
#include <cstdio>

namespace sinkmap::models {

using json = nlohmann::json;

namespace {

std::string number_text(double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The by_* keys and the stratum value each selects.
std::string const* selected(std::string const& key, stratum const& s)
{
  if (key == "by_zone") return &s.zone;
  if (key == "by_soil_climate") return &s.soil_climate;
  if (key == "by_ecological_zone") return &s.ecological_zone;
  if (key == "by_age") return &s.age;
  if (key == "by_soil_type") return &s.soil_type;
  return nullptr;
}

}  // namespace

double quantity::at(std::vector<double> const& values) const
{
  if (k == kind::not_estimated) return 0.0;
  if (k == kind::not_available) return NAN;
  double v = constant;
  for (auto const& [p, e] : factors) v = e > 0 ? v * values[std::size_t(p)] : v / values[std::size_t(p)];
  return v;
}

std::string quantity::key() const
{
  if (k == kind::not_estimated) return "NE";
  if (k == kind::not_available) return "NA";
  std::string s = number_text(constant);
  for (auto const& [p, e] : factors) s += (e > 0 ? "*p" : "/p") + std::to_string(p);
  return s;
}

void parameter_library::fail(std::string const& path, std::string const& what) const
{
  SINKMAP_FAIL(bad_input, file_ + ": " + path + ": " + what);
}

std::vector<double> parameter_library::values() const
{
  std::vector<double> v;
  v.reserve(params_.size());
  for (auto const& p : params_) v.push_back(p.value);
  return v;
}

int parameter_library::leaf(json const& j, std::string const& path, double lower, double upper)
{
  if (auto it = by_path_.find(path); it != by_path_.end()) {
    // The same number reached again (a shared factor): one parameter, but every use's range
    // must hold.
    auto& p = params_[std::size_t(it->second)];
    if (p.value < lower || p.value > upper)
      fail(path, number_text(p.value) + " is out of range [" + number_text(lower) + ", " +
                   number_text(upper) + "] where it is used");
    p.lower = std::max(p.lower, lower);
    p.upper = std::min(p.upper, upper);
    return it->second;
  }
  uncertain_parameter p;
  p.path = path;
  p.lower = lower;
  p.upper = upper;
  if (j.is_number()) {
    p.value = j.get<double>();
  } else if (j.is_object() && j.contains("value")) {
    // Every key of a number is known: a misspelt "sd" or "ci_95" would leave it exact unseen.
    static std::vector<std::string> const known = {
      "value", "sd", "ci95", "distribution", "source", "unverified", "proxy",
      // documentation and the link to the source row (tests check them against it)
      "range", "csv", "csv_column", "csv_sign", "csv_scale", "note", "notes", "uncertainty_source", "spread_sd",
      "spread_note", "unit", "description"};
    for (auto const& [k, _] : j.items())
      if (std::find(known.begin(), known.end(), k) == known.end())
        fail(path + "." + k, "unknown field" + did_you_mean(k, known));
    json const& v = j.at("value");
    if (!v.is_number()) fail(path + ".value", "expected a number, got " + v.dump());
    p.value = v.get<double>();
    if (j.contains("sd") && j.contains("ci95")) fail(path, "give either sd or ci95, not both");
    if (j.contains("sd")) {
      json const& s = j.at("sd");
      if (!s.is_number()) fail(path + ".sd", "expected a number, got " + s.dump());
      p.sd = s.get<double>();
      if (!std::isfinite(p.sd) || p.sd < 0) fail(path + ".sd", number_text(p.sd) + ": an SD cannot be negative");
    } else if (j.contains("ci95")) {
      json const& c = j.at("ci95");
      if (!c.is_array() || c.size() != 2 || !c[0].is_number() || !c[1].is_number())
        fail(path + ".ci95", "expected [low, high]");
      double const lo = c[0].get<double>(), hi = c[1].get<double>();
      if (!(lo <= hi)) fail(path + ".ci95", "low " + number_text(lo) + " is above high " + number_text(hi));
      // The interval must hold its value (an interval that excludes it is a typing error).
      if (!(lo <= p.value && p.value <= hi))
        fail(path + ".ci95", "[" + number_text(lo) + ", " + number_text(hi) + "] does not contain the value " +
                               number_text(p.value));
      p.sd = (hi - lo) / 3.92;  // a symmetric 95 % interval of a normal is +-1.96 SD
    }
    if (j.contains("source")) {
      if (!j.at("source").is_string()) fail(path + ".source", "expected a string");
      p.source = j.at("source").get<std::string>();
      if (p.source.find_first_not_of(" \t\n") == std::string::npos)
        fail(path + ".source", "empty: every number of a model names its source");
    } else {
      fail(path + ".source", "missing: every number of a model names its source");
    }
    p.unverified = j.value("unverified", false);
    p.proxy = j.value("proxy", false);
    if (j.contains("distribution")) {
      json const& d = j.at("distribution");
      if (!d.is_string() || (d != "normal" && d != "lognormal"))
        fail(path + ".distribution", "expected \"normal\" or \"lognormal\", got " + d.dump());
      p.lognormal = d == "lognormal";
      if (p.lognormal && !(p.value > 0 && lower >= 0))
        fail(path + ".distribution", "a lognormal needs a positive value of a non-negative quantity");
    }
  } else {
    fail(path, "expected a number or {\"value\": ..., \"source\": ...}, got " + j.dump());
  }
  if (!std::isfinite(p.value)) fail(path, "not finite");
  // An SD beyond any physical spread of the quantity (1e30 on a stock) makes every draw hit the
  // truncation bounds, collapsing the Monte Carlo onto them: refused. The bound is the quantity's
  // range where it is finite, else 100 times the value (or the float limit for a zero value).
  double const widest = std::isfinite(upper) && std::isfinite(lower) ? upper - lower
                        : p.value != 0                                ? 100 * std::abs(p.value)
                                                                      : double(FLT_MAX) / 16;
  if (p.sd > widest)
    fail(path + (j.is_object() && j.contains("ci95") ? ".ci95" : ".sd"),
         "an SD of " + number_text(p.sd) + " is beyond the quantity's physical spread (at most " + number_text(widest) +
           "): check the unit or the number");
  // Values a float cannot hold would become inf in the maps.
  if (std::abs(p.value) > double(FLT_MAX) / 16)
    fail(path, number_text(p.value) + " is too large for a float computation");
  if (p.value < lower || p.value > upper)
    fail(path, number_text(p.value) + " is out of range [" + number_text(lower) + ", " +
                 number_text(upper) + "]");
  int const id = int(params_.size());
  params_.push_back(p);
  by_path_[path] = id;
  return id;
}

quantity parameter_library::resolve(json const& j, std::string const& path, stratum const& s,
                                    double lower, double upper)
{
  quantity q = resolve_in(j, path, s, lower, upper, 0);
  q.path = path;
  if (q.k == quantity::kind::value) {
    double const v = q.at(values());
    if (!(v >= lower && v <= upper))
      fail(path, number_text(v) + " is out of range [" + number_text(lower) + ", " +
                   number_text(upper) + "]");
  }
  return q;
}

quantity parameter_library::resolve_in(json const& j, std::string const& path, stratum const& s,
                                       double lower, double upper, int depth)
{
  if (depth > 16) fail(path, "references nest too deeply (a factor refers to itself?)");
  quantity q;
  if (j.is_string()) {
    std::string const ref = j.get<std::string>();
    if (ref.size() < 2 || ref[0] != '@') fail(path, "expected a number, an object or \"@factor\", got \"" + ref + "\"");
    std::string const name = ref.substr(1);
    if (!factors_ || !factors_->contains(name))
      fail(path, "refers to factor '" + name + "', which the file does not define under \"factors\"");
    return resolve_in(factors_->at(name), "factors." + name, s, lower, upper, depth + 1);
  }
  if (j.is_number()) {
    q.factors.push_back({leaf(j, path, lower, upper), 1});
    return q;
  }
  if (!j.is_object()) fail(path, "expected a number or an object, got " + j.dump());
  if (j.contains("notation")) {
    std::string const n = j.at("notation").is_string() ? j.at("notation").get<std::string>() : "";
    if (n != "NE" && n != "NA") fail(path + ".notation", "expected \"NE\" (not estimated) or \"NA\" (not available)");
    if (!j.contains("reason") || !j.at("reason").is_string()) fail(path + ".reason", "missing: say why");
    q.k = n == "NE" ? quantity::kind::not_estimated : quantity::kind::not_available;
    q.reason = j.at("reason").get<std::string>();
    return q;
  }
  if (j.contains("value")) {
    q.factors.push_back({leaf(j, path, lower, upper), 1});
    return q;
  }
  if (j.contains("product")) {
    json const& terms = j.at("product");
    if (!terms.is_array() || terms.empty()) fail(path + ".product", "expected a list of terms");
    for (std::size_t i = 0; i < terms.size(); ++i) {
      std::string const tp = path + ".product[" + std::to_string(i) + "]";
      json const* t = &terms[i];
      int exponent = 1;
      std::string where = tp;
      if (t->is_object() && t->contains("inverse")) {
        t = &t->at("inverse");
        exponent = -1;
        where += ".inverse";
      }
      // Factors of a product are each non-negative; the product's own range is checked at the end.
      quantity const f = resolve_in(*t, where, s, 0.0, INFINITY, depth + 1);
      if (f.k != quantity::kind::value) return f;  // NE or NA propagates
      if (exponent < 0 && f.at(values()) == 0.0) fail(where, "cannot divide by zero");
      q.constant *= exponent > 0 ? f.constant : 1.0 / f.constant;
      for (auto const& [p, e] : f.factors) q.factors.push_back({p, e * exponent});
    }
    return q;
  }
  for (auto const& [key, value] : j.items()) {
    if (std::string const* want = selected(key, s)) {
      if (!value.is_object()) fail(path + "." + key, "expected an object keyed by name");
      if (want->empty()) fail(path + "." + key, "this model has no " + key.substr(3) + " to choose by");
      if (!value.contains(*want))
        fail(path + "." + key, "no entry for '" + *want + "'");
      return resolve_in(value.at(*want), path + "." + key + "." + *want, s, lower, upper, depth + 1);
    }
  }
  fail(path, "expected \"value\", \"product\", \"notation\" or a by_zone / by_soil_climate / "
             "by_ecological_zone / by_age / by_soil_type table");
}

void parameter_library::joint(std::vector<int> const& ps, json const& cov, std::string const& path)
{
  int const n = int(ps.size());
  if (!cov.is_array() || int(cov.size()) != n) fail(path, "expected a " + std::to_string(n) + " x " + std::to_string(n) + " matrix");
  std::vector<double> a(std::size_t(n * n));
  for (int r = 0; r < n; ++r) {
    if (!cov[std::size_t(r)].is_array() || int(cov[std::size_t(r)].size()) != n)
      fail(path, "expected a " + std::to_string(n) + " x " + std::to_string(n) + " matrix");
    for (int c = 0; c < n; ++c) {
      json const& e = cov[std::size_t(r)][std::size_t(c)];
      if (!e.is_number() || !std::isfinite(e.get<double>())) fail(path, "entries must be finite numbers");
      a[std::size_t(r * n + c)] = e.get<double>();
    }
  }
  joint_group g;
  g.parameters = ps;
  g.covariance = a;
  if (!cholesky_psd(a, n, g.cholesky))
    fail(path, "the covariance matrix is not symmetric positive semi-definite");
  int const id = int(joints_.size());
  for (int k = 0; k < n; ++k) {
    auto& p = params_[std::size_t(ps[std::size_t(k)])];
    if (p.lognormal) fail(path, p.path + " is lognormal; coefficients drawn jointly are normal");
    p.sd = std::sqrt(std::max(0.0, a[std::size_t(k * n + k)]));
    p.joint = id;
  }
  joints_.push_back(std::move(g));
}

bool cholesky_psd(std::vector<double> const& a, int n, std::vector<double>& l)
{
  l.assign(std::size_t(n * n), 0.0);
  double scale = 0;
  for (double v : a) scale = std::max(scale, std::abs(v));
  double const tol = 1e-12 * std::max(scale, 1e-300);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < r; ++c)
      if (std::abs(a[std::size_t(r * n + c)] - a[std::size_t(c * n + r)]) > tol) return false;
  for (int j = 0; j < n; ++j) {
    double d = a[std::size_t(j * n + j)];
    for (int k = 0; k < j; ++k) d -= l[std::size_t(j * n + k)] * l[std::size_t(j * n + k)];
    if (d < -tol) return false;
    double const ljj = d > tol ? std::sqrt(d) : 0.0;
    l[std::size_t(j * n + j)] = ljj;
    for (int i = j + 1; i < n; ++i) {
      double v = a[std::size_t(i * n + j)];
      for (int k = 0; k < j; ++k) v -= l[std::size_t(i * n + k)] * l[std::size_t(j * n + k)];
      if (ljj > 0) {
        l[std::size_t(i * n + j)] = v / ljj;
      } else if (std::abs(v) > tol) {
        return false;  // a zero pivot with a non-zero column: not PSD
      }
    }
  }
  return true;
}

}  // namespace sinkmap::models
