// Sink inventories: per zone and class the gains, losses and net sink (Mg C / yr, t CO2e / yr),
// and the transition table per zone (from class, to class, area, net sink) that a county bureau
// reports as "forest remaining forest", "cropland converted to forest", ...
#pragma once

#include "carbon/zonal_totals.hpp"
#include "io/cell_area.hpp"
#include "io/zones.hpp"
#include "inventory/zonal_inventory.hpp"

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace sinkmap::zonal {

struct flow_cell {
  std::uint64_t pixels = 0;
  carbon::exact_sum area_ha, net, gains, losses;  ///< Mg C / yr (rates x area)
};

/// Key: (zone, class from, class to); unmapped pixels have from = to = unmapped_class.
using flow_table = std::map<std::tuple<int, int, int>, flow_cell>;

/// Accumulates a sink map's tiles; thread-safe, exact (fixed point), order-independent.
class sink_accumulator {
 public:
  sink_accumulator(io::zone_set const& zones, io::cell_area const& areas) : zones_(zones), areas_(areas) {}
  /// net, gains, losses: Mg C / ha / yr; from, to: class ids (nullptr: no classes).
  /// zone_ids: the tile's zone ids (zone_set::rasterize) when the caller has them; null: rasterized here.
  void add_tile(pipeline::window const& w, float const* net, float const* gains, float const* losses,
                float const* from, float const* to, int const* zone_ids = nullptr);
  [[nodiscard]] flow_table const& table() const { return table_; }
  /// Pixels inside a zone with an infinite or impossibly large sink (not summed).
  [[nodiscard]] std::uint64_t impossible() const { return impossible_; }

 private:
  io::zone_set const& zones_;
  io::cell_area const& areas_;
  flow_table table_;
  std::uint64_t impossible_ = 0;
  std::mutex mutex_;
};

struct transition_row {
  std::string zone, from, to;
  std::uint64_t pixels = 0;
  double area_ha = 0, net = 0, co2e = 0;
};

struct sink_inventory {
  inventory by_class;  ///< rows per zone and class (the year-2 class), with gains and losses
  std::vector<transition_row> transitions;
};

sink_inventory make_sink_inventory(flow_table const& t, io::zone_set const& zones,
                                   std::map<int, std::string> const& class_names);


/// Writes transitions CSV and JSON (same stem), atomically.
void write_transitions(std::vector<transition_row> const& rows, std::string const& csv_path,
                       std::string const& map, std::string const& zones);

}  // namespace sinkmap::zonal
