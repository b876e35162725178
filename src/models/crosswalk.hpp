// Land-cover crosswalks (models/crosswalks/*.json): a map's class codes -> ecosystem classes.
#pragma once

#include "sinkmap/kernels/ecosystem_class.hpp"

#include <array>
#include <string>
#include <vector>

namespace sinkmap::models {

struct crosswalk {
  std::string name, file;
  std::array<unsigned char, kernels::landcover_codes> lut;  ///< code -> class, unmapped_code
  std::vector<int> nodata;                                  ///< codes that mean "no data"

  /// The class of a land-cover code; 0 for nodata, codes outside 0..255 and unmapped codes.
  [[nodiscard]] int class_of(double code) const
  {
    if (!(code >= 0 && code < kernels::landcover_codes)) return 0;  // also NaN
    unsigned char const c = lut[std::size_t(code)];
    return c == kernels::unmapped_code ? 0 : c;
  }
};

/// Loads a crosswalk by path or by the name of a shipped one (esa_worldcover, nlcd, clcd,
/// glc_fcs30, rsgislib_aber). Throws bad_input naming the file and the code at fault.
crosswalk load_crosswalk(std::string const& name_or_path);

/// Names of the shipped crosswalks.
std::string crosswalk_names();

}  // namespace sinkmap::models
