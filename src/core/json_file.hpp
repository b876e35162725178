// JSON files read the one way: a missing or unreadable file, invalid JSON and nesting deeper
// than any of sinkmap's formats needs (a hostile file 100,000 levels deep would exhaust the
// stack of whatever walks it) are bad input naming the file.
#pragma once

#include "core/error.hpp"
#include "core/input_registry.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

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
  nlohmann::json::parser_callback_t const depth_limit = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    SINKMAP_EXPECTS(depth <= max_json_depth, bad_input,
                    path + ": JSON nested more than " + std::to_string(max_json_depth) + " levels deep");
    return true;
  };
  try {
    return nlohmann::json::parse(f, depth_limit);
  } catch (nlohmann::json::exception const& e) {
    SINKMAP_FAIL(bad_input, path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
}

}  // namespace sinkmap
