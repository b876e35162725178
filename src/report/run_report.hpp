// report.html of a run: one self-contained, printable (A4) page a forestry bureau can file:
// the totals with their 95 % intervals, the run's warnings, maps of stock, classes and sinks
// with zone outlines, charts of stock per year by class and of the sink per zone with error
// bars, per-zone tables (stock, sink, coverage, transitions) and the provenance.
#pragma once

#include "inventory/forest_inventory_agreement.hpp"
#include "inventory/zonal_inventory.hpp"
#include "inventory/category_flows.hpp"
#include "inventory/sink_flows.hpp"

#include <map>
#include <string>
#include <vector>

namespace sinkmap::report {

struct report_year {
  int year = 0;
  std::string stock, classes;  ///< stock GeoTIFF (c_total band `stock_band`), class raster ("" if none)
  int stock_band = 7;
  zonal::inventory inventory;
};

struct report_sink {
  int from = 0, to = 0;
  std::string map;  ///< sink GeoTIFF (band 1 sink_c)
  zonal::inventory inventory;
  std::vector<zonal::transition_row> transitions;
  std::vector<zonal::category_row> categories;    ///< per zone and IPCC land category (accounted sinks)
  std::vector<zonal::mass_balance_row> balance;   ///< per zone: stock change against the fluxes
};

struct run_report {
  std::string title, config, output_dir, zones_file, zone_field;
  std::vector<report_year> years;
  std::vector<report_sink> sinks;
  std::vector<std::string> warnings;
  /// The map beside published inventory statistics (run's statistics_check), one line each.
  std::vector<std::string> checks;
  std::map<std::string, std::string> provenance;  ///< SINKMAP_* items of the first stock map
  std::vector<std::string> files;                 ///< the run's outputs (listed, linked)
  /// Soil depths of the classes (e.g. "0-30 cm (...); 0-100 cm (...)") and the model's rule for
  /// wetlands that remain wetlands, stated beside the ecosystem table.
  std::string soil_depths, wetland_rule;
  /// Wetland area per zone and year (ha) and the flagged changes, one line each.
  struct wetland_area {
    int year = 0;
    std::string zone;
    double ha = 0;
  };
  std::vector<wetland_area> wetland_areas;
  std::vector<std::string> wetland_flags;
  /// A forest inventory against the first year's land cover, per zone ("*": all zones).
  std::string inventory_note;
  std::vector<zonal::inventory_agreement_row> inventory_agreement;
  /// "en" or "zh" (a Chinese report for a county bureau: report/report_language.hpp), and the
  /// model's Chinese class names.
  std::string lang = "en";
  std::map<std::string, std::string> class_names_zh;
  /// Names and descriptions the model and tables give in both languages (a region), by English.
  std::map<std::string, std::string> texts_zh;
};

/// Writes the report atomically. Images are inline; links point only at files of `files`.
void write_run_report(run_report const& r, std::string const& path);

}  // namespace sinkmap::report
