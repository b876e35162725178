// The run config (TOML) of `sinkmap run`: strict (an unknown key, a wrong type or an out-of-range
// value stops the run naming the key and its line); docs/run-config.md documents every key.
#pragma once

#include "composite/composite_plan.hpp"
#include "io/grid_spec.hpp"
#include "io/scene.hpp"
#include "jobs/carbon_inputs.hpp"
#include "uncertainty/mc_options.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct run_year {
  int year = 0;
  /// `scene`: one date's product(s) or raster(s), mosaicked; empty with a composite or for a
  /// land-cover-only (Tier 1) year.
  std::vector<std::string> scenes;
  /// `scenes` (products, globs allowed) or `scene_list`, with `season` and `composite`: the
  /// year's reflectance is a clear-sky composite, computed in the stock pass.
  std::optional<composite::composite_request> composite;
  bool keep_composite = false;
  io::scene_options scene_options;  ///< bands, scale, offset, nodata, mask, resolution, grid
  std::string landcover, crosswalk;
  std::string forest_type, forest_age;  ///< per-year maps (forest types and ages change)
};

struct run_config {
  std::string file;
  std::string output_dir;
  carbon_input_options carbon;  ///< model, climate zone, soil type, age class, resampling
  io::grid_spec grid;           ///< [grid]: one target grid for every year
  std::string zones, zone_field;
  std::vector<std::string> stock_bands;  ///< bands of the stock maps (empty: all)
  bool cube = true, quicklooks = true;
  bool overviews = true;  ///< overviews on every map the run writes (a COG's own, or internal ones)
  std::string format;     ///< "COG", "GTiff", or "" (the command line's --format, COG by default)
  std::string sink_method = "auto";   ///< auto, stock-difference or gain-loss
  double transition_years = 20;       ///< D of IPCC Eq. 2.25
  std::optional<double> dnbr_threshold;  ///< default: the model's
  /// The yearly accounting (jobs/accounting_job.hpp): consecutive maps that confirm a class
  /// change, and the state_YEAR.tif of an earlier run to continue from ("" = start afresh).
  int confirm_years = 2;
  std::string wetland_restoration = "recolonized";  ///< or "planted" (accounting_job_options)
  /// Flag a zone's wetland area changing by more than this fraction between consecutive maps
  /// (a quality-control choice of sinkmap, not a published threshold).
  double wetland_area_change = 0.1;
  std::string start_state;
  /// Wood removals from statistics (zone,year,roundwood_m3; jobs/wood_removals.hpp); "": none.
  std::string harvest;
  /// Set the map's forest biomass carbon density and sink beside published inventory statistics
  /// (models/statistics/): unset = on where the model has a table and the map lies in its region.
  std::optional<bool> statistics_check;
  std::string statistics;  ///< the table (name or path); "": the one for the model
  /// Language of report.html and the GeoPackage field aliases: "en" or "zh" (Simplified Chinese,
  /// for a county bureau's filing); CSV headers stay as they are.
  std::string lang = "en";
  bool trend = false;                 ///< Theil-Sen / Mann-Kendall over the years (3 or more)
  /// [coastal_blue_carbon]: InVEST Coastal Blue Carbon over the years' land-cover maps (their
  /// codes are the biophysical table's lucodes); "" biophysical: not run.
  struct blue_carbon {
    std::string biophysical, transitions;
    int analysis_year = 0;  ///< 0: the last year
  } blue_carbon;
  /// [uncertainty]: iterations, seed, landcover_confusion, confusion_crosswalk; map = true
  /// writes stock_YEAR_sd.tif and sink_Y1_Y2_sd.tif (sd_output is set per map by the run).
  uncertainty::mc_options mc;
  bool mc_map = false;
  std::vector<run_year> years;
};

/// Parses and validates a TOML config; relative paths are relative to the config's folder.
/// Throws bad_input naming the file, line and key at fault.
run_config load_run_config(std::string const& path);

}  // namespace sinkmap::jobs
