#include "models/class_table.hpp"

#include <algorithm>
#include <cstdlib>

namespace sinkmap::models {

std::string class_table_text(carbon_model const& m)
{
  std::string s;
  for (auto const& c : m.classes) s += (s.empty() ? "" : ",") + std::to_string(c.id) + "=" + c.name;
  return s;
}

std::map<int, std::string> parse_class_table(std::string const& text)
{
  std::map<int, std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t const end = std::min(text.find(',', pos), text.size());
    std::string const item = text.substr(pos, end - pos);
    std::size_t const eq = item.find('=');
    if (eq != std::string::npos) out[std::atoi(item.substr(0, eq).c_str())] = item.substr(eq + 1);
    pos = end + 1;
  }
  return out;
}

}  // namespace sinkmap::models
