#include "jobs/run/model_facts.hpp"

#include "core/error.hpp"
#include "jobs/carbon_inputs.hpp"
#include "models/carbon_model.hpp"

namespace sinkmap::jobs {

model_facts load_model_facts(run_config const& cfg, io::raster_grid const& grid)
{
  model_facts f;
  auto const model = models::load_carbon_model(models::resolve_model_path(cfg.carbon.model));
  f.soil_depths = model.soil_depths();
  f.soil_depth_summary = model.soil_depth_summary();
  f.wetland_soil = model.wetland_soil + (model.wetland_soil_reason.empty() ? "" : ": " + model.wetland_soil_reason);
  for (auto const& c : model.classes)
    if (!c.name_zh.empty()) f.class_names_zh[c.name] = c.name_zh;
  if (!model.region_description_zh.empty()) f.texts_zh[model.region_description] = model.region_description_zh;
  std::string table = cfg.statistics;
  if (table.empty() && cfg.statistics_check.value_or(true)) table = models::statistics_for_model(model.name);
  SINKMAP_EXPECTS(!cfg.statistics_check.value_or(false) || !table.empty(), bad_input,
                  cfg.file + ": statistics_check = true but no statistics table is shipped for model " + model.name +
                    ": name one with statistics = \"FILE.json\"");
  bool const inside = !region_warning(model, grid).has_value();
  // On where asked, where a table is named, or by default inside the model's region.
  bool const on = cfg.statistics_check.value_or(!cfg.statistics.empty() || inside);
  if (!table.empty() && on) f.statistics = models::load_forest_statistics(table);
  if (f.statistics && !f.statistics->region_zh.empty()) f.texts_zh[f.statistics->region] = f.statistics->region_zh;
  return f;
}

}  // namespace sinkmap::jobs
