#include "models/carbon_model.hpp"

#include "sinkmap/kernels/accounting_stage.hpp"

#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/text.hpp"
#include "indices/index_catalog.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <tuple>

#ifndef SINKMAP_MODELS_DIR
#define SINKMAP_MODELS_DIR "models"
#endif

namespace sinkmap::models {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Reads the structure of a model file (the numbers go through parameter_library).
struct reader {
  std::string file;

  [[noreturn]] void fail(std::string const& field, std::string const& what) const
  {
    SINKMAP_FAIL(bad_input, file + ": " + field + ": " + what);
  }

  json const& at(json const& j, std::string const& key, std::string const& field) const
  {
    if (!j.is_object() || !j.contains(key)) fail(join(field, key), "missing");
    return j.at(key);
  }

  static std::string join(std::string const& field, std::string const& key)
  {
    return field.empty() ? key : field + "." + key;
  }

  double number(json const& j, std::string const& key, std::string const& field) const
  {
    json const& v = at(j, key, field);
    if (!v.is_number()) fail(join(field, key), "expected a number, got " + v.dump());
    double const d = v.get<double>();
    if (!std::isfinite(d)) fail(join(field, key), "not finite");
    return d;
  }

  double number_in(json const& j, std::string const& key, std::string const& field, double lo,
                   double hi) const
  {
    double const v = number(j, key, field);
    if (v < lo || v > hi)
      fail(join(field, key), std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " +
                               std::to_string(hi) + "]");
    return v;
  }

  std::string text(json const& j, std::string const& key, std::string const& field) const
  {
    json const& v = at(j, key, field);
    if (!v.is_string()) fail(join(field, key), "expected a string, got " + v.dump());
    return v.get<std::string>();
  }

  std::string text_or(json const& j, std::string const& key, std::string const& field,
                      std::string const& def) const
  {
    return j.contains(key) ? text(j, key, field) : def;
  }

  /// Refuses a key of object `j` (written at `field`) that is not one of `known`: a misspelt
  /// field ("carbon_fractoin") would otherwise be ignored and a default used in its place.
  /// Documentation keys (description, note, notes, source, sources) are always allowed.
  void only(json const& j, std::string const& field, std::initializer_list<char const*> known) const
  {
    if (!j.is_object()) return;
    std::vector<std::string> names(known.begin(), known.end());
    for (char const* doc : {"description", "note", "notes", "source", "sources"}) names.push_back(doc);
    for (auto const& [k, v] : j.items())
      if (std::find(names.begin(), names.end(), k) == names.end())
        fail(join(field, k), "unknown field" + did_you_mean(k, names));
  }

