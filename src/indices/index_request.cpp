#include "indices/index_request.hpp"

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <set>

namespace sinkmap::indices {

std::vector<std::string> split_list(std::string const& s)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string const item = trim(s.substr(start, end - start));
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

index_request make_index_request(std::vector<std::string> const& names,
                                 std::vector<std::string> const& constants)
{
  index_request req;
  for (auto const& arg : names)
    for (auto const& n : split_list(arg)) req.indices.push_back(&find_index(n));
  SINKMAP_EXPECTS(!req.indices.empty(), bad_input,
                  "no index requested: pass -i, e.g. -i NDVI,EVI (known: " + index_name_list() +
                    ")");
  SINKMAP_EXPECTS(req.indices.size() <= std::size_t(kernels::max_stage_outputs), bad_input,
                  "-i: at most " + std::to_string(kernels::max_stage_outputs) +
                    " indices per run");

  for (auto const* info : req.indices) {
    kernels::index_term t{};
    t.id = info->id;
    std::copy(info->defaults.begin(), info->defaults.end(), t.c);
    req.terms.push_back(t);
  }

  for (auto const& spec : constants) {
    auto const eq = spec.find('=');
    SINKMAP_EXPECTS(eq != std::string::npos && eq > 0, bad_input,
                    "--const '" + spec + "': expected NAME=VALUE or INDEX.NAME=VALUE");
    std::string key = spec.substr(0, eq);
    float const value = parse_float(spec.substr(eq + 1), "--const " + key);
    // sigma = 0 is the catalogue's marker for kNDVI's per-pixel sigma, not a length scale.
    SINKMAP_EXPECTS(key.substr(key.find('.') + 1) != "sigma" || value > 0, bad_input,
                    "--const '" + spec + "': sigma must be positive (leave it out for kNDVI's per-pixel "
                    "sigma = 0.5 (N + R))");
    std::string only_index;
    if (auto const dot = key.find('.'); dot != std::string::npos) {
      only_index = find_index(key.substr(0, dot)).name;
      key = key.substr(dot + 1);
    }
    bool applied = false;
    for (std::size_t k = 0; k < req.indices.size(); ++k) {
      auto const& info = *req.indices[k];
      if (!only_index.empty() && info.name != only_index) continue;
      auto const it = std::find(info.constant_names.begin(), info.constant_names.end(), key);
      if (it == info.constant_names.end()) continue;
      req.terms[k].c[it - info.constant_names.begin()] = value;
      applied = true;
    }
    SINKMAP_EXPECTS(applied, bad_input,
                    "--const '" + spec + "': no requested index has a constant named '" + key +
                      "'" + (only_index.empty() ? "" : " (index " + only_index + ")"));
  }

  std::set<int> roles;
  for (auto const* info : req.indices)
    for (auto r : info->roles) roles.insert(static_cast<int>(r));
  for (int r : roles) req.roles.push_back(static_cast<band_role>(r));
  return req;
}

}  // namespace sinkmap::indices
