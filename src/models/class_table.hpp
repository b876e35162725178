// The class table every class raster and stock map carries ("1=name,2=name,..."): a model's
// class ids and names as written into outputs, and read back by whatever reads those outputs.
#pragma once

#include "models/carbon_model.hpp"

#include <map>
#include <string>

namespace sinkmap::models {

/// "1=name,2=name,...": the class ids of a model, as written into outputs.
std::string class_table_text(carbon_model const& m);

/// Parses class_table_text() back (id -> name); empty for "".
std::map<int, std::string> parse_class_table(std::string const& text);

}  // namespace sinkmap::models
