// The numbers of a model file as uncertain parameters, and the quantities built from them.
//
// Any number of a model file may be written plainly (an exact constant) or as
//   {"value": v, "sd": s, "source": ...}          normal, standard deviation s
//   {"value": v, "ci95": [lo, hi], "source": ...}  normal, sd = (hi - lo) / 3.92
// Draws are truncated to the quantity's physical range (stocks, ratios, fractions >= 0). A
// value may also be
//   "@name"                              a factor defined once under "factors" (shared draws)
//   {"product": [term, ...]}             a product; a term {"inverse": term} divides
//   {"by_zone" | "by_soil_climate" | "by_ecological_zone" | "by_age" | "by_soil_type": {...}}
//                                        chosen per climate zone, age class or soil type
//   {"notation": "NE", "reason": ...}    not estimated: counts as zero, listed in every output
//   {"notation": "NA", "reason": ...}    not available: pixels that need it get no estimate
// Each distinct number is one parameter, identified by where it is written, so a factor shared
// by several classes or zones is drawn once per Monte Carlo iteration (IPCC Approach 2: its
// error does not average out over the map).
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sinkmap::models {

/// One uncertain number: normal(value, sd) truncated to [lower, upper]; sd 0 = exact.
struct uncertain_parameter {
  std::string path;  ///< where the file defines it, e.g. "factors.soc_ref.by_soil_climate..."
  double value = 0, sd = 0;
  double lower = 0, upper = INFINITY;
  std::string source;
  bool unverified = false;  ///< not checked against its source (the file says so)
  bool proxy = false;       ///< taken from another row of its source (the file says why)
  int joint = -1;           ///< joint group (coefficients drawn together); -1: independent
  /// "distribution": "lognormal": drawn from the lognormal with this mean (value) and SD, for
  /// non-negative quantities whose SD is a large share of the mean (a truncated normal would
  /// then move the mean away from the value).
  bool lognormal = false;
};

/// Parameters drawn jointly from a multivariate normal (a calibrated model's coefficients).
struct joint_group {
  std::vector<int> parameters;
  std::vector<double> covariance;  ///< row-major, n x n
  std::vector<double> cholesky;    ///< lower triangular L with L L^T = covariance
};

/// A model quantity: constant x product of parameter^exponent, or a notation.
struct quantity {
  enum class kind { value, not_estimated, not_available };
  kind k = kind::value;
  double constant = 1.0;
  std::vector<std::pair<int, int>> factors;  ///< (parameter, +1 or -1)
  std::string reason;                        ///< for the notations
  std::string path;                          ///< where it was written

  /// The quantity at the given parameter values: 0 if not estimated, NaN if not available.
  [[nodiscard]] double at(std::vector<double> const& parameter_values) const;
  /// Identity for deduplication: equal keys mean the same numbers under every draw.
  [[nodiscard]] std::string key() const;
};

/// What the by_* keys of a model file select.
struct stratum {
  std::string zone, soil_climate, ecological_zone, age, soil_type;
};

/// Parses the numbers of one model file. Throws bad_input naming the file and the field.
class parameter_library {
 public:
  parameter_library(std::string file, nlohmann::json const* factors)
    : file_(std::move(file)), factors_(factors)
  {
  }

  /// Resolves `j` (written at `path`) for stratum `s`; the result must lie in [lower, upper].
  quantity resolve(nlohmann::json const& j, std::string const& path, stratum const& s,
                   double lower, double upper);

  /// Registers a plain or uncertain leaf number (no references, no notations).
  int leaf(nlohmann::json const& j, std::string const& path, double lower, double upper);

  /// Declares parameters a and b jointly normal with covariance [[aa, ab], [ab, bb]]; throws
  /// bad_input naming `path` unless the matrix is symmetric and positive semi-definite.
  void joint(std::vector<int> const& parameters, nlohmann::json const& covariance,
             std::string const& path);

  [[nodiscard]] std::vector<uncertain_parameter> const& parameters() const { return params_; }
  [[nodiscard]] std::vector<joint_group> const& joints() const { return joints_; }
  [[nodiscard]] std::vector<double> values() const;

  [[noreturn]] void fail(std::string const& path, std::string const& what) const;

 private:
  quantity resolve_in(nlohmann::json const& j, std::string const& path, stratum const& s,
                      double lower, double upper, int depth);

  std::string file_;
  nlohmann::json const* factors_;
  std::vector<uncertain_parameter> params_;
  std::vector<joint_group> joints_;
  std::map<std::string, int> by_path_;
};

/// Cholesky factor of a symmetric positive semi-definite n x n matrix (row-major); false when
/// the matrix is not symmetric or not positive semi-definite (within rounding).
bool cholesky_psd(std::vector<double> const& a, int n, std::vector<double>& l);

}  // namespace sinkmap::models