  std::pair<double, double> range(json const& j, std::string const& key, std::string const& field,
                                  std::pair<double, double> def) const
  {
    if (!j.contains(key)) return def;
    json const& v = j.at(key);
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number() ||
        !(v[0].get<double>() < v[1].get<double>()))
      fail(join(field, key), "expected [low, high] with low < high");
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

kernels::class_group parse_group(std::string const& s, reader const& r, std::string const& field)
{
  using kernels::class_group;
  if (s == "forest") return class_group::forest;
  if (s == "grassland") return class_group::grassland;
  if (s == "cropland") return class_group::cropland;
  if (s == "wetland") return class_group::wetland;
  if (s == "settlement") return class_group::settlement;
  if (s == "other") return class_group::other;
  r.fail(field, "unknown group '" + s + "' (forest, grassland, cropland, wetland, settlement, other)");
}

int index_slot(std::vector<std::string>& names, std::string const& name)
{
  auto const canonical = indices::find_index(name).name;
  auto it = std::find(names.begin(), names.end(), canonical);
  if (it != names.end()) return int(it - names.begin());
  names.push_back(canonical);
  return int(names.size() - 1);
}

std::string join_names(std::vector<std::string> const& v)
{
  std::string s;
  for (auto const& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// One (class, zone, age) combination while it is being built.
struct draft {
  kernels::class_params p;
  std::vector<std::pair<set_field, quantity>> fields;
  std::string key;  // structure + quantity keys: equal drafts are the same set under every draw
  std::string not_available;
};

class model_parser {
 public:
  model_parser(std::string path, json const& j, model_choice const& choice)
    : r_{std::move(path)}, j_(j), choice_(choice),
      lib_(r_.file, j.contains("factors") ? &j.at("factors") : nullptr)
  {
  }

  carbon_model parse()
  {
    m_.file = r_.file;
    r_.only(j_, "", {"name", "version", "units", "region", "climate_zones", "soil_types", "age_classes", "classes",
                     "factors", "crosswalks", "classifier", "disturbance", "distributions", "deprecated", "known_errors",
                     "soil_depth_cm", "soil_depth_note", "wetland_soil"});
    m_.name = r_.text(j_, "name", "");
    m_.version = r_.text_or(j_, "version", "", "unversioned");
    m_.description = r_.text_or(j_, "description", "", "");
    m_.deprecated = r_.text_or(j_, "deprecated", "", "");
    if (j_.contains("known_errors"))
      for (auto const& e : j_.at("known_errors"))
        if (e.is_string()) m_.known_errors.push_back(e.get<std::string>());
    if (j_.contains("factors") && !j_.at("factors").is_object()) r_.fail("factors", "expected an object");
    parse_region();
    m_.soil_depth_cm = soil_depth(j_, "soil_depth_cm");
    parse_wetland_soil();
    parse_zones();
    parse_ages();
    parse_soil_types();
    parse_crosswalks();
    if (!m_.zone_map.empty() && !m_.crosswalks.count(m_.zone_map_crosswalk))
      r_.fail("climate_zones.map.crosswalk", "'" + m_.zone_map_crosswalk + "' is not one of the model's crosswalks");
    parse_classes();
    parse_classifier();
    parse_disturbance();
    if (m_.index_names.size() > std::size_t(kernels::max_stage_outputs))
      r_.fail("classes", "the models read more than " + std::to_string(kernels::max_stage_outputs) + " indices");
    build_tables();
    m_.parameters = lib_.parameters();
    m_.joints = lib_.joints();
    return std::move(m_);
  }

 private:
  void parse_region()
  {
    json const& reg = r_.at(j_, "region", "");
    r_.only(reg, "region", {"lon", "lat", "description_zh"});
    m_.region_description_zh = r_.text_or(reg, "description_zh", "region", "");
    m_.region_description = r_.text(reg, "description", "region");
    auto const lon = r_.range(reg, "lon", "region", {NAN, NAN});
    auto const lat = r_.range(reg, "lat", "region", {NAN, NAN});
    if (std::isnan(lon.first) || std::isnan(lat.first)) r_.fail("region", "needs lon [min, max] and lat [min, max]");
    if (lon.first < -180 || lon.second > 180) r_.fail("region.lon", "longitudes are -180..180");
    if (lat.first < -90 || lat.second > 90) r_.fail("region.lat", "latitudes are -90..90");
    m_.lon_min = lon.first;
    m_.lon_max = lon.second;
    m_.lat_min = lat.first;
    m_.lat_max = lat.second;
  }

  // Soil pools are reported at 0-30 cm (IPCC 2006 Tier 1 SOC_REF) or 0-100 cm (the Wetlands
  // Supplement's coastal soils); another depth needs a source saying where it comes from.
  double soil_depth(json const& j, std::string const& field, std::string const& key = "soil_depth_cm")
  {
    double const d = r_.number_in(j, key, field == key ? "" : field, 1, 1000);
    if (d != 30 && d != 100 && !j.contains("soil_depth_source"))
      r_.fail(field == key ? key : field + "." + key,
              std::to_string(int(d)) + " cm: soil depths are 30 (IPCC 2006 SOC_REF) or 100 cm (2013 Wetlands "
              "Supplement coastal soils); give soil_depth_source to use another");
    return d;
  }

  void parse_wetland_soil()
  {
    if (!j_.contains("wetland_soil")) return;
    json const& w = j_.at("wetland_soil");
    r_.only(w, "wetland_soil", {"remaining", "reason"});
    m_.wetland_soil = r_.text(w, "remaining", "wetland_soil");
    if (m_.wetland_soil != "tier1" && m_.wetland_soil != "burial_rate")
      r_.fail("wetland_soil.remaining", "expected tier1 (no soil change where a wetland remains) or burial_rate "
                                        "(each wetland class's burial_rate), got '" + m_.wetland_soil + "'");
    m_.wetland_soil_reason = r_.text(w, "reason", "wetland_soil");
  }

  void parse_zones()
  {
    json const& cz = r_.at(j_, "climate_zones", "");
    r_.only(cz, "climate_zones", {"zones", "default", "default_reason", "map"});
    json const& zones = r_.at(cz, "zones", "climate_zones");
    if (!zones.is_object() || zones.empty()) r_.fail("climate_zones.zones", "expected an object of zones");
    if (zones.size() > std::size_t(kernels::max_zones))
      r_.fail("climate_zones.zones", "at most " + std::to_string(kernels::max_zones) + " zones");
    m_.zones.resize(zones.size());
    std::vector<bool> seen(zones.size(), false);
    for (auto const& [name, z] : zones.items()) {
      std::string const f = "climate_zones.zones." + name;
      r_.only(z, f, {"id", "soil_climate", "ecological_zone"});
      int const id = int(r_.number_in(z, "id", f, 0, double(zones.size() - 1)));
      if (seen[std::size_t(id)]) r_.fail(f + ".id", "id " + std::to_string(id) + " is used twice");
      seen[std::size_t(id)] = true;
      zone_info zi;
      zi.id = id;
      zi.name = name;
      zi.soil_climate = r_.text(z, "soil_climate", f);
      zi.ecological_zone = r_.text(z, "ecological_zone", f);
      zi.description = r_.text_or(z, "description", f, "");
      m_.zones[std::size_t(id)] = zi;
    }
    std::string const def = r_.text(cz, "default", "climate_zones");
    auto const d = m_.zone_id(def);
    if (!d) r_.fail("climate_zones.default", "'" + def + "' is not one of the zones (" + m_.zone_name_list() + ")");
    m_.default_zone = *d;
    m_.default_zone_reason = r_.text_or(cz, "default_reason", "climate_zones", "");
    if (cz.contains("map")) {
      json const& zm = cz.at("map");
      r_.only(zm, "climate_zones.map", {"file", "crosswalk", "use"});
      fs::path f(r_.text(zm, "file", "climate_zones.map"));
      m_.zone_map = (f.is_absolute() ? f : fs::path(r_.file).parent_path() / f).lexically_normal().string();
      if (!fs::is_regular_file(m_.zone_map))
        r_.fail("climate_zones.map.file", "'" + m_.zone_map + "' does not exist (a relative path is relative to the "
                                          "model file: a copied model needs the map beside it, or an absolute path)");
      m_.zone_map_crosswalk = r_.text(zm, "crosswalk", "climate_zones.map");
      m_.zone_map_source = r_.text(zm, "source", "climate_zones.map");
    }
  }

  void parse_ages()
  {
    if (!j_.contains("age_classes")) return;
    json const& a = j_.at("age_classes");
    r_.only(a, "age_classes", {"boundary_years", "default", "default_reason", "young", "old"});
    m_.has_ages = true;
    m_.age_boundary_years = r_.number_in(a, "boundary_years", "age_classes", 1, 1000);
    std::string const def = r_.text(a, "default", "age_classes");
    if (def != "young" && def != "old") r_.fail("age_classes.default", "expected young or old");
    m_.default_age = def == "young" ? 0 : 1;
    m_.default_age_reason = r_.text_or(a, "default_reason", "age_classes", "");
  }

  void parse_soil_types()
  {
    if (!j_.contains("soil_types")) {
      if (!choice_.soil_type.empty())
        r_.fail("soil_types", "--soil-type " + choice_.soil_type + ": the model defines no soil types");
      return;
    }
    json const& st = j_.at("soil_types");
    json const& types = r_.at(st, "types", "soil_types");
    if (!types.is_object() || types.empty()) r_.fail("soil_types.types", "expected an object of soil types");
    for (auto const& [name, _] : types.items()) m_.soil_types.push_back(name);
    std::string const def = r_.text(st, "default", "soil_types");
    std::string const pick = choice_.soil_type.empty() ? def : choice_.soil_type;
    if (std::find(m_.soil_types.begin(), m_.soil_types.end(), pick) == m_.soil_types.end())
      SINKMAP_FAIL(bad_input, (choice_.soil_type.empty() ? r_.file + ": soil_types.default" : std::string("--soil-type")) +
                                ": unknown soil type '" + pick + "' (" + r_.file + " defines " +
                                join_names(m_.soil_types) + ")");
    m_.soil_type = pick;
  }

  void parse_crosswalks()
  {
    if (!j_.contains("crosswalks")) return;
    json const& c = j_.at("crosswalks");
    if (!c.is_object()) r_.fail("crosswalks", "expected an object of name: file");
    fs::path const dir = fs::path(r_.file).parent_path();
    for (auto const& [name, p] : c.items()) {
      if (!p.is_string()) r_.fail("crosswalks." + name, "expected a file path");
      fs::path f(p.get<std::string>());
      m_.crosswalks[name] = (f.is_absolute() ? f : dir / f).lexically_normal().string();
    }
  }

  void parse_classes()
  {
    json const& classes = r_.at(j_, "classes", "");
    if (!classes.is_object() || classes.empty()) r_.fail("classes", "expected an object of classes");
    std::set<int> ids;
    for (auto const& [name, c] : classes.items()) {
      std::string const field = "classes." + name;
      r_.only(c, field, {"id", "name_zh", "group", "absent_in_region", "proxy", "agb", "root_to_shoot", "carbon_fraction",
                         "dead_c", "soil_c", "growth", "loss_fraction", "bcef", "volume_to_biomass", "soil_depth_cm",
                         "soil_depth_source", "coastal", "coastal_soil_on_conversion", "soil_accumulation", "soil_loss",
                         "burial_rate"});
      // A class id is a whole number (30.7 would be cut to 30 silently).
      if (c.is_object() && c.contains("id") && c.at("id").is_number() &&
          c.at("id").get<double>() != std::floor(c.at("id").get<double>()))
        r_.fail(field + ".id", c.at("id").dump() + " is not a whole number");
      if (name.empty() || name == "none" || name == "*" || name == "unmapped" || name == "all")
        r_.fail(field, "'" + name + "' is reserved");
      class_info ci;
      ci.name = name;
      ci.id = int(r_.number_in(c, "id", field, 1, kernels::max_classes - 1));
      if (!ids.insert(ci.id).second) r_.fail(field + ".id", "id " + std::to_string(ci.id) + " is used by another class");
      ci.group = parse_group(r_.text(c, "group", field), r_, field + ".group");
      ci.description = r_.text_or(c, "description", field, "");
      ci.name_zh = r_.text_or(c, "name_zh", field, "");
      ci.absent_in_region = r_.text_or(c, "absent_in_region", field, "");
      ci.proxy = c.value("proxy", false);
      if (c.contains("bcef")) parse_bcef(c.at("bcef"), field + ".bcef", ci);
      ci.soil_depth_cm = m_.soil_depth_cm;
      if (c.contains("soil_depth_cm")) {
        ci.soil_depth_cm = soil_depth(c, field);
        ci.soil_depth_source = r_.text(c, "soil_depth_source", field);
      }
      ci.coastal = c.value("coastal", false);
      if (ci.coastal && ci.group != kernels::class_group::wetland)
        r_.fail(field + ".coastal", "only a wetland class can be a coastal wetland");
      if (c.contains("coastal_soil_on_conversion")) {
        json const& r = c.at("coastal_soil_on_conversion");
        std::string const f = field + ".coastal_soil_on_conversion";
        r_.only(r, f, {"rule", "half_life_years"});
        std::string const rule = r_.text(r, "rule", f);
        if (rule == "extraction") ci.coastal_soil_rule = kernels::coastal_soil_extraction;
        else if (rule == "drainage") ci.coastal_soil_rule = kernels::coastal_soil_drainage;
        else r_.fail(f + ".rule", "expected extraction or drainage, got '" + rule + "'");
        ci.coastal_soil_source = r_.text(r, "source", f);
        if (r.contains("half_life_years") && ci.coastal_soil_rule != kernels::coastal_soil_extraction)
          r_.fail(f + ".half_life_years", "only extracted carbon decays with a half-life (rule = extraction)");
        if (ci.coastal_soil_rule == kernels::coastal_soil_drainage && !c.contains("soil_loss"))
          r_.fail(field + ".soil_loss", "missing: a drainage rule needs the drained soil's emission factor (EF_DR)");
      }
      if (c.contains("burial_rate") && ci.group != kernels::class_group::wetland)
        r_.fail(field + ".burial_rate", "only wetland classes bury carbon");
      m_.classes.push_back(ci);
    }
    std::sort(m_.classes.begin(), m_.classes.end(), [](auto const& a, auto const& b) { return a.id < b.id; });
  }

  // A class's BCEF table: {"steps": [{"growing_stock_below": N, "bcef_s": {...}, "bcef_r":
  // {...}, "bcef_i": {...} (optional)}, ..., {last step without a bound}], "source": "..."}, or "@name" of such a table in
  // "factors" (shared by the classes of one forest type).
  void parse_bcef(json const& j, std::string field, class_info& ci)
  {
    json const* t = &j;
    if (j.is_string()) {
      std::string const ref = j.get<std::string>();
      if (ref.rfind('@', 0) != 0) r_.fail(field, "expected a table or \"@factor\", got " + j.dump());
      json const& factors = r_.at(j_, "factors", "");
      std::string const name = ref.substr(1);
      if (!factors.contains(name)) r_.fail(field, "no factor '" + name + "' in factors");
      t = &factors.at(name);
      field = "factors." + name;
    }
    json const& steps = r_.at(*t, "steps", field);
    r_.only(*t, field, {"steps"});
    if (!steps.is_array() || steps.empty() || steps.size() > std::size_t(kernels::max_bcef_steps))
      r_.fail(field + ".steps", "expected 1 to " + std::to_string(kernels::max_bcef_steps) + " growing-stock levels");
    ci.bcef_source = r_.text(*t, "source", field);
    double prev = 0;
    for (std::size_t k = 0; k < steps.size(); ++k) {
      std::string const sf = field + ".steps[" + std::to_string(k) + "]";
      class_info::bcef_step b;
      r_.only(steps[k], sf, {"growing_stock_below", "bcef_s", "bcef_r", "bcef_i"});
      bool const last = k + 1 == steps.size();
      if (last && steps[k].contains("growing_stock_below"))
        r_.fail(sf, "the last level applies to all larger growing stocks: leave out its bound");
      if (!last) {
        b.growing_stock_below = r_.number_in(steps[k], "growing_stock_below", sf, 1, 5000);
        if (b.growing_stock_below <= prev) r_.fail(sf + ".growing_stock_below", "levels must increase");
        prev = b.growing_stock_below;
      }
      b.bcef_s = lib_.parameters()[std::size_t(lib_.leaf(r_.at(steps[k], "bcef_s", sf), sf + ".bcef_s", 0.05, 20))].value;
      b.bcef_r = lib_.parameters()[std::size_t(lib_.leaf(r_.at(steps[k], "bcef_r", sf), sf + ".bcef_r", 0.05, 20))].value;
      // BCEF_I (net annual increment to growth, Eq. 2.10) is optional: without it an inventory
      // stand's volume increment cannot be converted at that level, and its class's IPCC growth
      // rate applies.
      if (steps[k].contains("bcef_i"))
        b.bcef_i = lib_.parameters()[std::size_t(lib_.leaf(steps[k].at("bcef_i"), sf + ".bcef_i", 0.05, 20))].value;
      ci.bcef.push_back(b);
    }
  }

  void parse_classifier()
  {
    if (!j_.contains("classifier")) return;
    json const& c = j_.at("classifier");
    r_.only(c, "classifier", {"water_ndwi", "bare_ndvi", "forest_ndvi", "classes", "forest_reason"});
    m_.classifier.water_ndwi = float(r_.number_in(c, "water_ndwi", "classifier", -1, 1));
    m_.classifier.bare_ndvi = float(r_.number_in(c, "bare_ndvi", "classifier", -1, 1));
    m_.classifier.forest_ndvi = float(r_.number_in(c, "forest_ndvi", "classifier", -1, 1));
    json const& cls = r_.at(c, "classes", "classifier");
    auto id_of = [&](char const* key) {
      std::string const n = r_.text(cls, key, "classifier.classes");
      auto const id = m_.class_id(n);
      if (!id) r_.fail(std::string("classifier.classes.") + key, "class '" + n + "' is not defined (classes: " + m_.class_name_list() + ")");
      return *id;
    };
    m_.classifier.water = id_of("water");
    m_.classifier.bare = id_of("bare");
    m_.classifier.forest = id_of("forest");
    m_.classifier.grassland = id_of("grassland");
    m_.has_classifier = true;
  }

  void parse_disturbance()
  {
    if (!j_.contains("disturbance")) return;
    json const& d = j_.at("disturbance");
    r_.only(d, "disturbance", {"dnbr_threshold"});
    if (!d.contains("dnbr_threshold")) return;
    int const p = lib_.leaf(d.at("dnbr_threshold"), "disturbance.dnbr_threshold", 0.0, 2.0);
    m_.dnbr_threshold = lib_.parameters()[std::size_t(p)].value;
    m_.dnbr_source = lib_.parameters()[std::size_t(p)].source;
  }

  // --- parameter sets -----------------------------------------------------------------------

  quantity field_value(json const& c, std::string const& key, std::string const& field,
                       stratum const& s, double lo, double hi)
  {
    return lib_.resolve(r_.at(c, key, field), field + "." + key, s, lo, hi);
  }

  // Adds a quantity to the draft: sets the value, keeps the binding, and reports NE/NA.
  bool take(draft& d, class_info& ci, set_field f, std::string const& pool, quantity const& q,
            float& target, bool na_allowed_as_nan = false)
  {
    if (q.k == quantity::kind::not_available && !na_allowed_as_nan) {
      d.not_available = q.reason;
      return false;
    }
    if (q.k == quantity::kind::not_estimated && !pool.empty()) {
      auto& ne = ci.not_estimated[pool];
      ne.first = q.reason;
      ne.second.insert(zone_);
    }
    target = float(q.at(lib_.values()));
    d.key += "|" + q.key();
    d.fields.push_back({f, q});
    return true;
  }

  bool build_draft(json const& c, class_info& ci, stratum const& s, draft& d)
  {
    std::string const field = "classes." + ci.name;
    auto& p = d.p;
    json const& agb = r_.at(c, "agb", field);
    std::string const af = field + ".agb";
    r_.only(agb, af, {"form", "a", "b", "index", "valid_range", "clamp", "covariance", "residual_sd", "calibration"});
    p.form = parse_form(r_.text(agb, "form", af), r_, af + ".form");
    ci.agb_source = r_.text(agb, "source", af);
    d.key = std::to_string(int(p.form));
    ci.tier1 = p.form == kernels::agb_form::constant || p.form == kernels::agb_form::none;
    if (p.form == kernels::agb_form::constant) {
      quantity const a = field_value(agb, "a", af, s, 0, 2000);
      if (!take(d, ci, set_field::a, "agb", a, p.a)) return false;
    } else if (p.form != kernels::agb_form::none) {
      std::string const index = r_.text(agb, "index", af);
      try {
        p.index_output = index_slot(m_.index_names, index);
      } catch (bad_input const&) {
        r_.fail(af + ".index", "unknown index '" + index + "' (known: " + indices::index_name_list() + ")");
      }
      quantity const a = field_value(agb, "a", af, s, -1e30, 1e30);
      quantity const b = field_value(agb, "b", af, s, -1e30, 1e30);
      if (!take(d, ci, set_field::a, "", a, p.a) || !take(d, ci, set_field::b, "", b, p.b)) return false;
      auto const [x0, x1] = r_.range(agb, "valid_range", af, {-INFINITY, INFINITY});
      auto const [y0, y1] = r_.range(agb, "clamp", af, {0, INFINITY});
      if (y0 < 0) r_.fail(af + ".clamp", "biomass cannot be negative");
      p.x_min = float(x0);
      p.x_max = float(x1);
      p.agb_min = float(y0);
      p.agb_max = float(y1);
      // Without a clamp, a model that overflows on index values it will meet (a = 1e30, an
      // exponential b = 1000) would write +inf maps: refused here, with the value it reaches.
      if (std::isinf(y1)) {
        double const lo = std::max(x0, -2.0), hi = std::min(x1, 2.0);
        for (double x : {lo, hi, 0.5 * (lo + hi)}) {
          if (!(x >= lo && x <= hi)) continue;
          double v = NAN;
          switch (p.form) {
            case kernels::agb_form::linear: v = double(p.a) + double(p.b) * x; break;
            case kernels::agb_form::power: v = x > 0 ? double(p.a) * std::pow(x, double(p.b)) : 0; break;
            case kernels::agb_form::exponential: v = double(p.a) * std::exp(double(p.b) * x); break;
            case kernels::agb_form::logarithmic: v = x > 0 ? double(p.a) + double(p.b) * std::log(x) : 0; break;
            default: v = 0;
          }
          if (!(std::abs(v) <= 1.0e6))
            r_.fail(af, "gives " + std::to_string(v) + " Mg/ha at " + index + " = " + std::to_string(x) +
                          " (no stand holds a million): give a clamp [min, max] or a valid_range");
        }
      }
      d.key += "|i" + std::to_string(p.index_output) + "|" + std::to_string(x0) + "," +
               std::to_string(x1) + "," + std::to_string(y0) + "," + std::to_string(y1);
      if (agb.contains("covariance") && !joined_.count(af)) {
        if (a.factors.size() != 1 || b.factors.size() != 1 || a.constant != 1 || b.constant != 1)
          r_.fail(af + ".covariance", "a and b must be plain numbers to carry a covariance");
        lib_.joint({a.factors[0].first, b.factors[0].first}, agb.at("covariance"), af + ".covariance");
        joined_.insert(af);
      }
      if (agb.contains("residual_sd")) {
        double const rs = r_.number_in(agb, "residual_sd", af, 0, 1e6);
        residual_sd_[ci.id] = rs;
      }
    }
    if (p.form != kernels::agb_form::none) {
      std::string const rf = field + ".root_to_shoot";
      json const& rs = r_.at(c, "root_to_shoot", field);
      if (rs.is_object() && rs.contains("notation")) {
        quantity const q = lib_.resolve(rs, rf, s, 0, 10);
        if (q.k == quantity::kind::not_available) {
          d.not_available = q.reason;
          return false;
        }
        ci.not_estimated["c_below"].first = q.reason;
        ci.not_estimated["c_below"].second.insert(zone_);
        p.rs_steps = 1;
        p.rs_below[0] = INFINITY;
        p.rs_ratio[0] = 0;
        d.key += "|rsNE";
      } else {
        json const& steps = r_.at(rs, "steps", rf);
        r_.only(rs, rf, {"steps"});
        if (!steps.is_array() || steps.empty() || steps.size() > std::size_t(kernels::max_root_shoot_steps))
          r_.fail(rf + ".steps", "expected 1 to " + std::to_string(kernels::max_root_shoot_steps) + " steps");
        r_.text(rs, "source", rf);
        float prev = -INFINITY;
        for (std::size_t k = 0; k < steps.size(); ++k) {
          std::string const sf = rf + ".steps[" + std::to_string(k) + "]";
          r_.only(steps[k], sf, {"ratio", "agb_below", "agb_at_most"});
          quantity const q = field_value(steps[k], "ratio", sf, s, 0, 10);
          if (!take(d, ci, set_field(int(set_field::rs_ratio_0) + int(k)), "c_below", q, p.rs_ratio[k])) return false;
          bool const last = k + 1 == steps.size();
          bool const inclusive = steps[k].contains("agb_at_most");
          if (last && (inclusive || steps[k].contains("agb_below")))
            r_.fail(sf, "the last step applies to all larger biomass: leave out its bound");
          if (!last && !inclusive && !steps[k].contains("agb_below"))
            r_.fail(sf, "give agb_below (ratio applies while AGB < bound) or agb_at_most (AGB <= bound)");
          // AGB <= bound is AGB < the next float above the bound.
          p.rs_below[k] = last ? INFINITY
                          : inclusive ? std::nextafter(float(r_.number_in(steps[k], "agb_at_most", sf, 0, 2000)), INFINITY)
                                      : float(r_.number_in(steps[k], "agb_below", sf, 0, 2000));
          if (p.rs_below[k] <= prev) r_.fail(sf, "steps must increase");
          prev = p.rs_below[k];
          d.key += "@" + std::to_string(p.rs_below[k]);
        }
        p.rs_steps = int(steps.size());
      }
      quantity const cf = field_value(c, "carbon_fraction", field, s, 0.01, 1.0);
      if (cf.k == quantity::kind::not_estimated) r_.fail(field + ".carbon_fraction", "cannot be NE: biomass needs a carbon fraction");
      if (!take(d, ci, set_field::carbon_fraction, "", cf, p.carbon_fraction)) return false;
    }
    if (c.contains("dead_c")) {
      if (!take(d, ci, set_field::dead_c, "c_dead", field_value(c, "dead_c", field, s, 0, 5000), p.dead_c)) return false;
    } else if (p.form != kernels::agb_form::none) {
      r_.fail(field + ".dead_c", "missing (write {\"notation\": \"NE\", \"reason\": ...} if not estimated)");
    } else {
      d.key += "|dead0";
    }
    if (!take(d, ci, set_field::soil_c, "c_soil", field_value(c, "soil_c", field, s, 0, 5000), p.soil_c)) return false;
    if (p.form == kernels::agb_form::none) {
      // No living biomass: nothing grows and nothing is lost (explicit growth still wins).
      p.growth = 0;
      p.loss_fraction = 0;
    }
    if (c.contains("growth")) {
      quantity const g = field_value(c, "growth", field, s, 0, 100);
      take(d, ci, set_field::growth, "", g, p.growth, true);
      if (g.k == quantity::kind::not_estimated) p.growth = NAN;
    } else {
      d.key += "|g-";
    }
    if (c.contains("loss_fraction")) {
      quantity const f = field_value(c, "loss_fraction", field, s, 0, 1);
      take(d, ci, set_field::loss_fraction, "", f, p.loss_fraction, true);
      if (f.k == quantity::kind::not_estimated) p.loss_fraction = NAN;
    } else {
      d.key += "|l-";
    }
    // Coastal and inland wetland soil rates (Mg C / ha / yr, positive numbers): EF_RE of land
    // restored or created as the class, EF_DR of a coastal soil drained into it, and the burial
    // rate where it remains (used only when the model chooses burial_rate).
    optional_rate(c, ci, s, d, "soil_accumulation", set_field::soil_gain, p.soil_gain);
    optional_rate(c, ci, s, d, "soil_loss", set_field::soil_loss, p.soil_loss);
    if (ci.coastal_soil_rule == kernels::coastal_soil_drainage && std::isnan(p.soil_loss))
      r_.fail(field + ".soil_loss", "a drainage rule needs a number (EF_DR): NE or NA would leave the drained soil unchanged");
    if (c.contains("coastal_soil_on_conversion") && c.at("coastal_soil_on_conversion").is_object()) {
      // A model option: extracted carbon decays with this half-life (InVEST's approach) instead
      // of being emitted in the conversion year (the default).
      json const& r = c.at("coastal_soil_on_conversion");
      if (r.contains("half_life_years")) {
        quantity const q = field_value(r, "half_life_years", field + ".coastal_soil_on_conversion", s, 0.01, 1000);
        take(d, ci, set_field::soil_half_life, "", q, p.soil_half_life, true);
        if (q.k != quantity::kind::value) p.soil_half_life = NAN;
      } else {
        d.key += "|hl-";
      }
    }
    if (m_.wetland_soil == "burial_rate" && ci.group == kernels::class_group::wetland) {
      if (!c.contains("burial_rate"))
        r_.fail(field + ".burial_rate", "missing: wetland_soil.remaining is burial_rate (write {\"notation\": \"NE\", "
                                        "\"reason\": ...} where the practice gives none)");
      optional_rate(c, ci, s, d, "burial_rate", set_field::burial, p.burial);
    }
    if (c.contains("volume_to_biomass")) volume_to_biomass(c.at("volume_to_biomass"), ci, s, d, field + ".volume_to_biomass");
    else d.key += "|v-";
    return true;
  }

  // Growing stock (m3/ha) to biomass: {"form": "linear", "a": N, "b": N, "output": "agb" |
  // "total_biomass", "source": ...} (a and b plain or uncertain), or {"form": "bcef_table",
  // "source": ...} through the class's BCEF_S table (above-ground biomass, IPCC Eq. 2.8).
  void volume_to_biomass(json const& j, class_info& ci, stratum const& s, draft& d, std::string const& f)
  {
    auto& p = d.p;
    if (!j.is_object()) r_.fail(f, "expected {\"form\": \"linear\" | \"bcef_table\", ...}");
    r_.only(j, f, {"form", "a", "b", "output"});
    if (p.form == kernels::agb_form::none) r_.fail(f, "a class without living biomass takes no growing stock");
    ci.volume_form = r_.text(j, "form", f);
    ci.volume_source = r_.text(j, "source", f);
    if (ci.volume_form == "linear") {
      p.vb_form = kernels::volume_form::linear;
      quantity const a = field_value(j, "a", f, s, 0, 10);
      quantity const b = field_value(j, "b", f, s, -1000, 1000);
      if (a.k != quantity::kind::value) r_.fail(f + ".a", "must be a number (NE or NA cannot convert a volume)");
      if (b.k != quantity::kind::value) r_.fail(f + ".b", "must be a number (NE or NA cannot convert a volume)");
      take(d, ci, set_field::vb_a, "", a, p.vb_a);
      take(d, ci, set_field::vb_b, "", b, p.vb_b);
      ci.volume_output = r_.text(j, "output", f);
      if (ci.volume_output == "total_biomass") p.vb_total = 1;
      else if (ci.volume_output != "agb")
        r_.fail(f + ".output", "expected agb or total_biomass (live trees with roots), got '" + ci.volume_output + "'");
    } else if (ci.volume_form == "bcef_table") {
      p.vb_form = kernels::volume_form::bcef_table;
      if (ci.bcef.empty()) r_.fail(f + ".form", "bcef_table needs the class's \"bcef\" table (IPCC 2006 Vol. 4 Table 4.5)");
      ci.volume_output = j.contains("output") ? r_.text(j, "output", f) : "agb";
      if (ci.volume_output != "agb") r_.fail(f + ".output", "BCEF_S gives above-ground biomass: expected agb");
    } else {
      r_.fail(f + ".form", "expected linear or bcef_table, got '" + ci.volume_form + "'");
    }
    d.key += "|v" + ci.volume_form + ci.volume_output;
  }

  void optional_rate(json const& c, class_info& ci, stratum const& s, draft& d, char const* key, set_field f,
                     float& target)
  {
    if (!c.contains(key)) {
      d.key += std::string("|") + key + "-";
      return;
    }
    quantity const q = field_value(c, key, "classes." + ci.name, s, 0, 100);
    take(d, ci, f, "", q, target, true);
    if (q.k != quantity::kind::value) target = NAN;
  }

  void build_tables()
  {
    json const& classes = j_.at("classes");
    auto t = std::make_shared<kernels::class_tables>();
    std::memset(t->set_of, kernels::no_param_set, sizeof t->set_of);
    std::memset(t->group_of, 0, sizeof t->group_of);
    std::map<std::string, int> set_by_key;
    std::vector<std::vector<std::pair<set_field, quantity>>> set_fields;
    int const ages = m_.has_ages ? kernels::age_classes : 1;
    for (auto& ci : m_.classes) {
      json const& c = classes.at(ci.name);
      t->group_of[ci.id] = static_cast<unsigned char>(ci.group);
      std::set<std::string> na_seen;
      for (auto const& z : m_.zones) {
        for (int age = 0; age < ages; ++age) {
          stratum s{z.name, z.soil_climate, z.ecological_zone,
                    m_.has_ages ? (age == 0 ? "young" : "old") : "", m_.soil_type};
          draft d;
          zone_ = z.name;
          if (!build_draft(c, ci, s, d)) {
            std::string const what = z.name + (m_.has_ages ? (age == 0 ? " / young" : " / old") : "");
            if (na_seen.insert(what).second) ci.not_available.push_back(what + ": " + d.not_available);
            continue;
          }
          auto [it, fresh] = set_by_key.try_emplace(d.key, int(set_fields.size()));
          if (fresh) {
            if (set_fields.size() >= std::size_t(kernels::max_param_sets))
              SINKMAP_FAIL(bad_input, r_.file + ": more than " + std::to_string(kernels::max_param_sets) +
                                        " distinct parameter sets (classes x zones x ages)");
            t->sets[set_fields.size()] = d.p;
            set_fields.push_back(std::move(d.fields));
          }
          int const set = it->second;
          for (int a = age; a < (m_.has_ages ? age + 1 : kernels::age_classes); ++a)
            t->set_of[ci.id][z.id][a] = static_cast<unsigned char>(set);
        }
      }
    }
    t->n_sets = int(set_fields.size());
    for (std::size_t s = 0; s < set_fields.size(); ++s)
      for (auto& [f, q] : set_fields[s]) m_.bindings.push_back({int(s), f, q});
    for (auto const& [id, sd] : residual_sd_)
      for (auto const& z : m_.zones)
        for (int a = 0; a < kernels::age_classes; ++a)
          if (t->set_of[id][z.id][a] != kernels::no_param_set) t->sets[t->set_of[id][z.id][a]].residual_sd = float(sd);
    m_.tables = t;
  }

  reader r_;
  json const& j_;
  model_choice choice_;
  parameter_library lib_;
  carbon_model m_;
  std::set<std::string> joined_;
  std::map<int, double> residual_sd_;
  std::string zone_;  // the zone whose draft is being built (for NE reporting)
};

}  // namespace

std::optional<int> carbon_model::class_id(std::string const& n) const
{
  for (auto const& c : classes)
    if (c.name == n) return c.id;
  return std::nullopt;
}

class_info const* carbon_model::find_class(int id) const
{
  for (auto const& c : classes)
    if (c.id == id) return &c;
  return nullptr;
}

std::string carbon_model::class_name(int id) const
{
  auto const* c = find_class(id);
  return c ? c->name : "none";
}

std::optional<int> carbon_model::zone_id(std::string const& n) const
{
  for (auto const& z : zones)
    if (z.name == n) return z.id;
  return std::nullopt;
}

std::string carbon_model::class_name_list() const
{
  std::string s;
  for (auto const& c : classes) s += (s.empty() ? "" : ", ") + c.name;
  return s;
}

std::string carbon_model::zone_name_list() const
{
  std::string s;
  for (auto const& z : zones) s += (s.empty() ? "" : ", ") + z.name;
  return s;
}

std::vector<std::string> carbon_model::flagged_parameters() const
{
  std::set<int> used;
  for (auto const& b : bindings)
    for (auto const& [p, e] : b.q.factors) used.insert(p);
  std::vector<std::string> out;
  for (int p : used) {
    auto const& u = parameters[std::size_t(p)];
    if (u.unverified || u.proxy)
      out.push_back(u.path + (u.unverified ? " (unverified)" : "") + (u.proxy ? " (proxy)" : ""));
  }
  return out;
}

std::string carbon_model::not_estimated_summary() const
{
  // Grouped by pool, reason and zones: "c_soil not estimated for water, bare: reason".
  std::map<std::tuple<std::string, std::string, std::string>, std::string> groups;
  for (auto const& c : classes)
    for (auto const& [pool, ne] : c.not_estimated) {
      std::string zones_text;
      if (ne.second.size() < this->zones.size())
        for (auto const& z : ne.second) zones_text += (zones_text.empty() ? "" : ", ") + z;
      auto& names = groups[{pool, ne.first, zones_text}];
      names += (names.empty() ? "" : ", ") + c.name;
    }
  std::string s;
  for (auto const& [key, names] : groups) {
    auto const& [pool, reason, zones_text] = key;
    s += (s.empty() ? "" : "; ") + pool + " not estimated for " + names +
         (zones_text.empty() ? "" : " in " + zones_text) + ": " + reason;
  }
  return s;
}

bool carbon_model::soil_estimated(class_info const& c) const
{
  auto it = c.not_estimated.find("c_soil");
  return it == c.not_estimated.end() || it->second.second.size() < zones.size();
}

std::vector<int> carbon_model::soil_depths() const
{
  std::set<int> d;
  for (auto const& c : classes)
    if (soil_estimated(c)) d.insert(int(c.soil_depth_cm));
  if (d.empty()) d.insert(int(soil_depth_cm));
  return {d.begin(), d.end()};
}

std::string carbon_model::soil_depth_summary() const
{
  auto const depths = soil_depths();
  if (depths.size() == 1) return "0-" + std::to_string(depths[0]) + " cm";
  std::string s;
  for (int d : depths) {
    std::string names;
    for (auto const& c : classes)
      if (int(c.soil_depth_cm) == d && soil_estimated(c)) names += (names.empty() ? "" : ", ") + c.name;
    s += (s.empty() ? "" : "; ") + ("0-" + std::to_string(d) + " cm (" + names + ")");
  }
  return s;
}

kernels::bcef_tables bcef_tables_of(carbon_model const& m)
{
  kernels::bcef_tables b{};
  for (auto const& ci : m.classes) {
    b.steps[ci.id] = static_cast<unsigned char>(ci.bcef.size());
    for (std::size_t k = 0; k < ci.bcef.size(); ++k) {
      b.below[ci.id][k] = float(ci.bcef[k].growing_stock_below);
      b.s[ci.id][k] = float(ci.bcef[k].bcef_s);
      b.r[ci.id][k] = float(ci.bcef[k].bcef_r);
      b.i[ci.id][k] = float(ci.bcef[k].bcef_i);
    }
  }
  return b;
}

void evaluate_tables(carbon_model const& m, std::vector<double> const& values,
                     kernels::class_tables& out)
{
  out = *m.tables;
  for (auto const& b : m.bindings) {
    auto& p = out.sets[b.set];
    float const v = float(b.q.at(values));
    switch (b.field) {
      case set_field::a: p.a = v; break;
      case set_field::b: p.b = v; break;
      case set_field::rs_ratio_0: p.rs_ratio[0] = v; break;
      case set_field::rs_ratio_1: p.rs_ratio[1] = v; break;
      case set_field::rs_ratio_2: p.rs_ratio[2] = v; break;
      case set_field::rs_ratio_3: p.rs_ratio[3] = v; break;
      case set_field::carbon_fraction: p.carbon_fraction = v; break;
      case set_field::dead_c: p.dead_c = v; break;
      case set_field::soil_c: p.soil_c = v; break;
      case set_field::growth: p.growth = v; break;
      case set_field::loss_fraction: p.loss_fraction = v; break;
      case set_field::soil_gain: p.soil_gain = v; break;
      case set_field::soil_loss: p.soil_loss = v; break;
      case set_field::burial: p.burial = v; break;
      case set_field::soil_half_life: p.soil_half_life = v; break;
      case set_field::vb_a: p.vb_a = v; break;
      case set_field::vb_b: p.vb_b = v; break;
    }
  }
}

void use_threshold_classifier(carbon_model& m, bool have_green)
{
  SINKMAP_EXPECTS(m.has_classifier, bad_input,
                  m.file + ": classifier: missing, and no --landcover was given (the model cannot "
                           "classify pixels from indices)");
  m.classifier.ndvi_output = index_slot(m.index_names, "NDVI");
  m.classifier.ndwi_output = have_green ? index_slot(m.index_names, "NDWI") : -1;
}

std::string resolve_model_path(std::string const& name_or_path)
{
  if (fs::exists(name_or_path)) {
    SINKMAP_EXPECTS(fs::is_regular_file(name_or_path), bad_input,
                    "--model: '" + name_or_path + "' is not a file");
    return name_or_path;
  }
  auto const shipped = fs::path(SINKMAP_MODELS_DIR) / "carbon" / (name_or_path + ".json");
  if (fs::exists(shipped)) return shipped.string();
  SINKMAP_FAIL(bad_input, "--model: no model file '" + name_or_path + "' (and no " + shipped.string() + ")");
}

std::string group_name(kernels::class_group g)
{
  using kernels::class_group;
  switch (g) {
    case class_group::forest: return "forest";
    case class_group::grassland: return "grassland";
    case class_group::cropland: return "cropland";
    case class_group::wetland: return "wetland";
    case class_group::settlement: return "settlement";
    case class_group::other: return "other";
    default: return "";
  }
}

std::string sha256_of_file(std::string const& path)
{
  std::ifstream f(path, std::ios::binary);
  SINKMAP_EXPECTS(f.good(), bad_input, "cannot read '" + path + "'");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  char buf[1 << 16];
  while (f) {
    f.read(buf, sizeof buf);
    if (f.gcount() > 0) EVP_DigestUpdate(ctx, buf, std::size_t(f.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static char const hex[] = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < len; ++i) {
    s += hex[md[i] >> 4];
    s += hex[md[i] & 15];
  }
  return s;
}

carbon_model load_carbon_model(std::string const& path, model_choice const& choice)
{
  json const j = read_json_file(path, "--model");
  SINKMAP_EXPECTS(j.is_object(), bad_input, path + ": expected a JSON object");
  carbon_model m;
  try {
    m = model_parser(path, j, choice).parse();
  } catch (json::exception const& e) {
    SINKMAP_FAIL(bad_input, path + ": " + std::string(e.what()));
  }
  m.sha256 = sha256_of_file(path);
  return m;
}

}  // namespace sinkmap::models
