// The files `sinkmap run` publishes, by name: declared once, checked before the first byte
// against the run's inputs, and the names every product step writes.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sinkmap::jobs {

struct run_products {
  std::vector<int> years;
  int state_year = 0;  ///< 0: fresh start
  static std::string tag(int y) { return std::to_string(y); }
  static std::string observed(int y) { return "observed_stock_" + tag(y) + ".tif"; }
  static std::string stock(int y) { return "stock_" + tag(y) + ".tif"; }
  static std::string pair(int a, int b) { return tag(a) + "_" + tag(b); }
  static std::string sink(int a, int b) { return "sink_" + pair(a, b) + ".tif"; }
  static std::string state(int y) { return "state_" + tag(y) + ".tif"; }
  /// (from, to) of every interval the accounting books.
  [[nodiscard]] std::vector<std::pair<int, int>> intervals() const
  {
    std::vector<std::pair<int, int>> out;
    if (state_year != 0 && !years.empty()) out.push_back({state_year, years.front()});
    for (std::size_t k = 1; k < years.size(); ++k) out.push_back({years[k - 1], years[k]});
    return out;
  }
  /// Every name a run may publish (the output check refuses any that is one of its inputs).
  [[nodiscard]] std::vector<std::string> names() const
  {
    std::vector<std::string> n = {"run.json", "report.html", "carbon_cube.nc", state(years.back())};
    for (int y : years) {
      std::string const t = tag(y);
      for (std::string const& f : {observed(y), "observed_stock_" + t + "_classes.tif", stock(y), "stock_" + t + "_classes.tif",
                                   "stock_" + t + "_sd.tif", "inventory_" + t + ".csv", "inventory_" + t + ".json",
                                   "inventory_" + t + ".gpkg", "composite_" + t + ".tif", "quicklook_stock_" + t + ".png"})
        n.push_back(f);
    }
    for (auto const& [a, b] : intervals()) {
      std::string const p = pair(a, b);
      for (std::string const& f : {sink(a, b), "inventory_sink_" + p + ".csv", "inventory_sink_" + p + ".json",
                                   "inventory_sink_" + p + ".gpkg", "categories_" + p + ".csv", "categories_" + p + ".json",
                                   "transitions_" + p + ".csv", "transitions_" + p + ".json", "quicklook_sink_" + p + ".png"})
        n.push_back(f);
    }
    if (!years.empty()) {
      std::string const span = tag(years.front()) + "_" + tag(years.back());
      for (std::string const& f : {"trend_" + span + ".tif", "inventory_trend_" + span + ".csv",
                                   "inventory_trend_" + span + ".json", "inventory_trend_" + span + ".gpkg"})
        n.push_back(f);
    }
    return n;
  }
};

}  // namespace sinkmap::jobs
