// `sinkmap sink STOCK_T1 STOCK_T2 [--method auto|stock-difference|gain-loss]`: the carbon sink
// between two stock maps per pixel as IPCC 2006 Vol. 4 Ch. 2 defines it (kernels/sink_stage.hpp):
// sink_c and sink_co2 (positive = uptake), gains_c and losses_c, the rule each pixel used
// (sink_method), the disturbance flag and the classes of both years.
#pragma once

#include "jobs/carbon_inputs.hpp"
#include "jobs/raster_stream.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct sink_job_options {
  std::string stock_t1, stock_t2;
  double years = 0;                ///< 0: from the maps' SINKMAP_YEAR items
  std::string method = "auto";     ///< auto, stock-difference or gain-loss
  double transition_years = 20;    ///< D of IPCC Eq. 2.25
  std::optional<double> dnbr_threshold;  ///< default: the model's
  /// The model ("" = the one the stock maps name), the climate-zone map and forest-age map
  /// that pick growth rates (land cover and forest types come from the maps' classes).
  carbon_input_options carbon = [] {
    carbon_input_options c;
    c.model.clear();
    return c;
  }();
  std::string output;
  io::raster_output_options output_options;
  run_settings run;
  tile_observer observer;
  tile_observer reducer;
};

struct sink_job_result {
  raster_stream_result stream;
  std::vector<std::string> notes, warnings;
  std::map<int, std::string> class_names;  ///< of the maps' ecosystem_class
  double years = 0;
  std::string method;  ///< the method used (auto, or stock-difference where the maps lack pools)
  std::string method_raster;  ///< OUT_method.tif: sink_method as Byte with category names
};

/// Band names of the sink output, in plane order.
std::vector<std::string> sink_band_names();

/// The band of a stock map that holds total carbon: the band described "c_total", or band 1 of
/// a single-band raster. Throws bad_input naming the file otherwise.
int total_carbon_band(std::string const& path);

/// A warning when two land-cover maps come from different product versions (v100 / v200 in
/// their names or a differing version item in their metadata): class changes between them may
/// be artefacts of the product, not of the land.
std::optional<std::string> product_version_warning(std::string const& lc1, std::string const& lc2);

sink_job_result run_sink_job(sink_job_options const& opt);

}  // namespace sinkmap::jobs
