// The yearly carbon accounting of a run (kernels/accounting_stage.hpp): one pass over the tiles
// carries each pixel's carbon state through every map year at once and writes each year's
// accounted stock, each interval's fluxes and the state of the last year (state_YEAR.tif), from
// which the next monitoring year continues with the same numbers as a full rerun.
#pragma once

#include "jobs/carbon_inputs.hpp"
#include "jobs/raster_stream.hpp"
#include "sinkmap/kernels/accounting_stage.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::jobs {

/// Where each named output of an accounting pass lies among its output planes: the stage
/// declares its bands (stock_band, flux_band, state_band) and this resolves them, so no caller
/// counts planes.
struct accounting_layout {
  int years = 0;       ///< maps (stock blocks)
  int intervals = 0;   ///< flux blocks: years - 1 on a fresh start, years from a state
  [[nodiscard]] int stock(int year_index, kernels::stock_band b) const { return year_index * kernels::stock_bands + b; }
  [[nodiscard]] int flux(int interval, kernels::flux_band b) const
  {
    return years * kernels::stock_bands + interval * kernels::flux_bands + b;
  }
  [[nodiscard]] int state(kernels::state_band b) const
  {
    return years * kernels::stock_bands + intervals * kernels::flux_bands + b;
  }
  [[nodiscard]] int planes() const { return state(kernels::state_bands); }
};

/// Band names of the accounted stock, flux and state rasters, in band order.
std::vector<std::string> accounted_stock_band_names();
std::vector<std::string> flux_band_names();
std::vector<std::string> state_band_names();

/// "forest_remaining", "cropland_to_forest", ... of a category code (from * 8 + to).
std::string ipcc_category_name(int code);

struct accounting_job_options {
  /// Each map year's observed stock (bands c_above, c_below, c_dead, c_soil, c_total,
  /// ecosystem_class; nbr for the disturbance test), in year order, and its year.
  std::vector<std::string> observed;
  std::vector<int> years;
  std::string start_state;          ///< state_YEAR.tif to continue from ("" = start at years[0])
  int confirm_years = 2;            ///< consecutive maps that confirm a class change
  double transition_years = 20;     ///< IPCC 2006 V4: 20 years in "land converted to"
  std::optional<double> dnbr_threshold;  ///< default: the model's
  /// How the coastal wetlands the maps show revegetated came about: "recolonized" (EF_RE = 0 at
  /// Tier 1, 2013 Wetlands Supplement Table 4.12) or "planted" (replanted or reseeded: EF_RE).
  std::string wetland_restoration = "recolonized";
  /// The model, climate zone(s) and, on a fresh start, the first year's forest-age map.
  carbon_input_options carbon;
  std::vector<std::string> stock_outputs;  ///< one per map year
  std::vector<std::string> flux_outputs;   ///< one per interval
  std::string state_output;
  io::raster_output_options output_options;
  run_settings run;
  /// Wood removals from statistics: a raster of harvest-zone numbers (1..n, 0 outside) on the
  /// grid, and per zone and map the removal per ha of the forest that stays forest (m3/ha; NaN:
  /// no statistic, so a detected clear-cut is booked there instead). run_job computes them.
  std::string harvest_zones;
  std::vector<std::vector<float>> harvest_m3_per_ha;
  bool write_outputs = true;  ///< false: a pass for its reducer only (the forest-area pass)
  tile_observer reducer;   ///< sees every output plane (find them with the layout)
  tile_observer observer;  ///< the same, in the writer thread (ordered IO: the cube)
};

struct accounting_job_result {
  accounting_layout layout;
  raster_stream_result stream;
  std::map<int, std::string> class_names;
  std::map<int, std::string> class_groups;
  std::vector<std::string> notes, warnings;
  double state_year = 0;  ///< year of the start state (0: fresh start)
};

/// An accounting pass's inputs and parameters, before it streams: the kernel's planes, its
/// parameters, the carbon inputs (model, zone and age planes) they came from.
struct accounting_pass {
  io::raster_grid grid;
  bool fresh = true;
  double state_year = 0;
  std::unique_ptr<kernels::accounting_params> params;
  std::vector<io::band_source> planes;
  carbon_inputs in;
  kernels::carbon_stage_params cp;  ///< zone lookup and defaults, as the carbon stage binds them
  std::vector<std::string> notes, warnings;
  std::map<int, std::string> class_names, class_groups;
};

/// Checks the inputs and builds the pass (the Monte Carlo reuses it with drawn tables).
accounting_pass prepare_accounting_pass(accounting_job_options const& opt, accounting_layout const& layout);

/// The layout a pass with these options will have (before it runs).
accounting_layout layout_of(accounting_job_options const& opt);

/// The year of a start state (state_YEAR.tif), after checking that it is one: bad_input
/// naming the file otherwise.
int start_state_year(std::string const& file);

/// Checks the options and inputs (state of another grid or model, confirm_years < 1, years out of
/// order) without writing anything; throws bad_input naming the file or option.
void check_accounting_inputs(accounting_job_options const& opt);

accounting_job_result run_accounting_job(accounting_job_options const& opt);

}  // namespace sinkmap::jobs
