// Product metadata flattened to "GROUP.KEY" -> value, whatever the file format (Landsat MTL as
// ODL text, XML or JSON; Sentinel-2 XML), with lookups that name the file and field on failure.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace sinkmap::sensors {

class metadata_map {
 public:
  explicit metadata_map(std::string file) : file_(std::move(file)) {}

  void set(std::string const& group, std::string const& key, std::string value)
  {
    values_[group + "." + key] = std::move(value);
  }

  [[nodiscard]] std::optional<std::string> find(std::string const& group_key) const;
  /// Throws bad_input "FILE: missing field GROUP.KEY".
  [[nodiscard]] std::string text(std::string const& group_key) const;
  /// Throws bad_input "FILE: field GROUP.KEY: 'x' is not a number".
  [[nodiscard]] double number(std::string const& group_key) const;
  [[nodiscard]] std::string const& file() const { return file_; }

 private:
  std::string file_;
  std::map<std::string, std::string> values_;
};

/// Landsat MTL in any of its three encodings (chosen by extension: .txt, .xml, .json).
metadata_map read_mtl(std::string const& path);

/// Every element of an XML file with text content, keyed by its parent element's name.
/// Repeated elements keep the last value; use read_xml_list for lists.
metadata_map read_xml(std::string const& path);

}  // namespace sinkmap::sensors
