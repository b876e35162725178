#include "jobs/run/blue_carbon_step.hpp"

#include "core/error.hpp"
#include "inventory/zonal_inventory.hpp"
#include "jobs/blue_carbon_job.hpp"
#include "sinkmap/kernels/blue_carbon_stage.hpp"

namespace sinkmap::jobs {
using namespace sinkmap::zonal;

product_record coastal_blue_carbon(run_context const& ctx)
{
  auto const& cfg = ctx.cfg;
  product_record r;
  r.step = "coastal blue carbon";
  if (cfg.blue_carbon.biophysical.empty()) return r;
  blue_carbon_options bo;
  bo.biophysical = cfg.blue_carbon.biophysical;
  bo.transitions = cfg.blue_carbon.transitions;
  bo.analysis_year = cfg.blue_carbon.analysis_year;
  for (auto const& y : cfg.years) {
    SINKMAP_EXPECTS(!y.landcover.empty(), bad_input,
                    cfg.file + ": [coastal_blue_carbon] reads each year's land-cover map (the table's lucodes), and year " +
                      std::to_string(y.year) + " has none");
    bo.years.push_back(y.year);
    bo.snapshots.push_back(y.landcover);
  }
  bo.output = ctx.out("blue_carbon.tif");
  bo.output_options = ctx.output_options;
  bo.run = ctx.run;
  zonal_accumulator cbc_acc(*ctx.zones, *ctx.areas);
  int const planes_n = kernels::cbc_output_count(int(bo.years.size()));
  bo.reducer = [&](int, pipeline::window const& w, float const* planes) {
    cbc_acc.add_tile(w, planes + std::size_t(planes_n - 1) * w.pixels(), nullptr);
  };
  auto const br = run_blue_carbon_job(bo);
  r.files.push_back(bo.output);
  auto binv = make_inventory(cbc_acc.table(), *ctx.zones, true, {});
  nlohmann::json zones_json = nlohmann::json::array();
  for (auto const& row : binv.rows)
    if (row.cls == "*") zones_json.push_back({{"zone", row.zone}, {"area_ha", row.area_ha}, {"total_net_sequestration", row.total}});
  zones_json.push_back({{"zone", "*"}, {"area_ha", binv.total.area_ha}, {"total_net_sequestration", binv.total.total}});
  r.manifest["coastal_blue_carbon"] = {{"map", bo.output}, {"biophysical", bo.biophysical}, {"transitions", bo.transitions},
                                       {"analysis_year", br.analysis_year}, {"bands", br.band_names}, {"totals", br.totals},
                                       {"zones", zones_json},
                                       {"units", "the biophysical table's units x ha (InVEST converts none)"},
                                       {"method", "InVEST Coastal Blue Carbon as natcap/invest's code computes it (docs/blue-carbon.md)"}};
  if (br.not_in_table > 0)
    r.warnings.push_back("coastal blue carbon: " + std::to_string(br.not_in_table) +
                         " pixels are nodata in a year's map or hold a code the biophysical table lacks: no values there");
  return r;
}

}  // namespace sinkmap::jobs
