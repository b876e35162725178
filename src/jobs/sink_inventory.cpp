#include "jobs/sink_inventory.hpp"

#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "jobs/carbon_inputs.hpp"
#include "jobs/raster_stream.hpp"
#include "jobs/read_only_kernel.hpp"

#include <cmath>
#include <unordered_map>

namespace sinkmap::jobs {
namespace {

// The sink map's bands this pass reads, in plane order: named once, used by name.
enum sink_plane { sp_sink, sp_gains, sp_losses, sp_class_from, sp_class_to, sink_planes };
constexpr char const* sink_plane_names[sink_planes] = {"sink_c", "gains_c", "losses_c", "class_from", "class_to"};

}  // namespace

sink_inventory run_sink_inventory(std::string const& map, std::string const& zones_file,
                                  std::string const& zone_field, run_settings const& run)
{
  io::raster_grid const grid = io::grid_of_file(map);
  auto ds = io::open_raster(map, "MAP");
  std::vector<io::band_source> planes;
  for (auto const* name : sink_plane_names) {
    int const b = io::band_named(*ds, name);
    SINKMAP_EXPECTS(b > 0, bad_input, "MAP '" + map + "' has no band " + name);
    planes.push_back({map, b});
  }
  std::map<int, std::string> names;
  if (char const* c = ds->GetRasterBand(io::band_named(*ds, "class_to"))->GetMetadataItem("classes"); c && *c)
    names = parse_class_table(c);
  io::zone_set const zones(zones_file, zone_field, grid);
  io::cell_area const areas(grid);
  sink_accumulator acc(zones, areas);
  raster_stream_request r;
  r.planes = planes;
  r.read_type = kernels::pixel_type::f32;
  r.grid = grid;
  r.run = run;
  r.run.device = pipeline::device_kind::cpu;
  r.label = "sinkmap inventory";
  r.reducer = [&](int, pipeline::window const& w, float const* p) {
    auto plane = [&](sink_plane k) { return p + std::size_t(k) * w.pixels(); };
    acc.add_tile(w, plane(sp_sink), plane(sp_gains), plane(sp_losses), names.empty() ? nullptr : plane(sp_class_from),
                 names.empty() ? nullptr : plane(sp_class_to));
  };
  run_raster_stream(r, read_only_kernel(int(planes.size())));
  check_impossible_pixels(acc.impossible(), map);
  auto si = make_sink_inventory(acc.table(), zones, names);
  si.by_class.warnings = zones.notes();
  return si;
}

}  // namespace sinkmap::jobs
