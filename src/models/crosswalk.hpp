// Crosswalks (models/crosswalks/*.json): a product's codes -> the class names of a model (land
// cover, forest types) or its climate-zone names. The file carries the product's legend and
// cites it; names are checked against the model when the crosswalk is resolved.
#pragma once

#include "models/carbon_model.hpp"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace sinkmap::models {

struct crosswalk {
  std::string name, file;
  std::string kind;                    ///< landcover, forest_type or climate_zone
  std::map<int, std::string> codes;    ///< code -> class (or zone) name
  std::map<int, std::string> legend;   ///< code -> the product's own label
  std::vector<int> nodata;             ///< codes that mean "no data"
  /// Text labels (a forest inventory's species or forest-type names, e.g. 杨树) -> class name,
  /// by origin: "*" for any origin, else "planted" or "natural".
  std::map<std::string, std::map<std::string, std::string>> labels;
  /// A forest inventory's origin labels (e.g. 人工, 天然) -> "planted" or "natural".
  std::map<std::string, std::string> origins;
};

/// A crosswalk resolved against a model: code -> class id (or zone), with names for messages.
struct code_lookup {
  std::array<unsigned char, kernels::landcover_codes> lut{};  ///< unmapped_code where unlisted
  std::vector<int> nodata;
  std::string file;

  /// The class id (or zone) of a code; 0 for nodata, codes outside 0..255 and unlisted codes.
  [[nodiscard]] int class_of(double code) const
  {
    if (!(code >= 0 && code < kernels::landcover_codes)) return 0;  // also NaN
    unsigned char const c = lut[std::size_t(code)];
    return c == kernels::unmapped_code ? 0 : c;
  }
};

/// Path of a crosswalk: a file, or a name listed in the model's "crosswalks" table. Throws
/// bad_input naming the option and listing the model's crosswalks.
std::string resolve_crosswalk_path(std::string const& name_or_path, carbon_model const& m,
                                   std::string const& option = "--crosswalk");

/// Reads and validates a crosswalk file. Throws bad_input naming the file and the field.
crosswalk load_crosswalk(std::string const& path);

/// The class name a forest inventory's type value (a code of `codes` or a label of `labels`)
/// and origin ("" where the inventory has no origin field) stand for; "" where the crosswalk
/// has neither, or the label has no class for that origin. `why` says which.
std::string class_of_label(crosswalk const& cw, std::string const& type, std::string const& origin, std::string& why);

/// Codes -> class ids of the model; a class name the model lacks is bad_input naming the
/// crosswalk file, the code and the model. Nodata codes map to 0.
code_lookup class_lookup(crosswalk const& cw, carbon_model const& m);

/// Codes -> climate zones of the model (unmapped_code for nodata and unlisted codes).
code_lookup zone_lookup(crosswalk const& cw, carbon_model const& m);

}  // namespace sinkmap::models
