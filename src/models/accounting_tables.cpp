#include "models/accounting_tables.hpp"

#include <algorithm>
#include <cmath>

namespace sinkmap::models {

std::vector<std::string> fill_accounting_tables(carbon_model const& m, kernels::class_tables const& t,
                                                kernels::accounting_params& p)
{
  using namespace kernels;
  std::vector<std::string> notes;
  for (int c = 0; c < max_classes; ++c) {
    p.grows_from_zero[c] = 0;
    p.coastal[c] = p.coastal_soil_rule[c] = p.restores[c] = 0;
    for (int z = 0; z < max_zones; ++z) {
      p.after_above[c][z] = 0.0f;
      p.after_below[c][z] = 0.0f;
      p.mature_agb[c][z] = INFINITY;
    }
  }
  // BCEF tables (Table 4.5) for wood removals given as volume.
  p.bcef = bcef_tables_of(m);
  // Coastal wetland soil rules (2013 Wetlands Supplement Ch. 4) and each class's soil depth.
  for (int c = 0; c < max_classes; ++c) {
    p.soil_depth[c] = float(m.soil_depth_cm);
    p.soil_estimated[c] = 0;
  }
  for (auto const& ci : m.classes) {
    // A class whose soil is not estimated has no pool, so no depth (NaN): a pool that enters it
    // keeps its own, and an empty one takes the depth of the next class that estimates one.
    p.soil_estimated[ci.id] = m.soil_estimated(ci) ? 1 : 0;
    p.soil_depth[ci.id] = p.soil_estimated[ci.id] ? float(ci.soil_depth_cm) : NAN;
    p.coastal[ci.id] = ci.coastal ? 1 : 0;
    p.coastal_soil_rule[ci.id] = ci.coastal_soil_rule;
    for (int z = 0; z < max_zones; ++z)
      for (int a = 0; a < age_classes; ++a) {
        int const s = param_set(t, ci.id, z, a);
        if (s >= 0 && std::isfinite(t.sets[s].soil_gain)) p.restores[ci.id] = 1;
      }
  }
  for (auto const& info : m.classes) {
    int const c = info.id;
    // Land converted to forest starts with no biomass at Tier 1 (IPCC 2006 Vol. 4 Sect. 4.3.1.2:
    // B_AFTER = 0), whether or not the model has a growth rate for it (without one it stays at 0
    // and is flagged); other classes start from 0 where they grow (perennial crops), per zone.
    bool const forest = info.group == class_group::forest;
    auto grows_in = [&](int z) {
      for (int a = 0; a < age_classes; ++a) {
        int const s = param_set(t, c, z, a);
        if (s >= 0 && std::isfinite(t.sets[s].growth) && t.sets[s].growth > 0.0f) return true;
      }
      return false;
    };
    bool any = forest;
    for (int z = 0; z < max_zones; ++z) any = any || grows_in(z);
    p.grows_from_zero[c] = any ? 1 : 0;
    for (int z = 0; z < max_zones; ++z) {
      bool const grows = forest || grows_in(z);
      float mature = -1.0f;
      bool imagery = false;
      float clamp = INFINITY;
      for (int a = 0; a < age_classes; ++a) {
        int const s = param_set(t, c, z, a);
        if (s < 0) continue;
        auto const& set = t.sets[s];
        if (set.form == agb_form::constant) mature = std::max(mature, set.a);
        else if (set.form != agb_form::none) {
          imagery = true;
          clamp = std::min(clamp, set.agb_max);
        }
      }
      if (grows) p.mature_agb[c][z] = imagery ? clamp : (mature >= 0.0f ? mature : INFINITY);
      if (grows) continue;  // B_AFTER = 0
      int const s = param_set(t, c, z, m.default_age);
      int const s_any = s >= 0 ? s : param_set(t, c, z, 1 - m.default_age);
      if (s_any < 0) continue;
      auto const& set = t.sets[s_any];
      if (set.form == agb_form::constant) {
        float const agb = set.a;
        p.after_above[c][z] = agb * set.carbon_fraction;
        p.after_below[c][z] = agb * root_to_shoot(set, agb) * set.carbon_fraction;
      } else if (set.form != agb_form::none) {
        notes.push_back("class " + info.name + " has an imagery biomass model and no growth rate: land converted to it "
                        "starts with no biomass (there is no Tier 1 stock to start from)");
      }
    }
  }
  std::sort(notes.begin(), notes.end());
  notes.erase(std::unique(notes.begin(), notes.end()), notes.end());
  return notes;
}

}  // namespace sinkmap::models
