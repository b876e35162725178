// Small text helpers shared by the parsers (metadata files, option values, catalogue names).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace sinkmap {

inline bool ends_with(std::string_view s, std::string_view suffix)
{
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

inline bool iequals(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

inline std::string to_lower(std::string s)
{
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

inline std::string to_upper(std::string s)
{
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  return s;
}

/// `v` with six decimals ("%.6f"): how inventory tables write areas and totals.
inline std::string fixed6(double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

/// Without leading and trailing blanks (space, tab, carriage return).
inline std::string trim(std::string s)
{
  s.erase(0, s.find_first_not_of(" \t\r"));
  s.erase(s.find_last_not_of(" \t\r") + 1);
  return s;
}

/// Edit distance (Levenshtein), for "did you mean" hints.
inline std::size_t edit_distance(std::string const& a, std::string const& b)
{
  std::vector<std::size_t> d(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t prev = d[0];
    d[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t const cur = d[j];
      d[j] = std::min({d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return d[b.size()];
}

/// " (did you mean 'x'?)" for the known name closest to `name` (at most 2 edits away), else "".
template <typename Names>
std::string did_you_mean(std::string const& name, Names const& known)
{
  std::string hint;
  std::size_t best = 3;
  for (auto const& cand : known)
    if (std::size_t const d = edit_distance(name, std::string(cand)); d < best) {
      best = d;
      hint = cand;
    }
  return hint.empty() ? std::string() : " (did you mean '" + hint + "'?)";
}

}  // namespace sinkmap
