#include "indices/index_catalog.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "indices/index_defaults.generated.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sinkmap::indices {
namespace {

using R = band_role;

struct formula_shape {
  index_id id;
  char const* name;
  std::vector<band_role> roles;
  std::vector<std::string> constants;  // must match the order index_formula<I> reads c[]
};

// Band roles and constant order are part of each formula (kernels/spectral_index.hpp);
// the values come from models/.
std::vector<formula_shape> const shapes = {
  {index_id::ndvi, "NDVI", {R::nir, R::red}, {}},
  {index_id::evi, "EVI", {R::nir, R::red, R::blue}, {"g", "C1", "C2", "L"}},
  {index_id::evi2, "EVI2", {R::nir, R::red}, {"g", "C1", "C2", "c", "L"}},
  {index_id::savi, "SAVI", {R::nir, R::red}, {"L"}},
  {index_id::msavi2, "MSAVI2", {R::nir, R::red}, {}},
  {index_id::ndwi, "NDWI", {R::green, R::nir}, {}},
  {index_id::mndwi, "MNDWI", {R::green, R::swir1}, {}},
  {index_id::ndmi, "NDMI", {R::nir, R::swir1}, {}},
  {index_id::nbr, "NBR", {R::nir, R::swir2}, {}},
  {index_id::gndvi, "GNDVI", {R::nir, R::green}, {}},
  {index_id::kndvi, "kNDVI", {R::nir, R::red}, {"sigma"}},
  {index_id::nirv, "NIRv", {R::nir, R::red}, {}},
};

std::vector<index_info> build()
{
  std::vector<index_info> out;
  for (auto const& s : shapes) {
    index_info info{s.id, s.name, s.roles, s.constants, {}, {}, {}, {}};
    for (auto const& d : generated::descriptions)
      if (info.name == d.index) {
        info.long_name = d.name;
        info.formula = d.formula;
        info.source = d.source;
      }
    if (info.source.empty())
      SINKMAP_FAIL(runtime_failure,
                   "models/spectral_indices.json has no entry for index " + info.name);
    for (auto const& cname : s.constants) {
      auto const* hit = std::find_if(
        std::begin(generated::default_constants), std::end(generated::default_constants),
        [&](auto const& c) { return info.name == c.index && cname == c.name; });
      if (hit == std::end(generated::default_constants))
        SINKMAP_FAIL(runtime_failure, "models/spectral_indices.json: index " + info.name +
                                        " lacks constant " + cname);
      info.defaults.push_back(static_cast<float>(hit->value));
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace

std::vector<index_info> const& all_indices()
{
  static std::vector<index_info> const catalog = build();
  return catalog;
}

index_info const& find_index(std::string_view name)
{
  for (auto const& i : all_indices())
    if (iequals(i.name, name)) return i;
  SINKMAP_FAIL(bad_input, "unknown index '" + std::string(name) + "' (known: " +
                            index_name_list() + ")");
}

std::string index_name_list()
{
  std::string s;
  for (auto const& i : all_indices()) s += (s.empty() ? "" : ", ") + i.name;
  return s;
}

}  // namespace sinkmap::indices
