// Strict number parsing for options and files: the whole text must be a number, and the error
// names the option or field it came from.
#pragma once

#include <string>

namespace sinkmap {

/// Parses a finite float; throws bad_input "<what>: 'text' is not a number".
float parse_float(std::string const& text, std::string const& what);
double parse_double(std::string const& text, std::string const& what);
/// Parses an integer; throws bad_input naming `what`.
long parse_int(std::string const& text, std::string const& what);

}  // namespace sinkmap
