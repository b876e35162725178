// InVEST Coastal Blue Carbon's input tables: the biophysical table (lucode, lulc-class, initial
// stocks, half-lives, disturbance fractions, yearly accumulation) and the transition matrix
// (lulc-class rows x class columns: accum, low/med/high-impact-disturb, NCC or empty), read as
// InVEST reads them (class names trimmed and compared without case) into the kernel's tables.
// Every bad cell is refused naming the file, line and column.
#pragma once

#include "sinkmap/kernels/blue_carbon_stage.hpp"

#include <map>
#include <string>
#include <vector>

namespace sinkmap::jobs {

struct blue_carbon_tables {
  std::vector<int> lucodes;                ///< in table order (row index)
  std::vector<std::string> class_names;    ///< as written
  std::map<int, std::string> name_of_code;
};

/// Reads the biophysical table into p.rows / p.row_of_code.
blue_carbon_tables read_cbc_biophysical(std::string const& path, kernels::cbc_params& p);

/// Reads the transition matrix into p.cell (every pair the file leaves out: NCC).
void read_cbc_transitions(std::string const& path, blue_carbon_tables const& t, kernels::cbc_params& p);

}  // namespace sinkmap::jobs
