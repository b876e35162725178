#include "models/crosswalk.hpp"

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "models/ecosystem_classes.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#ifndef SINKMAP_MODELS_DIR
#define SINKMAP_MODELS_DIR "models"
#endif

namespace sinkmap::models {

std::string crosswalk_names() { return "esa_worldcover, nlcd, clcd, glc_fcs30, rsgislib_aber"; }

crosswalk load_crosswalk(std::string const& name_or_path)
{
  std::string path = name_or_path;
  if (!std::filesystem::exists(path)) {
    auto const shipped =
      std::filesystem::path(SINKMAP_MODELS_DIR) / "crosswalks" / (name_or_path + ".json");
    SINKMAP_EXPECTS(std::filesystem::exists(shipped), bad_input,
                    "--crosswalk: no crosswalk '" + name_or_path + "' (shipped: " +
                      crosswalk_names() + ")");
    path = shipped.string();
  }
  std::ifstream f(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (nlohmann::json::exception const& e) {
    SINKMAP_FAIL(bad_input, path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  crosswalk c;
  c.file = path;
  c.name = j.value("name", path);
  c.lut.fill(kernels::unmapped_code);
  SINKMAP_EXPECTS(j.contains("codes") && j["codes"].is_object(), bad_input, path + ": codes: missing");
  for (auto const& [code_text, cls] : j["codes"].items()) {
    long const code = parse_int(code_text, path + ": codes");
    SINKMAP_EXPECTS(code >= 0 && code < kernels::landcover_codes, bad_input,
                    path + ": codes." + code_text + ": codes must be 0..255");
    SINKMAP_EXPECTS(cls.is_string(), bad_input, path + ": codes." + code_text + ": expected a class name");
    auto const id = parse_class(cls.get<std::string>());
    SINKMAP_EXPECTS(id.has_value(), bad_input,
                    path + ": codes." + code_text + ": unknown class '" + cls.get<std::string>() +
                      "' (known: " + class_name_list() + ")");
    c.lut[std::size_t(code)] = static_cast<unsigned char>(*id);
  }
  if (j.contains("nodata"))
    for (auto const& v : j["nodata"]) {
      int const code = v.get<int>();
      c.nodata.push_back(code);
      if (code >= 0 && code < kernels::landcover_codes) c.lut[std::size_t(code)] = 0;
    }
  return c;
}

}  // namespace sinkmap::models
