// A strict reader of one TOML table: every value is type- and range-checked, and a key the
// program does not know (a typo such as `maks = "fill"`) stops the run, naming the key, its line
// and the nearest known key. Errors are bad_input: "FILE line N: years[2].maks: unknown key".
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sinkmap::jobs {

class config_table {
 public:
  /// `where`: the table's name in messages ("", "grid", "years[2]"); `dir`: the folder relative
  /// paths are resolved against.
  config_table(std::string file, std::filesystem::path dir, toml::table const& t, std::string where);

  [[noreturn]] void fail(toml::node const* n, std::string const& key, std::string const& what) const;

  [[nodiscard]] bool has(std::string const& key) const { return t_.contains(key); }
  std::optional<std::string> text(std::string const& key);
  /// One of `allowed`.
  std::optional<std::string> choice(std::string const& key, std::vector<std::string> const& allowed);
  /// A file path, resolved against the config's folder.
  std::string path(std::string const& key, bool required = false);
  /// A string or a list of strings.
  std::vector<std::string> strings(std::string const& key);
  /// Like strings(), each resolved as a path.
  std::vector<std::string> paths(std::string const& key);
  std::optional<bool> boolean(std::string const& key);
  std::optional<std::int64_t> integer(std::string const& key, std::int64_t lo, std::int64_t hi);
  std::optional<double> number(std::string const& key, double lo, double hi);
  /// A list of exactly `n` numbers (n = 0: any length >= 1), each in [lo, hi].
  std::optional<std::vector<double>> numbers(std::string const& key, std::size_t n, double lo, double hi);
  /// A sub-table (e.g. [grid]); nullptr if absent.
  toml::table const* table(std::string const& key);
  /// An array of tables (e.g. [[years]]); nullptr if absent.
  toml::array const* tables(std::string const& key);
  /// Stops the run if the table holds a key no reader asked for.
  void finish() const;

  [[nodiscard]] std::string const& file() const { return file_; }
  [[nodiscard]] std::filesystem::path const& dir() const { return dir_; }
  [[nodiscard]] toml::table const& node() const { return t_; }

 private:
  toml::node const* get(std::string const& key);
  std::string name(std::string const& key) const { return where_.empty() ? key : where_ + "." + key; }

  std::string file_;
  std::filesystem::path dir_;
  toml::table const& t_;
  std::string where_;
  std::set<std::string> known_;
};

}  // namespace sinkmap::jobs
