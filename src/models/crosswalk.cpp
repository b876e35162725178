#include "models/crosswalk.hpp"

#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/text.hpp"
#include "core/parse_number.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <cstdlib>
#include <fstream>

namespace sinkmap::models {

namespace fs = std::filesystem;

std::string resolve_crosswalk_path(std::string const& name_or_path, carbon_model const& m,
                                   std::string const& option)
{
  if (auto it = m.crosswalks.find(name_or_path); it != m.crosswalks.end()) return it->second;
  if (fs::exists(name_or_path)) return name_or_path;
  std::string names;
  for (auto const& [n, _] : m.crosswalks) names += (names.empty() ? "" : ", ") + n;
  SINKMAP_FAIL(bad_input, option + ": no crosswalk file '" + name_or_path + "' and model " + m.name +
                            " names no such crosswalk (its crosswalks: " +
                            (names.empty() ? std::string("none") : names) + ")");
}

crosswalk load_crosswalk(std::string const& path)
{
  nlohmann::json const j = read_json_file(path, "crosswalk");
  auto fail = [&](std::string const& field, std::string const& what) {
    SINKMAP_FAIL(bad_input, path + ": " + field + ": " + what);
  };
  SINKMAP_EXPECTS(j.is_object(), bad_input, path + ": expected a JSON object");
  crosswalk c;
  c.file = path;
  // Every key is known: a misspelt "code" or "nodta" would silently leave codes unmapped.
  static std::vector<std::string> const known = {"name", "kind", "source", "legend", "codes", "nodata",
                                                 "labels", "origins", "notes", "note", "description", "known_errors"};
  for (auto const& [k, _] : j.items())
    if (std::find(known.begin(), known.end(), k) == known.end()) fail(k, "unknown field" + did_you_mean(k, known));
  if (j.contains("name") && !j["name"].is_string()) fail("name", "expected a string, got " + j["name"].dump());
  c.name = j.value("name", path);
  if (j.contains("kind") && !j["kind"].is_string()) fail("kind", "expected a string");
  c.kind = j.value("kind", std::string("landcover"));
  if (c.kind != "landcover" && c.kind != "forest_type" && c.kind != "climate_zone")
    fail("kind", "'" + c.kind + "': expected landcover, forest_type or climate_zone");
  auto code_of = [&](std::string const& text, std::string const& field) {
    long const code = parse_int(text, path + ": " + field);
    if (code < 0 || code >= kernels::landcover_codes) fail(field + "." + text, "codes must be 0..255");
    return int(code);
  };
  if (!j.contains("codes") || !j["codes"].is_object()) fail("codes", "missing (an object of code: class)");
  for (auto const& [text, cls] : j["codes"].items()) {
    int const code = code_of(text, "codes");
    if (!cls.is_string()) fail("codes." + text, "expected a class name, got " + cls.dump());
    // "10" and "010" are one code: given twice, one class would win silently.
    if (c.codes.count(code)) fail("codes." + text, "code " + std::to_string(code) + " is given twice");
    c.codes[code] = cls.get<std::string>();
  }
  if (j.contains("nodata")) {
    if (!j["nodata"].is_array()) fail("nodata", "expected a list of codes");
    for (auto const& v : j["nodata"]) {
      if (!v.is_number_integer()) fail("nodata", "expected integer codes, got " + v.dump());
      int const code = v.get<int>();
      if (code < 0 || code >= kernels::landcover_codes) fail("nodata", std::to_string(code) + ": codes must be 0..255");
      if (c.codes.count(code)) fail("nodata", "code " + std::to_string(code) + " is also listed under codes");
      c.nodata.push_back(code);
    }
  }
  if (j.contains("legend")) {
    if (!j["legend"].is_object()) fail("legend", "expected an object of code: label");
    for (auto const& [text, label] : j["legend"].items()) {
      if (!label.is_string()) fail("legend." + text, "expected the product's label");
      c.legend[code_of(text, "legend")] = label.get<std::string>();
    }
  }
  if (j.contains("origins")) {
    if (!j["origins"].is_object()) fail("origins", "expected an object of label: planted | natural");
    for (auto const& [label, o] : j["origins"].items()) {
      if (!o.is_string() || (o != "planted" && o != "natural"))
        fail("origins." + label, "expected planted or natural, got " + o.dump());
      c.origins[label] = o.get<std::string>();
    }
  }
  if (j.contains("labels")) {
    if (!j["labels"].is_object()) fail("labels", "expected an object of label: class or {planted: class, natural: class}");
    for (auto const& [label, v] : j["labels"].items()) {
      if (v.is_string()) {
        c.labels[label]["*"] = v.get<std::string>();
        continue;
      }
      if (!v.is_object() || v.empty()) fail("labels." + label, "expected a class name or {\"planted\": class, \"natural\": class}");
      for (auto const& [origin, cls] : v.items()) {
        if (origin != "planted" && origin != "natural")
          fail("labels." + label + "." + origin, "expected planted or natural");
        if (!cls.is_string()) fail("labels." + label + "." + origin, "expected a class name, got " + cls.dump());
        c.labels[label][origin] = cls.get<std::string>();
      }
    }
  }
  return c;
}

std::string class_of_label(crosswalk const& cw, std::string const& type, std::string const& origin, std::string& why)
{
  why.clear();
  auto const l = cw.labels.find(type);
  if (l != cw.labels.end()) {
    if (auto const o = l->second.find(origin); !origin.empty() && o != l->second.end()) return o->second;
    if (auto const any = l->second.find("*"); any != l->second.end()) return any->second;
    why = origin.empty() ? "label '" + type + "' names a class per origin, and the inventory has no origin field"
                         : "label '" + type + "' has no class for origin " + origin;
    return "";
  }
  char* end = nullptr;
  long const code = std::strtol(type.c_str(), &end, 10);
  if (!type.empty() && end && *end == '\0' && cw.codes.count(int(code))) return cw.codes.at(int(code));
  why = "'" + type + "' is neither a code nor a label of crosswalk " + cw.file;
  return "";
}

namespace {

code_lookup empty_lookup(crosswalk const& cw)
{
  code_lookup l;
  l.lut.fill(kernels::unmapped_code);
  l.nodata = cw.nodata;
  l.file = cw.file;
  return l;
}

}  // namespace

code_lookup class_lookup(crosswalk const& cw, carbon_model const& m)
{
  SINKMAP_EXPECTS(cw.kind != "climate_zone", bad_input,
                  cw.file + ": a climate-zone crosswalk cannot map classes");
  code_lookup l = empty_lookup(cw);
  for (auto const& [code, name] : cw.codes) {
    auto const id = m.class_id(name);
    SINKMAP_EXPECTS(id.has_value(), bad_input,
                    cw.file + ": codes." + std::to_string(code) + ": class '" + name +
                      "' is not defined by model " + m.name + " (" + m.file + "; its classes: " +
                      m.class_name_list() + ")");
    l.lut[std::size_t(code)] = static_cast<unsigned char>(*id);
  }
  for (int code : cw.nodata) l.lut[std::size_t(code)] = 0;
  return l;
}

code_lookup zone_lookup(crosswalk const& cw, carbon_model const& m)
{
  SINKMAP_EXPECTS(cw.kind == "climate_zone", bad_input,
                  cw.file + ": kind: expected a climate_zone crosswalk for --climate-zone-map");
  code_lookup l = empty_lookup(cw);
  for (auto const& [code, name] : cw.codes) {
    auto const z = m.zone_id(name);
    SINKMAP_EXPECTS(z.has_value(), bad_input,
                    cw.file + ": codes." + std::to_string(code) + ": climate zone '" + name +
                      "' is not defined by model " + m.name + " (its zones: " + m.zone_name_list() + ")");
    l.lut[std::size_t(code)] = static_cast<unsigned char>(*z);
  }
  return l;
}

}  // namespace sinkmap::models
