// `sinkmap validate MAP --plots PLOTS -o REPORT_DIR` and `sinkmap calibrate SCENE --plots PLOTS
// --index NDVI --form F -o MODEL`.
#pragma once

#include "io/scene.hpp"
#include "jobs/carbon_inputs.hpp"
#include "jobs/run_settings.hpp"
#include "validate/model_fit.hpp"
#include "validate/plots.hpp"
#include "validate/report.hpp"

#include <string>
#include <vector>

namespace sinkmap::jobs {

struct validate_options {
  std::string map;
  std::string band;                     ///< band name or number ("" = agb if present, else 1)
  std::vector<std::string> plots;
  validate::plot_options plot_options;
  carbon_input_options classes;         ///< --landcover/--crosswalk/--model for by_class ("" = the map's ecosystem_class band)
  std::vector<double> bins = {0, 50, 100, 200, 300, 500};
  std::string report_dir;
  run_settings run;
};

validate::report run_validate_job(validate_options const& opt);

/// The class name of each plot from a land-cover map (through a crosswalk into the model's
/// classes) or a map's ecosystem_class band ("" where unknown).
std::vector<std::string> plot_classes(std::vector<validate::plot> const& plots,
                                      carbon_input_options const& classes, std::string const& map,
                                      std::string const& map_wkt);

struct calibrate_options {
  std::vector<std::string> scenes;
  io::scene_options scene_options;
  std::vector<std::string> plots;
  validate::plot_options plot_options;
  std::string index = "NDVI", form = "linear";
  carbon_input_options classes;  ///< --model (the base model), --landcover, --crosswalk
  std::string cls = "natural_forest_broadleaf";
  int folds = 5;
  std::string output;  ///< model JSON
  run_settings run;
};

struct calibrate_result {
  validate::fit_result fit;
  validate::metrics fitted;  ///< on all plots
  validate::metrics cv;      ///< k-fold cross-validated
  std::size_t plots = 0;
  double x_min = 0, x_max = 0;
  int folds = 0;                   ///< folds used (at most one per plot)
  std::vector<std::string> notes;  ///< plots without values, repeated ids, fewer plots than folds
};

calibrate_result run_calibrate_job(calibrate_options const& opt);

}  // namespace sinkmap::jobs
