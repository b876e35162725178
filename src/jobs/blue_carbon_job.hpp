// `sinkmap blue-carbon` and the run's [coastal_blue_carbon]: InVEST Coastal Blue Carbon's
// timeline (kernels/blue_carbon_stage.hpp) over snapshot land-cover maps, streamed tile by tile:
// one GeoTIFF of the biomass and soil stocks at each snapshot and the analysis year and, per
// interval, accumulation, emissions and net sequestration, and its totals (table units x ha).
#pragma once

#include "jobs/raster_stream.hpp"

#include <map>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct blue_carbon_options {
  std::string biophysical, transitions;
  std::vector<int> years;               ///< snapshot years, increasing
  std::vector<std::string> snapshots;   ///< land-cover rasters holding the table's lucodes
  int analysis_year = 0;                ///< 0: the last snapshot year (as InVEST)
  std::string output;                   ///< GeoTIFF
  io::raster_output_options output_options;
  run_settings run;
  tile_observer reducer;  ///< also sees every output plane (the run's zonal sums)
};

struct blue_carbon_result {
  raster_stream_result stream;
  std::vector<std::string> band_names;
  std::map<std::string, double> totals;  ///< band -> sum over the map of value x cell area (ha)
  std::uint64_t pixels = 0, not_in_table = 0;  ///< pixels with a code, and those whose code the table lacks
  int analysis_year = 0;
};

blue_carbon_result run_blue_carbon_job(blue_carbon_options const& opt);

}  // namespace sinkmap::jobs
