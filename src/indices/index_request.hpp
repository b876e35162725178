// What a user asked for: a list of indices with constants, turned into kernel terms.
#pragma once

#include "indices/index_catalog.hpp"
#include "sinkmap/kernels/index_stage.hpp"

#include <string>
#include <vector>

namespace sinkmap::indices {

struct index_request {
  std::vector<index_info const*> indices;   ///< in output band order
  std::vector<kernels::index_term> terms;   ///< same order, constants resolved
  std::vector<band_role> roles;             ///< every role any index reads, in role order
};

/// Builds a request from "-i NDVI,EVI" (names, comma separated, any case) and
/// "--const NAME=VALUE" / "--const INDEX.NAME=VALUE" overrides. A global NAME applies to every
/// requested index with that constant. Throws bad_input naming the index or --const at fault.
index_request make_index_request(std::vector<std::string> const& names,
                                 std::vector<std::string> const& constants);

/// Splits "a,b, c" into trimmed, non-empty items.
std::vector<std::string> split_list(std::string const& s);

}  // namespace sinkmap::indices
