#include "models/carbon_model.hpp"

#include "core/error.hpp"
#include "indices/index_catalog.hpp"
#include "models/ecosystem_classes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#ifndef SINKMAP_MODELS_DIR
#define SINKMAP_MODELS_DIR "models"
#endif

namespace sinkmap::models {
namespace {

using json = nlohmann::json;

struct reader {
  std::string file;

  [[noreturn]] void fail(std::string const& field, std::string const& what) const
  {
    SINKMAP_FAIL(bad_input, file + ": " + field + ": " + what);
  }

  json const& at(json const& j, std::string const& key, std::string const& field) const
  {
    if (!j.is_object() || !j.contains(key)) fail(field + "." + key, "missing");
    return j.at(key);
  }

  double number(json const& j, std::string const& key, std::string const& field) const
  {
    json const& v = at(j, key, field);
    if (!v.is_number()) fail(field + "." + key, "expected a number, got " + v.dump());
    double const d = v.get<double>();
    if (!std::isfinite(d)) fail(field + "." + key, "not finite");
    return d;
  }

  double number_in(json const& j, std::string const& key, std::string const& field, double lo,
                   double hi) const
  {
    double const v = number(j, key, field);
    if (v < lo || v > hi)
      fail(field + "." + key, std::to_string(v) + " is out of range [" + std::to_string(lo) +
                                ", " + std::to_string(hi) + "]");
    return v;
  }

  std::string text(json const& j, std::string const& key, std::string const& field) const
  {
    json const& v = at(j, key, field);
    if (!v.is_string()) fail(field + "." + key, "expected a string");
    return v.get<std::string>();
  }

  std::pair<double, double> range(json const& j, std::string const& key, std::string const& field,
                                  std::pair<double, double> def) const
  {
    if (!j.contains(key)) return def;
    json const& v = j.at(key);
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number() ||
        !(v[0].get<double>() < v[1].get<double>()))
      fail(field + "." + key, "expected [low, high] with low < high");
    return {v[0].get<double>(), v[1].get<double>()};
  }
};

kernels::agb_form parse_form(std::string const& s, reader const& r, std::string const& field)
{
  if (s == "none") return kernels::agb_form::none;
  if (s == "constant") return kernels::agb_form::constant;
  if (s == "linear") return kernels::agb_form::linear;
  if (s == "power") return kernels::agb_form::power;
  if (s == "exponential") return kernels::agb_form::exponential;
  if (s == "log" || s == "logarithmic") return kernels::agb_form::logarithmic;
  r.fail(field, "unknown form '" + s + "' (none, constant, linear, power, exponential, log)");
}

int index_slot(std::vector<std::string>& names, std::string const& name)
{
  auto const canonical = indices::find_index(name).name;
  auto it = std::find(names.begin(), names.end(), canonical);
  if (it != names.end()) return int(it - names.begin());
  names.push_back(canonical);
  return int(names.size() - 1);
}

}  // namespace

void use_threshold_classifier(carbon_model& m)
{
  m.classifier.ndvi_output = index_slot(m.index_names, "NDVI");
  m.classifier.ndwi_output = index_slot(m.index_names, "NDWI");
}

std::string resolve_model_path(std::string const& name_or_path)
{
  if (std::filesystem::exists(name_or_path)) return name_or_path;
  auto const shipped = std::filesystem::path(SINKMAP_MODELS_DIR) / "carbon" / (name_or_path + ".json");
  if (std::filesystem::exists(shipped)) return shipped.string();
  SINKMAP_FAIL(bad_input, "--model: no model file '" + name_or_path + "' (and no " +
                            shipped.string() + ")");
}

