#include "models/forest_statistics.hpp"

#include "core/error.hpp"
#include "core/json_file.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>

#ifndef SINKMAP_MODELS_DIR
#define SINKMAP_MODELS_DIR "models"
#endif

namespace sinkmap::models {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct reader {
  std::string file;
  [[noreturn]] void fail(std::string const& field, std::string const& why) const
  {
    SINKMAP_FAIL(bad_input, file + ": " + field + ": " + why);
  }
  json const& at(json const& j, char const* key, std::string const& field) const
  {
    if (!j.is_object() || !j.contains(key)) fail(field.empty() ? key : field + "." + key, "missing");
    return j.at(key);
  }
  std::string text(json const& j, char const* key, std::string const& field) const
  {
    json const& v = at(j, key, field);
    if (!v.is_string() || v.get<std::string>().empty()) fail(field + "." + key, "expected a text");
    return v.get<std::string>();
  }
  // A sourced number in the unit the table must use: {"value", "unit", "source"}.
  double number(json const& j, char const* key, std::string const& field, char const* unit, std::string* source) const
  {
    std::string const f = field + "." + key;
    json const& leaf = at(j, key, field);
    json const& v = at(leaf, "value", f);
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0) fail(f + ".value", "expected a number >= 0");
    if (text(leaf, "unit", f) != unit) fail(f + ".unit", std::string("expected \"") + unit + "\"");
    std::string const s = text(leaf, "source", f);
    if (source) *source = s;
    return v.get<double>();
  }
  std::pair<int, int> period(json const& j, std::string const& field) const
  {
    json const& p = at(j, "period", field);
    if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer() || !p[1].is_number_integer() ||
        p[0].get<int>() > p[1].get<int>())
      fail(field + ".period", "expected [first year, last year]");
    return {p[0].get<int>(), p[1].get<int>()};
  }
};

}  // namespace

statistics_period const* forest_statistics::period_for(int year) const
{
  statistics_period const* best = nullptr;
  int best_gap = 0;
  for (auto const& p : periods) {
    int const gap = year < p.from ? p.from - year : (year > p.to ? year - p.to : 0);
    if (!best || gap < best_gap) {
      best = &p;
      best_gap = gap;
    }
  }
  return best;
}

statistics_sink const* forest_statistics::sink_for(int from, int to) const
{
  statistics_sink const* best = nullptr;
  int best_score = 0;
  for (auto const& s : sinks) {
    int const overlap = std::min(to, s.to) - std::max(from, s.from);  // negative: the gap
    if (!best || overlap > best_score) {
      best = &s;
      best_score = overlap;
    }
  }
  return best;
}

std::string resolve_statistics_path(std::string const& name_or_path)
{
  auto const shipped = fs::path(SINKMAP_MODELS_DIR) / "statistics" / (name_or_path + ".json");
  if (name_or_path.find('/') == std::string::npos && fs::exists(shipped)) return shipped.string();
  return name_or_path;
}

forest_statistics load_forest_statistics(std::string const& name_or_path)
{
  std::string const path = resolve_statistics_path(name_or_path);
  json const j = read_json_file(path, "statistics");
  reader r{path};
  forest_statistics s;
  s.file = path;
  s.name = r.text(j, "name", "");
  s.region = r.text(j, "region", "");
  if (j.contains("region_zh")) s.region_zh = r.text(j, "region_zh", "");
  s.scope = r.text(j, "scope", "");
  s.model = r.text(j, "model", "");
  json const& range = r.at(r.at(j, "ratio_range", ""), "value", "ratio_range");
  if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number() ||
      !(range[0].get<double>() > 0 && range[0].get<double>() < 1 && range[1].get<double>() > 1))
    r.fail("ratio_range.value", "expected [low < 1, high > 1]");
  s.ratio_low = range[0].get<double>();
  s.ratio_high = range[1].get<double>();
  json const& periods = r.at(j, "periods", "");
  if (!periods.is_array() || periods.empty()) r.fail("periods", "expected a list of inventory periods");
  for (std::size_t k = 0; k < periods.size(); ++k) {
    std::string const f = "periods[" + std::to_string(k) + "]";
    statistics_period p;
    std::tie(p.from, p.to) = r.period(periods[k], f);
    p.area_ha = r.number(periods[k], "area", f, "10^4 hm2", nullptr) * 1e4;
    p.density_mgc_per_ha = r.number(periods[k], "biomass_carbon_density", f, "Mg C/hm2", &p.density_source);
    s.periods.push_back(p);
  }
  if (j.contains("sinks")) {
    json const& sinks = j.at("sinks");
    if (!sinks.is_array()) r.fail("sinks", "expected a list");
    for (std::size_t k = 0; k < sinks.size(); ++k) {
      std::string const f = "sinks[" + std::to_string(k) + "]";
      statistics_sink x;
      std::tie(x.from, x.to) = r.period(sinks[k], f);
      double const tg = r.number(sinks[k], "biomass_carbon_sink_rate", f, "Tg C/a", &x.source);
      // Per hectare over the mean forest area of the periods the sink spans.
      double area = 0;
      int n = 0;
      for (auto const& p : s.periods)
        if (p.from >= x.from && p.to <= x.to) {
          area += p.area_ha;
          ++n;
        }
      if (n == 0) r.fail(f + ".period", "spans no inventory period of the table (its area is needed per hectare)");
      x.mgc_per_ha_yr = tg * 1e6 / (area / n);
      s.sinks.push_back(x);
    }
  }
  return s;
}

std::string statistics_for_model(std::string const& model_name)
{
  fs::path const dir = fs::path(SINKMAP_MODELS_DIR) / "statistics";
  if (!fs::is_directory(dir)) return "";
  for (auto const& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    auto const s = load_forest_statistics(e.path().string());
    if (s.model == model_name) return e.path().string();
  }
  return "";
}

}  // namespace sinkmap::models
