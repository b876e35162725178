#include "jobs/config_table.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cmath>

namespace sinkmap::jobs {
namespace {

std::string number_text(double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

config_table::config_table(std::string file, std::filesystem::path dir, toml::table const& t,
                           std::string where)
  : file_(std::move(file)), dir_(std::move(dir)), t_(t), where_(std::move(where))
{
}

void config_table::fail(toml::node const* n, std::string const& key, std::string const& what) const
{
  std::string w = file_;
  if (n && n->source().begin.line > 0) w += " line " + std::to_string(n->source().begin.line);
  SINKMAP_FAIL(bad_input, w + ": " + name(key) + ": " + what);
}

toml::node const* config_table::get(std::string const& key)
{
  known_.insert(key);
  return t_.get(key);
}

std::optional<std::string> config_table::text(std::string const& key)
{
  auto const* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_string()) fail(n, key, "expected a string");
  auto v = n->value<std::string>();
  // A NUL would cut the string short in every C API the text reaches (GDAL, open()).
  if (v && v->find('\0') != std::string::npos) fail(n, key, "contains a NUL character");
  return v;
}

std::optional<std::string> config_table::choice(std::string const& key, std::vector<std::string> const& allowed)
{
  auto v = text(key);
  if (v && std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    std::string list;
    for (auto const& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(t_.get(key), key, "'" + *v + "' is not one of " + list);
  }
  return v;
}

std::string config_table::path(std::string const& key, bool required)
{
  auto v = text(key);
  if (!v) {
    if (required) fail(&t_, key, "missing");
    return "";
  }
  if (v->empty()) fail(t_.get(key), key, "empty path");
  std::filesystem::path p(*v);
  std::string const resolved = (p.is_absolute() ? p : dir_ / p).lexically_normal().string();
  note_input(resolved);  // no output of the run may be written over a file the config names
  return resolved;
}

std::vector<std::string> config_table::strings(std::string const& key)
{
  std::vector<std::string> out;
  auto const* n = get(key);
  if (!n) return out;
  if (auto const* a = n->as_array()) {
    for (auto const& e : *a) {
      if (!e.is_string()) fail(&e, key, "expected strings");
      out.push_back(*e.value<std::string>());
    }
  } else if (n->is_string()) {
    out.push_back(*n->value<std::string>());
  } else {
    fail(n, key, "expected a string or a list of strings");
  }
  return out;
}

std::vector<std::string> config_table::paths(std::string const& key)
{
  std::vector<std::string> out;
  for (auto const& s : strings(key)) {
    std::filesystem::path p(s);
    out.push_back((p.is_absolute() ? p : dir_ / p).lexically_normal().string());
    note_input(out.back());
  }
  return out;
}

std::optional<bool> config_table::boolean(std::string const& key)
{
  auto const* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) fail(n, key, "expected true or false");
  return n->value<bool>();
}

std::optional<std::int64_t> config_table::integer(std::string const& key, std::int64_t lo, std::int64_t hi)
{
  auto const* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_integer()) fail(n, key, "expected an integer");
  std::int64_t const v = *n->value<std::int64_t>();
  if (v < lo || v > hi)
    fail(n, key, std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

std::optional<double> config_table::number(std::string const& key, double lo, double hi)
{
  auto const* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_number()) fail(n, key, "expected a number");
  double const v = n->is_integer() ? double(*n->value<std::int64_t>()) : *n->value<double>();
  if (!std::isfinite(v) || v < lo || v > hi)
    fail(n, key, number_text(v) + " is out of range [" + number_text(lo) + ", " + number_text(hi) + "]");
  return v;
}

std::optional<std::vector<double>> config_table::numbers(std::string const& key, std::size_t n_want,
                                                        double lo, double hi)
{
  auto const* n = get(key);
  if (!n) return std::nullopt;
  auto const* a = n->as_array();
  if (!a || (n_want > 0 && a->size() != n_want) || a->empty())
    fail(n, key, n_want ? "expected a list of " + std::to_string(n_want) + " numbers" : "expected a list of numbers");
  std::vector<double> out;
  for (auto const& e : *a) {
    if (!e.is_number()) fail(&e, key, "expected numbers");
    double const v = e.is_integer() ? double(*e.value<std::int64_t>()) : *e.value<double>();
    if (!std::isfinite(v) || v < lo || v > hi)
      fail(&e, key, number_text(v) + " is out of range [" + number_text(lo) + ", " + number_text(hi) + "]");
    out.push_back(v);
  }
  return out;
}

toml::table const* config_table::table(std::string const& key)
{
  auto const* n = get(key);
  if (!n) return nullptr;
  auto const* t = n->as_table();
  if (!t) fail(n, key, "expected a table [" + name(key) + "]");
  return t;
}

toml::array const* config_table::tables(std::string const& key)
{
  auto const* n = get(key);
  if (!n) return nullptr;
  auto const* a = n->as_array();
  if (!a) fail(n, key, "expected [[" + name(key) + "]] tables");
  for (auto const& e : *a)
    if (!e.is_table()) fail(&e, key, "expected [[" + name(key) + "]] tables");
  return a;
}

void config_table::finish() const
{
  for (auto const& [k, v] : t_) {
    std::string const key(k.str());
    if (known_.count(key)) continue;
    fail(&v, key, "unknown key" + did_you_mean(key, known_) + "; docs/run-config.md lists every key");
  }
}

}  // namespace sinkmap::jobs
