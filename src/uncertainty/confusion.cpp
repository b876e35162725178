#include "uncertainty/confusion.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "core/parse_number.hpp"
#include "core/text.hpp"
#include "gdal/gdal_session.hpp"

#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <array>
#include <cctype>
#include <filesystem>

namespace sinkmap::uncertainty {

confusion_matrix read_confusion(std::string const& path, models::carbon_model const& m,
                                std::optional<models::code_lookup> const& codes)
{
  auto ds = io::open_text_csv(path, "--landcover-confusion");
  OGRLayer* layer = ds->GetLayer(0);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  SINKMAP_EXPECTS(defn->GetFieldCount() >= 2, bad_input,
                  path + " line 1: expected a map-class column and one column per reference class");
  auto class_of = [&](std::string const& label, std::string const& where) {
    std::string const l = trim(label);
    bool const numeric = !l.empty() && std::all_of(l.begin(), l.end(), [](unsigned char c) { return std::isdigit(c); });
    if (numeric && codes) {
      long const code = parse_int(l, where);
      int const cls = codes->class_of(double(code));
      SINKMAP_EXPECTS(cls > 0, bad_input,
                      where + ": code " + l + " is not a class of crosswalk " + codes->file);
      return cls;
    }
    auto const id = m.class_id(l);
    SINKMAP_EXPECTS(id.has_value(), bad_input,
                    where + ": '" + l + "' is neither a class of model " + m.name +
                      (codes ? " nor a code of crosswalk " + codes->file : std::string()) +
                      " (classes: " + m.class_name_list() + ")");
    return *id;
  };
  std::vector<int> ref(std::size_t(defn->GetFieldCount()), 0);
  for (int f = 1; f < defn->GetFieldCount(); ++f) {
    std::string const where = path + " line 1 column " + std::to_string(f + 1);
    ref[std::size_t(f)] = class_of(defn->GetFieldDefn(f)->GetNameRef(), where);
    for (int g = 1; g < f; ++g)
      SINKMAP_EXPECTS(ref[std::size_t(g)] != ref[std::size_t(f)], bad_input,
                      where + ": reference class " + m.class_name(ref[std::size_t(f)]) + " is also column " +
                        std::to_string(g + 1));
  }
  double counts[kernels::max_classes][kernels::max_classes] = {};
  bool has_row[kernels::max_classes] = {};
  int line = 1;
  for (auto const& feat : *layer) {
    ++line;
    std::string const where = path + " line " + std::to_string(line);
    int const map_cls = class_of(feat->GetFieldAsString(0), where + " column 1");
    SINKMAP_EXPECTS(!has_row[map_cls], bad_input,
                    where + " column 1: the row of map class " + m.class_name(map_cls) + " is given twice");
    has_row[map_cls] = true;
    for (int f = 1; f < defn->GetFieldCount(); ++f) {
      std::string const text = trim(feat->GetFieldAsString(f));
      SINKMAP_EXPECTS(!text.empty(), bad_input, where + " column " + std::to_string(f + 1) + ": missing count");
      double const n = parse_double(text, where + " column " + std::to_string(f + 1));
      SINKMAP_EXPECTS(n >= 0, bad_input, where + " column " + std::to_string(f + 1) + ": a count cannot be negative");
      // Counts are samples or pixels: beyond 1e12 (or not finite) the proportions lose their
      // precision in the CDF, and no accuracy assessment has that many.
      SINKMAP_EXPECTS(std::isfinite(n) && n <= 1e12, bad_input,
                      where + " column " + std::to_string(f + 1) + ": " + text + " is not a count (0 to 1e12)");
      counts[map_cls][ref[std::size_t(f)]] += n;
    }
  }
  SINKMAP_EXPECTS(line > 1, bad_input, path + ": no rows after the header (a map class per row with its counts)");
  confusion_matrix out{};
  for (int c = 0; c < kernels::max_classes; ++c) {
    double total = 0;
    for (int k = 0; k < kernels::max_classes; ++k) total += counts[c][k];
    SINKMAP_EXPECTS(!has_row[c] || total > 0, bad_input,
                    path + ": the row of class " + m.class_name(c) + " has no count");
    int last = c;  // the last class with a count: the CDF is exactly 1 from there on
    if (has_row[c])
      for (int k = 0; k < kernels::max_classes; ++k)
        if (counts[c][k] > 0) last = k;
    double run = 0;
    for (int k = 0; k < kernels::max_classes; ++k) {
      if (has_row[c]) run += counts[c][k] / total;
      else run = k >= c ? 1.0 : 0.0;  // no row: the map class is taken as true
      out.cdf[c][k] = k >= last ? 1.0f : float(run);
    }
  }
  return out;
}

}  // namespace sinkmap::uncertainty
