// What the user asks of a Monte Carlo: --uncertainty N, --seed S, --uncertainty-map FILE,
// --landcover-confusion CSV (and [uncertainty] in a run config).
#pragma once

#include "io/geotiff_writer.hpp"

#include <cstdint>
#include <string>

namespace sinkmap::uncertainty {

/// How the per-pixel draws are summed: `grouped` in closed form over pixels of equal key
/// (uncertainty/grouped_montecarlo.hpp), `exact` one draw per pixel and iteration.
enum class mc_mode { grouped, exact };

struct mc_options {
  int iterations = 0;                ///< --uncertainty N (0: no Monte Carlo)
  std::uint64_t seed = 1;            ///< --seed
  std::string sd_output;             ///< --uncertainty-map: the per-pixel SD GeoTIFF ("" = none)
  io::raster_output_options sd_options;  ///< its layout: the command's --co / --cog and provenance
  std::string confusion;             ///< --landcover-confusion CSV ("" = classes are certain)
  std::string confusion_crosswalk;   ///< crosswalk for numeric labels ("" = the map's)
  mc_mode mode = mc_mode::grouped;   ///< --uncertainty-mode

  [[nodiscard]] bool active() const { return iterations > 0; }
};

}  // namespace sinkmap::uncertainty
