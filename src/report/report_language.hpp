// The report's language: English (the default) or Simplified Chinese for a county forestry
// bureau's filing (lang = "zh"). Fixed text is translated here; numbers are formatted the same
// way in both, so the two reports hold the same figures; class names come from the model's
// name_zh fields and IPCC category names from the land-use groups' Chinese names.
#pragma once

#include <map>
#include <string>

namespace sinkmap::report {

class report_language {
 public:
  /// "en" or "zh"; throws bad_input naming `option` for another code.
  explicit report_language(std::string code = "en", std::string const& option = "lang");

  [[nodiscard]] bool chinese() const { return code_ == "zh"; }
  [[nodiscard]] std::string const& code() const { return code_; }
  /// The <html lang> value: en or zh-CN.
  [[nodiscard]] std::string html_lang() const { return chinese() ? "zh-CN" : "en"; }
  /// The text in this language (the English text where no translation is kept: a gap the tests
  /// catch for every fixed string of the report).
  [[nodiscard]] std::string tr(std::string const& english) const;
  /// Whether a translation exists (tests).
  [[nodiscard]] static bool has_translation(std::string const& english);
  /// A class's name: the model's name_zh in Chinese where it has one.
  [[nodiscard]] std::string class_name(std::string const& cls) const;
  /// An IPCC category ("forest_remaining", "cropland_to_forest"): in Chinese 林地-林地 style.
  [[nodiscard]] std::string category_name(std::string const& category) const;

  /// Class name -> Chinese name (from the model).
  std::map<std::string, std::string> class_names_zh;
  /// Other texts of the model or a table in Chinese (a region's description), by English.
  std::map<std::string, std::string> texts_zh;

 private:
  std::string code_;
};

}  // namespace sinkmap::report
