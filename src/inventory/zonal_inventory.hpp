// Zonal inventories, below jobs, report and the Monte Carlo: totals per zone and ecosystem class
// of a stock map (Mg C, t CO2e) or a sink map (Mg C/yr, t CO2e/yr), with cell areas per
// docs/architecture.md, exact to the last digit for any tile size, thread count and device; their
// rows, accumulators, coverage and writers (CSV, JSON, GeoPackage), once.
#pragma once

#include "carbon/zonal_totals.hpp"
#include "io/cell_area.hpp"
#include "io/zones.hpp"
#include "uncertainty/summary.hpp"
#include "models/carbon_model.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap::zonal {

/// Accumulates zonal totals from map tiles; add_tile may run in several threads at once (each
/// tile's partial is exact, so the merge order cannot change the result).
class zonal_accumulator {
 public:
  zonal_accumulator(io::zone_set const& zones, io::cell_area const& areas)
    : zones_(zones), areas_(areas)
  {
  }
  /// values: densities of the tile (Mg C/ha or Mg C/ha/yr); classes: ecosystem class ids
  /// (nullptr: no class map). NaN values are left out.
  /// zone_ids: the tile's zone ids (zone_set::rasterize) when the caller has them; null: rasterized here.
  void add_tile(pipeline::window const& w, float const* values, float const* classes, int const* zone_ids = nullptr);
  [[nodiscard]] carbon::zonal_table const& table() const { return table_; }
  /// Pixels inside a zone that were infinite or beyond carbon::max_pixel_value (not summed).
  [[nodiscard]] std::uint64_t impossible() const { return impossible_; }

 private:
  io::zone_set const& zones_;
  io::cell_area const& areas_;
  carbon::zonal_table table_;
  std::uint64_t impossible_ = 0;
  std::mutex mutex_;
};

/// Throws bad_input when a map had pixels no inventory can sum, naming the map and their count.
void check_impossible_pixels(std::uint64_t count, std::string const& map);

struct inventory_row {
  std::string zone, cls;  ///< cls "unmapped": nodata in the map; "*": the zone's subtotal
  std::uint64_t pixels = 0;
  double area_ha = 0, total = 0, co2e = 0;
  bool has_total = true;  ///< false for "unmapped" (no estimate there)
  double gains = 0, losses = 0;  ///< sinks: Mg C / yr taken up and released (total = gains - losses)
  /// Accounted sinks: the IPCC land category of the row ("*": the zone's subtotal) and the net
  /// flux by pool, Mg C / yr (biomass + dom + soil = total).
  std::string category;
  double biomass = 0, dom = 0, soil = 0;
  /// Soil carbon (stock rows: Mg C; sink rows: Mg C / yr) per soil depth in cm (inventory::
  /// soil_depths): one entry for a class row, one per depth present for a subtotal.
  std::map<int, double> soil_by_depth;
  /// Monte Carlo summaries (empty without --uncertainty): [0] of total (carbon or net sink),
  /// [1] gains, [2] losses.
  std::vector<uncertainty::mc_summary> mc;
};

/// How much of a zone the map covers.
struct zone_coverage {
  std::string zone;
  double zone_area_ha = 0;  ///< the zone polygon's area
  double mapped_ha = 0;     ///< pixels with a value
  double unmapped_ha = 0;   ///< pixels of the map that are nodata (cloud, no clear observation)
  double outside_ha = 0;    ///< the zone's area outside the map's extent
  double mapped_fraction = 0;  ///< mapped_ha / zone_area_ha
};

/// The coverage of a zone whose polygon has zone_area_ha, from the areas of its mapped and
/// unmapped pixels; the fraction is taken of the larger of the polygon and its pixels' area (pixel
/// edges may overhang the polygon), so it never exceeds 1.
zone_coverage make_zone_coverage(std::string const& zone, double zone_area_ha, double mapped_ha, double unmapped_ha);

struct inventory {
  bool sink = false;  ///< sink map (per year) rather than stock map
  bool flows = false; ///< sink rows carry gains and losses
  bool categories = false;  ///< rows per (zone, ipcc_category, class) with the pool split
  bool trend = false; ///< trend map: classes "p<0.05" and "p>=0.05", totals are slope x area
  std::vector<inventory_row> rows;  ///< per zone: class rows, "unmapped", "*" (subtotal)
  inventory_row total;              ///< "*" / "*": every mapped pixel
  std::vector<zone_coverage> coverage;
  /// The Monte Carlo behind the rows' mc columns (0 iterations: none), and what it reported.
  int mc_iterations = 0;
  std::uint64_t mc_seed = 0;
  std::vector<std::string> notes, warnings;
  /// The model's soil depths (cm) when the rows carry soil (apply_soil_depths): a soil_depth_cm
  /// column and a soil column per depth. Empty: no soil columns.
  std::vector<int> soil_depths;
};

/// Class key of the zonal table for pixels inside a zone where the map is nodata.
inline constexpr int unmapped_class = -2;

/// Warnings for zones less than 90 % mapped.
std::vector<std::string> coverage_warnings(inventory const& inv, std::string const& what);

/// Warnings for zones whose mapped fraction differs by more than 5 percentage points between
/// the two years of a sink (the sink then compares different areas).
std::vector<std::string> coverage_change_warnings(inventory const& a, inventory const& b,
                                                  std::string const& what);

/// Rows per (zone name, class) and the `*`/`*` total row; class ids are named by
/// `class_names` (an empty map: no class map, one "all" row per zone).
inventory make_inventory(carbon::zonal_table const& t, io::zone_set const& zones, bool sink,
                         std::map<int, std::string> const& class_names);

/// Class names of a stock map's ecosystem_class band (its "classes" item), or of a model.
std::map<int, std::string> class_names_of_map(std::string const& map);
std::map<int, std::string> class_names_of_model(models::carbon_model const& m);

/// OUT.csv, OUT.json and OUT.gpkg: the files an inventory writes.
std::vector<std::string> inventory_outputs(std::string const& csv_path);

/// Writes OUT.csv and OUT.json (same stem) atomically (temporary name, then rename), and with
/// `zone_field`, OUT.gpkg (zones with their polygons and totals, and the per-class table).
void write_inventory(inventory const& inv, std::string const& csv_path, std::string const& map,
                     std::string const& zones, std::string const& zone_field = "", std::string const& lang = "en");

}  // namespace sinkmap::zonal
