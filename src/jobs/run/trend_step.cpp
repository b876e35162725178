#include "jobs/run/trend_step.hpp"

#include "inventory/zonal_inventory.hpp"
#include "io/overviews.hpp"
#include "jobs/trend_job.hpp"

#include <cmath>

namespace sinkmap::jobs {
using namespace sinkmap::zonal;

product_record stock_trend(run_context const& ctx, std::vector<std::string> const& stocks)
{
  auto const& cfg = ctx.cfg;
  product_record r;
  r.step = "trend";
  if (!cfg.trend) return r;
  if (stocks.size() < 3) {
    r.warnings.push_back("trend = true needs 3 or more years; this run has " + std::to_string(stocks.size()));
    return r;
  }
  std::string const span = run_products::tag(cfg.years.front().year) + "_" + run_products::tag(cfg.years.back().year);
  trend_job_options to;
  to.maps = stocks;
  for (auto const& y : cfg.years) to.years.push_back(y.year);
  to.output = ctx.out("trend_" + span + ".tif");
  to.output_options = ctx.output_options;
  to.run = ctx.run;
  zonal_accumulator trend_acc(*ctx.zones, *ctx.areas);
  to.reducer = [&](int, pipeline::window const& w, float const* planes) {
    std::size_t const n = w.pixels();
    thread_local std::vector<float> sig;
    sig.resize(n);
    for (std::size_t i = 0; i < n; ++i) sig[i] = std::isnan(planes[n + i]) ? NAN : (planes[n + i] < 0.05f ? 1.0f : 2.0f);
    trend_acc.add_tile(w, planes, sig.data());
  };
  run_trend_job(to);
  r.files.push_back(to.output);
  if (cfg.overviews && !ctx.output_options.cog) io::add_overviews(to.output, "AVERAGE");  // a COG has its own
  check_impossible_pixels(trend_acc.impossible(), to.output);
  auto tinv = make_inventory(trend_acc.table(), *ctx.zones, false, {{1, "p<0.05"}, {2, "p>=0.05"}});
  tinv.trend = true;
  std::string const csv = ctx.out("inventory_trend_" + span + ".csv");
  write_inventory(tinv, csv, to.output, cfg.zones, cfg.zone_field, cfg.lang);
  for (auto const& f : inventory_outputs(csv)) r.files.push_back(f);
  r.manifest["trend"] = {{"map", to.output}, {"inventory", csv}, {"total_slope_mgc_per_yr", tinv.total.total}};
  return r;
}

}  // namespace sinkmap::jobs
