// Validation report files: metrics.json, plots.csv, scatter.png (OpenCV) and report.html.
#pragma once

#include "validate/metrics.hpp"

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace sinkmap::validate {

struct plot_row {
  std::string id;
  double observed = 0, predicted = 0;
  int pixels = 0;
  std::string excluded, cls;
  double x = NAN, y = NAN;  ///< plot centre in the map's CRS (the residual map)
};

struct report {
  std::string map, units = "Mg / ha";
  int band = 1;  ///< the map band validated (the residual map shows it)
  metrics all;
  std::map<std::string, metrics> by_class, by_bin;
  std::vector<plot_row> rows;
  std::vector<std::string> notes;  ///< what the plot files held besides plots (NA values, repeated ids)
};

/// The metrics as the JSON object metrics.json holds (n, bias, mae, rmse, rrmse_pct, r2,
/// pearson_r, slope, intercept, tre_pct, mpe_pct; NaN as null).
std::string metrics_json(metrics const& m);

/// Writes metrics.json, plots.csv, scatter.png and report.html into `dir` (created).
void write_report(report const& r, std::string const& dir);

/// Scatter of observed against predicted with the 1:1 and fitted lines and labelled axes.
void write_scatter(report const& r, std::string const& png);

}  // namespace sinkmap::validate
