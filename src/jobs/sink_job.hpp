// `sinkmap sink STOCK_T1 STOCK_T2 --years N`: the stock-difference method (IPCC 2006 Vol. 4
// Eq. 2.5), per pixel: sink_c = (C_t2 - C_t1) / N in Mg C/ha/yr, positive where the stock rises,
// and sink_co2 = sink_c x 44/12 in t CO2/ha/yr.
#pragma once

#include "jobs/raster_stream.hpp"

namespace sinkmap::jobs {

struct sink_job_options {
  std::string stock_t1, stock_t2;
  double years = 0;
  std::string output;
  io::raster_output_options output_options;
  run_settings run;
  tile_observer observer;
  tile_observer reducer;
};

/// The band of a stock map that holds total carbon: the band described "c_total", or band 1 of
/// a single-band raster. Throws bad_input naming the file otherwise.
int total_carbon_band(std::string const& path);

raster_stream_result run_sink_job(sink_job_options const& opt);

}  // namespace sinkmap::jobs
