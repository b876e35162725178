// `sinkmap composite SCENE... -o OUT.tif`: a clear-sky composite per pixel from every clear
// observation of the scenes in a date window (medoid, median or max-NDVI), streamed tile by tile
// on the chosen device, with the clear-observation count and the chosen day of year.
#pragma once

#include "composite/composite_plan.hpp"
#include "jobs/raster_stream.hpp"

#include <string>
#include <vector>

namespace sinkmap::jobs {

struct composite_job_options {
  composite::composite_request request;
  std::vector<std::string> indices;  ///< -i: indices of the composite, written after its bands
  std::string output;
  io::raster_output_options output_options;
  run_settings run;
};

struct composite_job_result {
  raster_stream_result stream;
  composite::composite_plan plan;
};

/// Output band names: one per role, clear_count, doy (medoid and max-ndvi), then the indices.
std::vector<std::string> composite_band_names(composite::composite_plan const& plan,
                                              std::vector<std::string> const& indices);

composite_job_result run_composite_job(composite_job_options const& opt);

}  // namespace sinkmap::jobs
