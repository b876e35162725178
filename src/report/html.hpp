// Pieces of self-contained HTML reports: escaping, numbers, base64 images, and SVG figures
// (bar charts with error bars, map figures with a legend, coordinate ticks and a scale bar).
// Every figure is inline SVG (maps embed their PNG as a data URI), so a report is one file
// that opens offline and prints on A4.
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace sinkmap::report {

std::string escape_html(std::string const& s);
/// "1,234.5" style grouping is not used: plain fixed digits, "" for NaN.
std::string number(double v, int digits = 1);
std::string base64(std::string const& bytes);

/// "Nice" tick values covering [lo, hi] (1, 2, 5 x 10^k steps), about `count` of them.
std::vector<double> nice_ticks(double lo, double hi, int count);

struct bar {
  std::string label;  ///< category on the x axis
  std::vector<double> values;  ///< one per series (stacked when the chart stacks)
  double lo = NAN, hi = NAN;   ///< error bar (e.g. the 95 % interval), NaN: none
};

struct bar_chart {
  std::string title, y_label;
  std::vector<std::string> series;  ///< names of the stacked series (legend)
  std::vector<std::string> colours; ///< one per series ("#rrggbb")
  std::vector<bar> bars;
  int width = 680, height = 300;
};

/// A bar chart as inline SVG: stacked series, error bars, a zero line for negative values.
std::string svg_bar_chart(bar_chart const& c);

}  // namespace sinkmap::report
