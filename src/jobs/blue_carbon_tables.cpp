#include "jobs/blue_carbon_tables.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "core/parse_number.hpp"
#include "core/text.hpp"
#include "gdal/gdal_session.hpp"

#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>

namespace sinkmap::jobs {
namespace {

std::string lower_trim(std::string s)
{
  s = trim(s);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

blue_carbon_tables read_cbc_biophysical(std::string const& path, kernels::cbc_params& p)
{
  auto ds = io::open_text_csv(path, "biophysical table");
  OGRLayer* layer = ds->GetLayer(0);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  std::map<std::string, int> col;
  for (int f = 0; f < defn->GetFieldCount(); ++f) col[lower_trim(defn->GetFieldDefn(f)->GetNameRef())] = f;
  auto column = [&](std::string const& name) {
    auto it = col.find(name);
    SINKMAP_EXPECTS(it != col.end(), bad_input, path + " line 1: no column '" + name + "' (InVEST Coastal Blue Carbon's biophysical table)");
    return it->second;
  };
  std::memset(p.row_of_code, kernels::cbc_no_class, sizeof p.row_of_code);
  blue_carbon_tables t;
  char const* pools[3] = {"biomass", "soil", "litter"};
  char const* levels[3] = {"low", "med", "high"};
  int line = 1;
  for (auto const& feat : *layer) {
    ++line;
    std::string const where = path + " line " + std::to_string(line);
    auto number = [&](std::string const& name, double lo, double hi, char const* meaning) {
      std::string const text = trim(feat->GetFieldAsString(column(name)));
      SINKMAP_EXPECTS(!text.empty(), bad_input, where + ": " + name + " is empty");
      double const v = parse_double(text, where + " " + name);
      SINKMAP_EXPECTS(std::isfinite(v) && v >= lo && v <= hi, bad_input,
                      where + ": " + name + " " + text + " is not " + meaning);
      return v;
    };
    int const code = int(number("lucode", 0, 254, "a land-cover code (0 to 254)"));
    std::string const name = trim(feat->GetFieldAsString(column("lulc-class")));
    SINKMAP_EXPECTS(!name.empty(), bad_input, where + ": lulc-class is empty");
    SINKMAP_EXPECTS(t.lucodes.size() < std::size_t(kernels::max_cbc_classes), bad_input,
                    where + ": more than " + std::to_string(kernels::max_cbc_classes) + " classes");
    SINKMAP_EXPECTS(p.row_of_code[code] == kernels::cbc_no_class, bad_input,
                    where + ": lucode " + std::to_string(code) + " is given twice");
    for (auto const& n : t.class_names)
      SINKMAP_EXPECTS(lower_trim(n) != lower_trim(name), bad_input, where + ": lulc-class '" + name + "' is given twice");
    int const row = int(t.lucodes.size());
    auto& r = p.rows[row];
    for (int q = 0; q < 3; ++q) {
      r.initial[q] = float(number(std::string(pools[q]) + "-initial", 0, 1e6, "a stock (0 or more)"));
      r.accumulation[q] = float(number(std::string(pools[q]) + "-yearly-accumulation", -1e6, 1e6, "a yearly rate"));
    }
    for (int q = 0; q < 2; ++q) {
      r.half_life[q] = float(number(std::string(pools[q]) + "-half-life", 0, 1e6,
                                    "a half-life in years (0 or more; 0: the disturbed carbon is not emitted)"));
      for (int l = 0; l < 3; ++l)
        r.disturb[q][l] = float(number(std::string(pools[q]) + "-" + levels[l] + "-impact-disturb", 0, 1, "a fraction (0 to 1)"));
    }
    p.row_of_code[code] = static_cast<unsigned char>(row);
    t.lucodes.push_back(code);
    t.class_names.push_back(name);
    t.name_of_code[code] = name;
  }
  SINKMAP_EXPECTS(!t.lucodes.empty(), bad_input, path + ": no rows");
  return t;
}

void read_cbc_transitions(std::string const& path, blue_carbon_tables const& t, kernels::cbc_params& p)
{
  auto ds = io::open_text_csv(path, "transition matrix");
  std::memset(p.cell, kernels::cbc_ncc, sizeof p.cell);
  auto row_of = [&](std::string const& name) {
    for (std::size_t k = 0; k < t.class_names.size(); ++k)
      if (lower_trim(t.class_names[k]) == lower_trim(name)) return int(k);
    return -1;
  };
  std::string names;
  for (auto const& n : t.class_names) names += (names.empty() ? "" : ", ") + n;
  OGRLayer* layer = ds->GetLayer(0);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  SINKMAP_EXPECTS(defn->GetFieldCount() >= 2 && lower_trim(defn->GetFieldDefn(0)->GetNameRef()) == "lulc-class", bad_input,
                  path + " line 1: the first column must be lulc-class (the class a pixel leaves), the others the classes it becomes");
  std::vector<int> to(std::size_t(defn->GetFieldCount()), -1);
  for (int f = 1; f < defn->GetFieldCount(); ++f) {
    std::string const n = defn->GetFieldDefn(f)->GetNameRef();
    to[std::size_t(f)] = row_of(n);
    SINKMAP_EXPECTS(to[std::size_t(f)] >= 0, bad_input,
                    path + " line 1, column " + std::to_string(f + 1) + ": class '" + n +
                      "' is not in the biophysical table (" + names + ")");
  }
  int line = 1;
  for (auto const& feat : *layer) {
    ++line;
    std::string const where = path + " line " + std::to_string(line);
    std::string const from_name = trim(feat->GetFieldAsString(0));
    if (from_name.empty()) continue;  // InVEST's matrices end with a legend below a blank line
    int const from = row_of(from_name);
    SINKMAP_EXPECTS(from >= 0, bad_input, where + ": class '" + from_name + "' is not in the biophysical table (" + names + ")");
    for (int f = 1; f < defn->GetFieldCount(); ++f) {
      std::string const v = lower_trim(feat->GetFieldAsString(f));
      unsigned char c = kernels::cbc_ncc;
      if (v == "accum") c = kernels::cbc_accum;
      else if (v == "low-impact-disturb") c = kernels::cbc_low;
      else if (v == "med-impact-disturb") c = kernels::cbc_med;
      else if (v == "high-impact-disturb") c = kernels::cbc_high;
      else SINKMAP_EXPECTS(v.empty() || v == "ncc", bad_input,
                           where + ", column '" + defn->GetFieldDefn(f)->GetNameRef() + "': '" + v +
                             "' is not a transition (accum, low-impact-disturb, med-impact-disturb, high-impact-disturb, NCC or empty)");
      p.cell[from][to[std::size_t(f)]] = c;
    }
  }
}

}  // namespace sinkmap::jobs
