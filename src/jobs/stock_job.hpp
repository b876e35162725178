// `sinkmap stock`: the carbon stock map of one date, either from imagery through a carbon model
// (indices -> biomass -> pools, fused, per ecosystem class), or from a land-use map and an
// InVEST carbon pool table.
#pragma once

#include "io/geotiff_writer.hpp"
#include "io/scene.hpp"
#include "composite/composite_plan.hpp"
#include "jobs/carbon_inputs.hpp"
#include "jobs/raster_stream.hpp"
#include "jobs/run_settings.hpp"
#include "sinkmap/kernels/carbon_stage.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct stock_job_options {
  std::vector<std::string> scenes;   ///< SCENE or product(s)
  io::scene_options scene_options;
  carbon_input_options carbon;       ///< model, land cover, forest type/age, climate zone
  std::string lulc, pools;           ///< InVEST mode: --lulc and --pools
  std::string output;
  std::vector<std::string> output_bands;  ///< bands to write (empty: all); all are computed
  io::raster_output_options output_options;
  run_settings run;
  tile_observer observer;            ///< sees each output tile in the writer thread (cube)
  tile_observer reducer;             ///< per-tile reduction, thread-safe (fused zonal sums)
  bool emit_totals = false;          ///< emit c_total and ecosystem_class for observers
  /// The reflectance comes from a clear-sky composite of many scenes (SCENE is then unused),
  /// computed in the same pass; composite_output ("" = none) keeps it as a GeoTIFF.
  std::optional<composite::composite_request> composite;
  std::string composite_output;
  /// Add a band "nbr" (NBR of the scene or composite) where it has nir and swir2: the sink's
  /// disturbance test compares it between years.
  bool with_nbr = false;
  /// Add the band "agb_input" (the index each imagery biomass model read) even where
  /// output_bands does not name it: the Monte Carlo recomputes biomass from it. Written anyway
  /// when output_bands is empty (all bands).
  bool with_agb_input = false;
  /// Called with the output grid once the inputs are open, before the first tile is read.
  std::function<void(io::raster_grid const&)> on_grid;
};

/// The stage outputs a model-mode run emits, in plane order: the bands to write (all when
/// output_bands is empty) and, with emit_totals, c_total and ecosystem_class. Observers find a value's plane with emitted_plane().
std::vector<int> emitted_outputs(stock_job_options const& opt);
int emitted_plane(stock_job_options const& opt, std::string const& band);

/// Output band names of the model mode and of the InVEST mode.
std::vector<std::string> stock_band_names();
std::vector<std::string> invest_band_names();

/// Pixels per class id, and how many of them got no estimate (no parameters for their zone or
/// age, or an index outside the model's range).
struct class_census {
  std::map<int, std::uint64_t> pixels, no_estimate;
};

struct stock_job_result {
  raster_stream_result stream;
  io::raster_grid grid;
  std::vector<std::string> notes;     ///< what was decided for the user (classifier, defaults)
  std::vector<std::string> warnings;  ///< region, absent classes, pixels without parameters
  std::map<std::string, std::string> provenance;  ///< SINKMAP_* items written to the output
  class_census census;
  std::string model_name;
  bool has_nbr = false;             ///< the stock map has an nbr band
  std::vector<std::string> dates;   ///< composite: the observations' dates
  std::string class_raster;  ///< OUT_classes.tif (Byte, category names, colour table), "" if none
};

stock_job_result run_stock_job(stock_job_options const& opt);

}  // namespace sinkmap::jobs
