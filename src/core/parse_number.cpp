#include "core/parse_number.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace sinkmap {

double parse_double(std::string const& text, std::string const& what)
{
  char const* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  double const v = std::strtod(begin, &end);
  SINKMAP_EXPECTS(end != begin && *end == '\0' && errno == 0 && std::isfinite(v), bad_input,
                  what + ": '" + text + "' is not a number");
  return v;
}

float parse_float(std::string const& text, std::string const& what)
{
  return static_cast<float>(parse_double(text, what));
}

long parse_int(std::string const& text, std::string const& what)
{
  char const* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  long const v = std::strtol(begin, &end, 10);
  SINKMAP_EXPECTS(end != begin && *end == '\0' && errno == 0, bad_input,
                  what + ": '" + text + "' is not an integer");
  return v;
}

}  // namespace sinkmap
