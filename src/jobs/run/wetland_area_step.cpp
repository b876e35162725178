#include "jobs/run/wetland_area_step.hpp"

#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "inventory/wetland_area.hpp"
#include "io/scene.hpp"
#include "jobs/raster_stream.hpp"
#include "jobs/read_only_kernel.hpp"

#include <set>

namespace sinkmap::jobs {
using namespace sinkmap::zonal;

wetland_area_step measure_wetland_areas(run_context const& ctx, observed_years const& observed,
                                        accounted_years const& accounted)
{
  auto const& ar = accounted.result;
  wetland_area_step r;
  r.record.step = "wetland area";
  std::set<std::string> wetland_classes;
  for (auto const& [id, group] : ar.class_groups)
    if (group == "wetland") wetland_classes.insert(ar.class_names.at(id));
  std::vector<inventory> seen;
  for (auto const& map : observed.maps) {
    auto ds = io::open_raster(map, "observed stock");
    int const cb = io::band_named(*ds, "ecosystem_class");
    SINKMAP_EXPECTS(cb > 0, runtime_failure, map + ": no ecosystem_class band");
    zonal_accumulator acc(*ctx.zones, *ctx.areas);
    raster_stream_request q;
    q.planes = {{map, cb}, {map, cb}};  // the class as the value too: every classified pixel counts
    q.read_type = kernels::pixel_type::f32;
    q.grid = io::grid_of_file(map);
    q.run = ctx.run;
    q.run.quiet = true;
    q.run.device = pipeline::device_kind::cpu;
    q.label = "sinkmap wetland area";
    q.reducer = [&](int, pipeline::window const& w, float const* p) { acc.add_tile(w, p, p + w.pixels()); };
    run_raster_stream(q, read_only_kernel(2));
    seen.push_back(make_inventory(acc.table(), *ctx.zones, false, ar.class_names));
  }
  auto const wa = wetland_areas(seen, ctx.products.years, wetland_classes, ctx.cfg.wetland_area_change);
  r.record.manifest["wetland_area"] = {{"areas", wa.areas}, {"flagged_changes", wa.changes},
                                       {"threshold", ctx.cfg.wetland_area_change}};
  r.record.warnings = wa.warnings;
  for (auto const& a : wa.areas) r.areas.push_back({a["year"], a["zone"], a["wetland_ha"]});
  r.flags = wa.warnings;
  return r;
}

}  // namespace sinkmap::jobs
