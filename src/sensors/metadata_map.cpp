#include "sensors/metadata_map.hpp"

#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/text.hpp"
#include "core/parse_number.hpp"

#include <cpl_minixml.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

namespace sinkmap::sensors {
namespace {

std::ifstream open_text(std::string const& path)
{
  std::ifstream f(path);
  SINKMAP_EXPECTS(f.good(), bad_input, "cannot read metadata file '" + path + "'");
  return f;
}

// ODL text: "GROUP = NAME", "END_GROUP = NAME", "KEY = VALUE" (strings quoted), "END".
metadata_map read_mtl_text(std::string const& path)
{
  metadata_map m(path);
  auto f = open_text(path);
  std::vector<std::string> groups;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    line = trim(line);
    if (line.empty() || line == "END") continue;
    auto const eq = line.find('=');
    SINKMAP_EXPECTS(eq != std::string::npos, bad_input,
                    path + " line " + std::to_string(n) + ": expected KEY = VALUE");
    std::string const key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (key == "GROUP") {
      groups.push_back(value);
    } else if (key == "END_GROUP") {
      SINKMAP_EXPECTS(!groups.empty() && groups.back() == value, bad_input,
                      path + " line " + std::to_string(n) + ": END_GROUP " + value +
                        " does not close an open group");
      groups.pop_back();
    } else {
      m.set(groups.empty() ? "" : groups.back(), key, value);
    }
  }
  return m;
}

metadata_map read_mtl_json(std::string const& path)
{
  metadata_map m(path);
  nlohmann::json const j = read_json_file(path, "MTL");
  std::function<void(std::string const&, nlohmann::json const&)> walk =
    [&](std::string const& group, nlohmann::json const& node) {
      for (auto const& [k, v] : node.items()) {
        if (v.is_object()) walk(k, v);
        else m.set(group, k, v.is_string() ? v.get<std::string>() : v.dump());
      }
    };
  walk("", j);
  return m;
}

}  // namespace

std::optional<std::string> metadata_map::find(std::string const& group_key) const
{
  auto it = values_.find(group_key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string metadata_map::text(std::string const& group_key) const
{
  auto v = find(group_key);
  SINKMAP_EXPECTS(v.has_value() && !v->empty(), bad_input,
                  file_ + ": missing field " + group_key);
  return *v;
}

double metadata_map::number(std::string const& group_key) const
{
  return parse_double(text(group_key), file_ + ": field " + group_key);
}

metadata_map read_xml(std::string const& path)
{
  metadata_map m(path);
  CPLXMLNode* root = CPLParseXMLFile(path.c_str());
  SINKMAP_EXPECTS(root != nullptr, bad_input, path + ": not a readable XML file");
  std::function<void(CPLXMLNode const*, std::string const&)> walk = [&](CPLXMLNode const* node,
                                                                         std::string const& parent) {
    for (auto const* c = node; c; c = c->psNext) {
      if (c->eType != CXT_Element) continue;
      std::string text;
      bool has_children = false;
      for (auto const* k = c->psChild; k; k = k->psNext) {
        if (k->eType == CXT_Text) text += k->pszValue;
        if (k->eType == CXT_Element) has_children = true;
      }
      if (!has_children) m.set(parent, c->pszValue, trim(text));
      else walk(c->psChild, c->pszValue);
    }
  };
  walk(root, "");
  CPLDestroyXMLNode(root);
  return m;
}

metadata_map read_mtl(std::string const& path)
{
  if (ends_with(path, ".json")) return read_mtl_json(path);
  if (ends_with(path, ".xml")) return read_xml(path);
  return read_mtl_text(path);
}

}  // namespace sinkmap::sensors
