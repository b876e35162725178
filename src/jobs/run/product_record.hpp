// What one product step of `sinkmap run` made (issue 20): its files in the order written, the
// keys it adds to run.json and its warnings. The run's manifest and report are assembled from
// these records (jobs/run_job.cpp), so no step writes into another's part.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct product_record {
  std::string step;                                     ///< e.g. "observed stocks"
  std::vector<std::string> files;                       ///< staged paths, in order
  nlohmann::json manifest = nlohmann::json::object();  ///< keys this step adds to run.json
  std::vector<std::string> warnings;

  /// A class raster's category names live in GDAL's .aux.xml sidecar: the manifest lists both,
  /// so whoever copies the listed files keeps the names.
  void add_with_sidecar(std::string const& raster)
  {
    files.push_back(raster);
    if (std::filesystem::exists(raster + ".aux.xml")) files.push_back(raster + ".aux.xml");
  }

  /// Adds `w` unless it was said already, by this step or an earlier one.
  void warn_once(std::string const& w, std::vector<std::string> const& earlier)
  {
    if (std::find(earlier.begin(), earlier.end(), w) == earlier.end() &&
        std::find(warnings.begin(), warnings.end(), w) == warnings.end())
      warnings.push_back(w);
  }
};

}  // namespace sinkmap::jobs
