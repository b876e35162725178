// Zonal sums that are identical to the last digit for any tile size, thread count or device:
// each pixel's contribution is rounded once to a fixed-point integer (2^-40 of the unit, about
// 1e-12), so partial sums are exact and their order cannot matter (docs/architecture.md: per-tile
// partials combined in tile order). 128-bit accumulators hold ~1e26 units.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <utility>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace sinkmap::carbon {

/// llrint without the libm call: one cvtsd2si (rounding to nearest even, MXCSR's default).
inline std::int64_t round_to_int64(double x)
{
#if defined(__SSE2__) && defined(__x86_64__)
  return _mm_cvtsd_si64(_mm_set_sd(x));
#else
  return std::llrint(x);
#endif
}

class exact_sum {
 public:
  void add(double v)
  {
    double const x = v * scale;  // exact: scale is a power of two
    // One rounding per pixel (to nearest, ties to even); through int64 (a single instruction)
    // for any per-pixel value below ~8e6 units, the slow 128-bit conversion above that.
    if (std::abs(x) < 9.0e18) acc_ += static_cast<__int128>(round_to_int64(x));
    else acc_ += static_cast<__int128>(std::nearbyint(x));
  }
  void add(exact_sum const& o) { acc_ += o.acc_; }
  /// Adds `count` times a value already rounded to units (see units()): count x one rounding,
  /// the same as `count` calls of add(v).
  void add_units(std::int64_t units, std::uint64_t count) { acc_ += static_cast<__int128>(units) * count; }
  /// v rounded to fixed-point units, as add(v) rounds it.
  static std::int64_t units(double v) { return round_to_int64(v * scale); }
  [[nodiscard]] double value() const { return static_cast<double>(acc_) / scale; }

 private:
  static constexpr double scale = 1099511627776.0;  // 2^40
  __int128 acc_ = 0;
};

struct zonal_cell {
  std::uint64_t pixels = 0;
  exact_sum area_ha;
  exact_sum total;  ///< sum of density x area (Mg C, or Mg C / yr for a sink)
};

/// Largest density or flux a map may hold (Mg C/ha, Mg C/ha/yr): no ecosystem comes within a
/// factor of 1000 of it, and sums of such values stay exact. Larger or non-finite pixels are
/// refused (an inf or 3e38 pixel would otherwise vanish from the fixed-point sums).
inline constexpr double max_pixel_value = 1.0e7;

/// A map value that no inventory can sum: +-inf, or beyond max_pixel_value.
inline bool impossible_value(float v) { return !std::isnan(v) && !(std::abs(v) <= max_pixel_value); }

/// Key: (zone id, class id). Zone 0 = outside every zone (not reported); class -1 = no class map.
using zonal_table = std::map<std::pair<int, int>, zonal_cell>;

/// Adds a tile's partial table into the run's table.
inline void merge(zonal_table& into, zonal_table const& part)
{
  for (auto const& [k, c] : part) {
    auto& d = into[k];
    d.pixels += c.pixels;
    d.area_ha.add(c.area_ha);
    d.total.add(c.total);
  }
}

}  // namespace sinkmap::carbon