carbon_model load_carbon_model(std::string const& path)
{
  reader const r{path};
  std::ifstream f(path);
  SINKMAP_EXPECTS(f.good(), bad_input, "--model: cannot read model file '" + path + "'");
  json j;
  try {
    j = json::parse(f);
  } catch (json::exception const& e) {
    SINKMAP_FAIL(bad_input, path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  carbon_model m;
  m.file = path;
  m.name = r.text(j, "name", "");
  m.agb_sources.assign(kernels::ecosystem_class_count, "");

  if (j.contains("classifier")) {
    json const& c = j.at("classifier");
    m.classifier.water_ndwi = float(r.number_in(c, "water_ndwi", "classifier", -1, 1));
    m.classifier.bare_ndvi = float(r.number_in(c, "bare_ndvi", "classifier", -1, 1));
    m.classifier.forest_ndvi = float(r.number_in(c, "forest_ndvi", "classifier", -1, 1));
  }

  json const& classes = r.at(j, "classes", "");
  if (!classes.is_object() || classes.empty()) r.fail("classes", "expected an object of classes");
  for (auto const& [name, c] : classes.items()) {
    std::string const field = "classes." + name;
    auto const id = parse_class(name);
    if (!id) r.fail(field, "unknown ecosystem class (known: " + class_name_list() + ")");
    kernels::class_model cm;
    cm.defined = 1;
    json const& agb = r.at(c, "agb", field);
    std::string const af = field + ".agb";
    cm.form = parse_form(r.text(agb, "form", af), r, af + ".form");
    m.agb_sources[std::size_t(*id)] = r.text(agb, "source", af);
    if (cm.form == kernels::agb_form::constant) {
      cm.a = float(r.number_in(agb, "a", af, 0, 2000));
    } else if (cm.form != kernels::agb_form::none) {
      std::string const index = r.text(agb, "index", af);
      try {
        cm.index_output = index_slot(m.index_names, index);
      } catch (bad_input const&) {
        r.fail(af + ".index", "unknown index '" + index + "' (known: " + indices::index_name_list() + ")");
      }
      cm.a = float(r.number(agb, "a", af));
      cm.b = float(r.number(agb, "b", af));
      auto const [x0, x1] = r.range(agb, "valid_range", af, {-INFINITY, INFINITY});
      auto const [y0, y1] = r.range(agb, "clamp", af, {0, INFINITY});
      if (y0 < 0) r.fail(af + ".clamp", "biomass cannot be negative");
      cm.x_min = float(x0);
      cm.x_max = float(x1);
      cm.agb_min = float(y0);
      cm.agb_max = float(y1);
    }
    if (cm.form != kernels::agb_form::none) {
      std::string const rf = field + ".root_to_shoot";
      json const& rs = r.at(c, "root_to_shoot", field);
      json const& steps = r.at(rs, "steps", rf);
      if (!steps.is_array() || steps.empty() || steps.size() > std::size_t(kernels::max_root_shoot_steps))
        r.fail(rf + ".steps", "expected 1 to " + std::to_string(kernels::max_root_shoot_steps) + " steps");
      r.text(rs, "source", rf);
      float prev = -INFINITY;
      for (std::size_t k = 0; k < steps.size(); ++k) {
        std::string const sf = rf + ".steps[" + std::to_string(k) + "]";
        cm.rs_ratio[k] = float(r.number_in(steps[k], "ratio", sf, 0, 10));
        bool const last = k + 1 == steps.size();
        if (last && steps[k].contains("agb_below"))
          r.fail(sf + ".agb_below", "the last step applies to all larger biomass: leave it out");
        cm.rs_below[k] = last ? INFINITY : float(r.number_in(steps[k], "agb_below", sf, 0, 2000));
        if (cm.rs_below[k] <= prev) r.fail(sf + ".agb_below", "steps must increase");
        prev = cm.rs_below[k];
      }
      cm.rs_steps = int(steps.size());
      json const& cf = r.at(c, "carbon_fraction", field);
      cm.carbon_fraction = float(r.number_in(cf, "value", field + ".carbon_fraction", 0.01, 1.0));
      r.text(cf, "source", field + ".carbon_fraction");
    }
    for (auto const* pool : {"dead_c", "soil_c"}) {
      if (!c.contains(pool)) {
        if (cm.form != kernels::agb_form::none || std::string(pool) == "soil_c")
          r.fail(field + "." + pool, "missing");
        continue;
      }
      float const v = float(r.number_in(c.at(pool), "value", field + "." + pool, 0, 5000));
      r.text(c.at(pool), "source", field + "." + pool);
      (std::string(pool) == "dead_c" ? cm.dead_c : cm.soil_c) = v;
    }
    m.classes[*id] = cm;
  }
  SINKMAP_EXPECTS(m.index_names.size() <= std::size_t(kernels::max_stage_outputs), bad_input,
                  path + ": the models read more than " +
                    std::to_string(kernels::max_stage_outputs) + " indices");
  return m;
}

}  // namespace sinkmap::models
