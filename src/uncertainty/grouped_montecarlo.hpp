// The grouped Monte Carlo of a stock map: its cost grows with the number of distinct pixel keys
// times the iterations, not with pixels times iterations.
//
// Given one iteration's parameter tables (drawn once for the whole map, as in exact mode), the
// pixels' own draws (the imagery model's residual, the land-cover confusion) are independent, so
// a zone's total in that iteration has mean  sum of the pixels' means  and variance  sum of
// their variances, and over a zone's thousands of pixels it is normal (central limit). Pixels
// with the same key (map class, climate zone, age class, inventory volume, and the index value
// the biomass model reads) have the same moments, so
//   1. one streamed pass groups the pixels by key, summing their count and area per key (exact
//      integers, so any tile size or thread count gives the same groups), and writes the
//      per-pixel SD map by lookup of its key's SD;
//   2. for each iteration and key, pixel_moments() gives the key's exact mean and variance
//      (uncertainty/pixel_moments.hpp; once per key without its zone, so the cost does not grow
//      with the number of zones), and a zone-class cell's iteration total is
//        sum(area x mean) + sqrt(sum(area^2 x variance)) x Z(cell, iteration),
//      Z a standard normal keyed by seed, cell and iteration (Philox stream group_sum).
// The index value is the one quantity grouped inexactly: to `grouped_index_bits` significant
// bits, evaluated at the mean of its bin's values over the map. The pass measures what that does to the
// deterministic (nominal) total and the job reports it.
// `--uncertainty-mode exact` keeps the per-pixel draws (kernels/montecarlo_stage.hpp) as the
// reference; tests hold the two to each other.
#pragma once

#include "pipeline/tile_kernel.hpp"
#include "uncertainty/mc_tile_kernel.hpp"
#include "uncertainty/pixel_moments.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

namespace sinkmap::uncertainty {

/// Significant bits an index value keeps in a group's key: a bin spans 2^-11 of the value (a
/// relative step of at most 0.05 %).
inline constexpr int grouped_index_bits = 12;

/// A zone-class cell of fewer pixels is drawn pixel by pixel (the central limit needs many).
inline constexpr int grouped_min_normal_pixels = 200;

struct group_key {
  int zone_id = 0, cls = 0, climate = 0, age = 0;
  std::uint32_t x = 0;       ///< the index bin's bit pattern (low bits cleared), when read
  std::uint32_t volume = 0;  ///< the inventory volume's bit pattern, when read
  std::uint8_t reads = 0;    ///< bit 0: the index is read; 1: the volume is read; 2: x is exact

  [[nodiscard]] auto tie() const { return std::tie(zone_id, cls, climate, age, reads, x, volume); }
  bool operator<(group_key const& o) const { return tie() < o.tie(); }
  bool operator==(group_key const& o) const { return tie() == o.tie(); }
};

/// What the pass sums per key: exact integers.
struct group_sums {
  std::int64_t pixels = 0;
  __int128 ha = 0;           ///< area, 2^-40 ha units
  __int128 ha2 = 0;          ///< area squared, 2^-36 ha^2 units
  std::uint64_t x_low = 0;   ///< the pixels' index bits below the bin (their place in it)
  __int128 nominal = 0;      ///< deterministic c_total x area at the exact index, mc_fixed_scale units
  std::int64_t nominal_missing = 0;  ///< pixels without a deterministic value

  void add(group_sums const& o);
};

/// The groups of a whole map, filled by the tiles (any order, several threads), and the SD of
/// each key, evaluated once when the key is first met.
class group_table {
 public:
  group_table(kernels::mc_params const& p, std::vector<kernels::class_tables> const& tables,
              kernels::class_tables const& nominal);

  /// The key of a loaded pixel in cell (zone_id, cls), and its sums (one pixel).
  [[nodiscard]] std::pair<group_key, group_sums> key_of(kernels::mc_pixel const& px, int zone_id) const;
  /// Adds a tile's groups.
  void add(std::vector<std::pair<group_key, group_sums>> const& tile);
  /// The per-pixel SD of a key's value over the iterations (evaluated and kept on first use,
  /// once for all zones).
  [[nodiscard]] float sd(group_key k);

  [[nodiscard]] std::map<group_key, group_sums> const& groups() const { return groups_; }
  [[nodiscard]] kernels::mc_params const& params() const { return p_; }
  /// The params without per-pixel draws: the deterministic map's value.
  [[nodiscard]] kernels::mc_params const& deterministic_params() const { return deterministic_; }
  [[nodiscard]] std::vector<kernels::class_tables> const& tables() const { return tables_; }
  [[nodiscard]] kernels::class_tables const& nominal() const { return nominal_; }

 private:
  kernels::mc_params p_, deterministic_;
  std::vector<kernels::class_tables> const& tables_;
  kernels::class_tables const& nominal_;
  std::array<std::uint8_t, kernels::max_classes * kernels::max_zones * kernels::age_classes> reads_{};
  /// Per (class, zone, age): the index values where a class it may truly be starts or stops
  /// giving a value; a bin holding one is not grouped.
  std::array<std::vector<float>, kernels::max_classes * kernels::max_zones * kernels::age_classes> edges_;
  std::mutex mutex_;
  std::map<group_key, group_sums> groups_;
  std::map<group_key, float> sd_;
};

/// The index value a key's moments are evaluated at: the mean of its pixels' values.
float group_index_value(group_key const& k, group_sums const& s);
/// The middle of a key's index bin (the SD map's lookup value, known before the pass ends).
float group_bin_middle(group_key const& k);

/// The streamed pass: fills the table and writes the SD plane when params().with_sd.
class grouped_tile_kernel final : public pipeline::tile_kernel {
 public:
  grouped_tile_kernel(group_table& table, std::vector<double> row_ha, int inputs, tile_cells const& cells);

  std::size_t input_bytes_per_pixel() const override { return std::size_t(inputs_) * 4; }
  std::size_t output_bytes_per_pixel() const override { return table_.params().with_sd ? 4 : 0; }
  void run_cpu(void const*, void*, std::size_t, std::size_t, std::size_t) const override;
  void run_cuda(void const*, void*, std::size_t, void*) const override;
  void run_tile_cpu(void const* in, void* out, pipeline::window const& w) const override;

 private:
  group_table& table_;
  std::vector<double> row_ha_;
  int inputs_;
  tile_cells const& cells_;
};

/// What grouping the index did to the deterministic total (Mg C): the signed change of the
/// whole map, and the sum of the groups' absolute changes (a bound on any zone's change).
struct grouping_effect {
  double change = 0, bound = 0, nominal_total = 0;
  std::size_t groups = 0, pixels = 0;
  std::size_t index_groups = 0;  ///< groups whose model reads the index (the only inexact key)
  std::size_t drawn_pixels = 0;  ///< pixels of small cells, drawn one by one
};

/// Every (zone id, class) cell's iteration totals in exact mode's layout: A accumulators x
/// iterations in mc_fixed_scale units (the last accumulator: pixel-iterations without a value,
/// rounded expectation). `threads` split the iterations, so any count gives the same numbers.
std::map<std::pair<int, int>, std::vector<__int128>> grouped_partials(group_table const& table, int threads,
                                                                      grouping_effect& effect);

}  // namespace sinkmap::uncertainty
