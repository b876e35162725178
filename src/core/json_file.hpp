// JSON files read the one way: a missing or unreadable file, invalid JSON, a key given twice in
// one object and nesting deeper
// than any of sinkmap's formats needs (a hostile file 100,000 levels deep would exhaust the
// stack of whatever walks it) are bad input naming the file.
#pragma once

#include "core/error.hpp"
#include "core/input_registry.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace sinkmap {

/// Deepest nesting accepted: models, crosswalks and product metadata need fewer than 16.
inline constexpr int max_json_depth = 64;

/// Parses `path`; `what` names the option or role in messages ("--model", "MTL").
inline nlohmann::json read_json_file(std::string const& path, std::string const& what)
{
  SINKMAP_EXPECTS(std::filesystem::is_regular_file(path), bad_input,
                  what + ": '" + path + "' is not a readable file");
  std::ifstream f(path);
  SINKMAP_EXPECTS(f.good(), bad_input, what + ": cannot read '" + path + "'");
  note_input(path);
  // A key given twice in one object: JSON parsers keep one of them silently (nlohmann the last),
  // so a model's second "value" would replace the first unseen. Refused, naming the key.
  std::vector<std::set<std::string>> keys;
  nlohmann::json::parser_callback_t const checks = [&](int depth, nlohmann::json::parse_event_t event,
                                                       nlohmann::json& parsed) {
    SINKMAP_EXPECTS(depth <= max_json_depth, bad_input,
                    path + ": JSON nested more than " + std::to_string(max_json_depth) + " levels deep");
    using ev = nlohmann::json::parse_event_t;
    if (event == ev::object_start) keys.emplace_back();
    else if (event == ev::object_end && !keys.empty()) keys.pop_back();
    else if (event == ev::key && !keys.empty())
      SINKMAP_EXPECTS(keys.back().insert(parsed.get<std::string>()).second, bad_input,
                      path + ": key \"" + parsed.get<std::string>() + "\" is given twice in one object");
    return true;
  };
  try {
    return nlohmann::json::parse(f, checks);
  } catch (nlohmann::json::exception const& e) {
    SINKMAP_FAIL(bad_input, path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
}

}  // namespace sinkmap
