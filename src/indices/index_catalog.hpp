// The spectral indices sinkmap knows: name, band roles, constants and their defaults (from
// models/spectral_indices.json) and the paper that defines each.
#pragma once

#include "sinkmap/kernels/spectral_index.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sinkmap::indices {

using kernels::band_role;
using kernels::index_id;

struct index_info {
  index_id id;
  std::string name;                         ///< catalogue acronym, e.g. "EVI"
  std::vector<band_role> roles;             ///< band roles the formula reads
  std::vector<std::string> constant_names;  ///< order of index_term::c
  std::vector<float> defaults;              ///< default value of each constant
  std::string long_name, formula, source;   ///< from models/spectral_indices.json
};

/// Every index, in index_id order.
std::vector<index_info> const& all_indices();

/// Finds an index by name, case-insensitive. Throws bad_input naming the index and listing the
/// known ones.
index_info const& find_index(std::string_view name);

/// "NDVI, EVI, ..." for messages and --help.
std::string index_name_list();

}  // namespace sinkmap::indices
