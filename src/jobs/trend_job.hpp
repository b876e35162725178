// `sinkmap trend MAP... -o OUT.tif`: per pixel, over the years whose value is valid, the
// Theil-Sen slope, the Mann-Kendall p-value and n (kernels/trend_stage.hpp), from annual maps.
#pragma once

#include "jobs/raster_stream.hpp"

#include <string>
#include <vector>

namespace sinkmap::jobs {

struct trend_job_options {
  std::vector<std::string> maps;
  std::vector<double> years;     ///< one per map (default: each map's SINKMAP_YEAR)
  std::string band = "c_total";  ///< band name (a single-band map: its band)
  std::string output;
  io::raster_output_options output_options;
  run_settings run;
  tile_observer reducer;
};

struct trend_job_result {
  raster_stream_result stream;
  std::vector<double> years;
  std::string units;  ///< of the slope
};

trend_job_result run_trend_job(trend_job_options const& opt);

}  // namespace sinkmap::jobs
