// InVEST carbon pool tables (CSV: lucode, C_above, C_below, C_soil, C_dead; Mg C / ha), read
// through GDAL's CSV driver.
#pragma once

#include "sinkmap/kernels/pool_lookup_stage.hpp"

#include <string>

namespace sinkmap::io {

/// Throws bad_input naming the file, line and field of a missing column or bad number.
kernels::pool_lookup_params read_invest_pools(std::string const& csv);

}  // namespace sinkmap::io
