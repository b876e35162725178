#include "validate/report.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"
#include "report/map_figure.hpp"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace sinkmap::validate {
namespace {

nlohmann::json to_json(metrics const& m)
{
  auto v = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  return {{"n", m.n},          {"bias", v(m.bias)},   {"mae", v(m.mae)},
          {"rmse", v(m.rmse)}, {"rrmse_pct", v(m.rrmse_pct)}, {"r2", v(m.r2)},
          {"pearson_r", v(m.pearson_r)}, {"slope", v(m.slope)}, {"intercept", v(m.intercept)},
          {"tre_pct", v(m.tre_pct)}, {"mpe_pct", v(m.mpe_pct)}};
}

std::string num(double v, int digits = 3)
{
  if (!std::isfinite(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string escape_html(std::string s)
{
  std::string o;
  for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return o;
}

// The map with every used plot at its place, coloured by its residual (predicted - observed):
// where the map over- or under-estimates, and whether errors cluster.
std::string residual_map(report const& r)
{
  sinkmap::report::map_figure f;
  f.raster = r.map;
  f.band = r.band;
  f.title = "Plots on the map, coloured by residual (predicted - observed)";
  f.unit = r.units;
  f.points.label = "residual (" + r.units + ")";
  for (auto const& p : r.rows)
    if (p.excluded.empty() && std::isfinite(p.x) && std::isfinite(p.y)) {
      f.points.x.push_back(p.x);
      f.points.y.push_back(p.y);
      f.points.value.push_back(p.predicted - p.observed);
    }
  try {
    return "<h2>Residuals on the map</h2><figure>" + sinkmap::report::svg_map(f) +
           "</figure><p>Brown: the map is below the plot; green: above. Plots without a value are not shown.</p>";
  } catch (std::exception const& e) {
    return "<p>No residual map: " + escape_html(e.what()) + "</p>";
  }
}

}  // namespace

std::string metrics_json(metrics const& m) { return to_json(m).dump(); }

void write_scatter(report const& r, std::string const& png)
{
  int const W = 720, H = 640, left = 90, right = 30, top = 60, bottom = 80;
  cv::Mat img(H, W, CV_8UC3, cv::Scalar(255, 255, 255));
  double hi = 1;
  for (auto const& p : r.rows)
    if (p.excluded.empty()) hi = std::max({hi, p.observed, p.predicted});
  hi *= 1.05;
  auto X = [&](double v) { return left + int((W - left - right) * v / hi); };
  auto Y = [&](double v) { return H - bottom - int((H - top - bottom) * v / hi); };
  cv::rectangle(img, {X(0), Y(hi)}, {X(hi), Y(0)}, {0, 0, 0}, 1);
  for (int k = 0; k <= 5; ++k) {
    double const v = hi * k / 5;
    cv::putText(img, num(v, 0), {X(v) - 12, Y(0) + 20}, cv::FONT_HERSHEY_SIMPLEX, 0.45, {0, 0, 0}, 1, cv::LINE_AA);
    cv::putText(img, num(v, 0), {X(0) - 50, Y(v) + 5}, cv::FONT_HERSHEY_SIMPLEX, 0.45, {0, 0, 0}, 1, cv::LINE_AA);
  }
  cv::line(img, {X(0), Y(0)}, {X(hi), Y(hi)}, {150, 150, 150}, 1, cv::LINE_AA);  // 1:1
  if (std::isfinite(r.all.slope)) {
    double const y0 = r.all.intercept, y1 = r.all.intercept + r.all.slope * hi;
    cv::Point a{X(0), Y(y0)}, b{X(hi), Y(y1)};
    if (cv::clipLine(cv::Rect(X(0), Y(hi), X(hi) - X(0) + 1, Y(0) - Y(hi) + 1), a, b))
      cv::line(img, a, b, {30, 30, 200}, 2, cv::LINE_AA);  // fitted, inside the frame
  }
  for (auto const& p : r.rows)
    if (p.excluded.empty())
      cv::circle(img, {X(p.predicted), Y(p.observed)}, 4, {180, 100, 20}, cv::FILLED, cv::LINE_AA);
  cv::putText(img, "Predicted (map), " + r.units, {left + 150, H - 25}, cv::FONT_HERSHEY_SIMPLEX, 0.6, {0, 0, 0}, 1, cv::LINE_AA);
  cv::Mat label(30, 400, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::putText(label, "Observed (plots), " + r.units, {10, 22}, cv::FONT_HERSHEY_SIMPLEX, 0.6, {0, 0, 0}, 1, cv::LINE_AA);
  cv::rotate(label, label, cv::ROTATE_90_COUNTERCLOCKWISE);
  label.copyTo(img(cv::Rect(8, top + 60, label.cols, label.rows)));
  cv::putText(img, "n = " + std::to_string(r.all.n) + "  RMSE = " + num(r.all.rmse, 1) + "  R2 = " +
                     num(r.all.r2, 2) + "  bias = " + num(r.all.bias, 1),
              {left, 30}, cv::FONT_HERSHEY_SIMPLEX, 0.6, {0, 0, 0}, 1, cv::LINE_AA);
  cv::putText(img, "grey: 1:1   red: observed = a + b predicted", {left, 52}, cv::FONT_HERSHEY_SIMPLEX, 0.45,
              {80, 80, 80}, 1, cv::LINE_AA);
  std::string const tmp = io::temp_path_for(png);
  SINKMAP_EXPECTS(cv::imwrite(tmp, img), runtime_failure, "cannot write '" + png + "'");
  io::move_into_place(tmp, png);
}

void write_report(report const& r, std::string const& dir)
{
  std::filesystem::create_directories(dir);
  auto const path = [&](char const* name) { return (std::filesystem::path(dir) / name).string(); };
  nlohmann::json j = to_json(r.all);
  j["map"] = r.map;
  j["units"] = r.units;
  j["notes"] = r.notes;
  j["by_class"] = nlohmann::json::object();
  for (auto const& [k, m] : r.by_class) j["by_class"][k] = to_json(m);
  j["by_bin"] = nlohmann::json::object();
  for (auto const& [k, m] : r.by_bin) j["by_bin"][k] = to_json(m);
  io::write_text_atomically(path("metrics.json"), j.dump(2) + "\n");

  std::ostringstream csv;
  csv << "id,observed,predicted,residual,pixels_used,class,excluded\n";
  for (auto const& p : r.rows)
    csv << p.id << "," << num(p.observed) << "," << (p.excluded.empty() ? num(p.predicted) : "") << ","
        << (p.excluded.empty() ? num(p.predicted - p.observed) : "") << "," << p.pixels << "," << p.cls
        << "," << p.excluded << "\n";
  io::write_text_atomically(path("plots.csv"), csv.str());
  write_scatter(r, path("scatter.png"));

  std::ostringstream h;
  auto row = [&](std::string const& name, metrics const& m) {
    h << "<tr><td>" << escape_html(name) << "</td><td>" << m.n << "</td><td>" << num(m.bias, 2)
      << "</td><td>" << num(m.mae, 2) << "</td><td>" << num(m.rmse, 2) << "</td><td>"
      << num(m.rrmse_pct, 1) << "</td><td>" << num(m.r2, 3) << "</td><td>" << num(m.pearson_r, 3)
      << "</td><td>" << num(m.slope, 3) << "</td><td>" << num(m.intercept, 2) << "</td><td>"
      << num(m.tre_pct, 2) << "</td><td>" << num(m.mpe_pct, 2) << "</td></tr>\n";
  };
  h << "<!doctype html><html><head><meta charset=\"utf-8\"><title>sinkmap validation</title>"
    << "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    << "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style></head><body>"
    << "<h1>Map validation</h1><p>Map: " << escape_html(r.map) << " (" << escape_html(r.units)
    << "). Predicted = area-weighted mean of the map pixels under each plot footprint.</p>";
  for (auto const& n : r.notes) h << "<p>Note: " << escape_html(n) << "</p>";
  h << ""
    << "<h2>Metrics</h2><table><tr><th>group</th><th>n</th><th>bias</th><th>MAE</th><th>RMSE</th>"
    << "<th>rRMSE %</th><th>R&sup2;</th><th>r</th><th>slope</th><th>intercept</th><th>TRE %</th>"
    << "<th>MPE %</th></tr>\n";
  row("all plots", r.all);
  for (auto const& [k, m] : r.by_class) row("class " + k, m);
  for (auto const& [k, m] : r.by_bin) row("observed " + k, m);
  h << "</table><p>bias = mean(predicted - observed); slope and intercept of observed = a + b "
       "predicted; TRE and MPE as in LY/T 2259-2014.</p><h2>Observed against predicted</h2>"
    << "<img src=\"scatter.png\" alt=\"scatter\">" << residual_map(r) << "<h2>Plots</h2><table><tr><th>id</th><th>observed</th>"
    << "<th>predicted</th><th>pixels</th><th>class</th><th>excluded</th></tr>\n";
  for (auto const& p : r.rows)
    h << "<tr><td>" << escape_html(p.id) << "</td><td>" << num(p.observed, 1) << "</td><td>"
      << (p.excluded.empty() ? num(p.predicted, 1) : "") << "</td><td>" << p.pixels << "</td><td>"
      << escape_html(p.cls) << "</td><td>" << escape_html(p.excluded) << "</td></tr>\n";
  h << "</table></body></html>\n";
  io::write_text_atomically(path("report.html"), h.str());
}

}  // namespace sinkmap::validate
