#include "jobs/inventory_job.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "gdal/gdal_session.hpp"
#include "io/landcover.hpp"
#include "jobs/raster_stream.hpp"
#include "jobs/read_only_kernel.hpp"
#include "jobs/sink_inventory.hpp"
#include "jobs/montecarlo_job.hpp"

#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>

namespace sinkmap::jobs {

inventory run_inventory_job(inventory_job_options const& opt)
{
  SINKMAP_EXPECTS(!opt.output.empty(), bad_input, "no output given: pass -o inventory.csv");
  SINKMAP_EXPECTS(!opt.zones.empty() && !opt.zone_field.empty(), bad_input,
                  "pass --zones FILE and --zone-field FIELD");
  // Every output (CSV, JSON and GeoPackage beside it, transitions) checked before any is written.
  note_input(opt.map);
  note_input(opt.zones);
  for (auto const& out : inventory_outputs(opt.output)) check_output_target(out);
  if (!opt.transitions.empty())
    for (auto const& out : inventory_outputs(opt.transitions)) check_output_target(out, "--transitions");
  io::raster_grid const grid = io::grid_of_file(opt.map);
  auto map = io::open_raster(opt.map, "MAP");
  auto const with_uncertainty = [&](inventory& inv) {
    if (!opt.mc.active()) return;
    SINKMAP_EXPECTS(opt.carbon.landcover.empty(), bad_input,
                    "--uncertainty with --landcover: the Monte Carlo recomputes the map's own classes "
                    "(its ecosystem_class band); leave out --landcover");
    SINKMAP_EXPECTS(!inv.trend, bad_input, "--uncertainty: MAP '" + opt.map + "' is a trend map; run the "
                    "Monte Carlo on its stock maps");
    auto const t = uncertainty::run_map_montecarlo(opt.map, {opt.zones, opt.zone_field}, opt.carbon, opt.mc, opt.run);
    uncertainty::attach_uncertainty(inv, t);
  };
  if (io::band_named(*map, "sink_c") && io::band_named(*map, "gains_c")) {
    // A sink map of this sinkmap: gains, losses and transitions.
    auto si = run_sink_inventory(opt.map, opt.zones, opt.zone_field, opt.run);
    with_uncertainty(si.by_class);
    write_inventory(si.by_class, opt.output, opt.map, opt.zones, opt.zone_field);
    if (!opt.transitions.empty()) write_transitions(si.transitions, opt.transitions, opt.map, opt.zones);
    return si.by_class;
  }
  SINKMAP_EXPECTS(opt.transitions.empty(), bad_input,
                  "--transitions: MAP '" + opt.map + "' is not a sink map (no sink_c, gains_c bands)");
  int const slope_band = io::band_named(*map, "slope"), p_band = io::band_named(*map, "p_value");
  bool const trend = slope_band > 0 && p_band > 0;
  int band = trend ? slope_band : io::band_named(*map, "c_total");
  int const sink_band = io::band_named(*map, "sink_c");
  bool const sink = band == 0 && sink_band > 0;  // a sink map without flows (older or foreign)
  if (sink) band = sink_band;
  if (band == 0) {
    SINKMAP_EXPECTS(map->GetRasterCount() == 1, bad_input,
                    "MAP '" + opt.map + "' has no band named c_total, sink_c or slope");
    band = 1;
  }
  std::vector<io::band_source> planes = {{opt.map, band}};
  // The map's declared nodata is nodata (sinkmap's own maps use NaN).
  int has_nd = 0;
  double const map_nodata = map->GetRasterBand(band)->GetNoDataValue(&has_nd);
  bool const use_nodata = has_nd && !std::isnan(map_nodata);
  // Classes come from --landcover (codes through a crosswalk into the model's classes) or from
  // the stock map's own ecosystem_class band; without either, one row per zone.
  std::optional<models::code_lookup> lookup;
  std::map<int, std::string> class_names;
  if (!opt.carbon.landcover.empty()) {
    auto const m = load_model(opt.carbon);
    auto const cw = models::load_crosswalk(io::guess_crosswalk(opt.carbon.landcover, opt.carbon.crosswalk, m));
    lookup = models::class_lookup(cw, m);
    auto const lc = io::warp_codes(opt.carbon.landcover, "--landcover", grid,
                                   io::parse_landcover_resampling(opt.carbon.landcover_resampling), *lookup);
    io::check_codes(lc, opt.carbon.landcover, *lookup, "--landcover");
    planes.push_back(lc.source);
    class_names = class_names_of_model(m);
  } else if (trend) {
    planes.push_back({opt.map, p_band});
    class_names = {{1, "p<0.05"}, {2, "p>=0.05"}};
  } else if (int const class_band = io::band_named(*map, "ecosystem_class"); !sink && class_band) {
    planes.push_back({opt.map, class_band});
    class_names = class_names_of_map(opt.map);
  }
  bool const has_classes = planes.size() > 1;
  // A carbon stock cannot be negative: sinkmap's c_total band, or a foreign map whose unit is a
  // stock (Mg C / ha, not per year). Negative pixels there are refused, not summed.
  std::string const unit = map->GetRasterBand(band)->GetUnitType();
  bool const stock = !trend && !sink &&
                     (io::band_named(*map, "c_total") == band ||
                      (unit.find("Mg C") != std::string::npos && unit.find("yr") == std::string::npos));
  std::atomic<std::uint64_t> negative{0};

  io::zone_set const zones(opt.zones, opt.zone_field, grid);
  io::cell_area const areas(grid);
  zonal_accumulator acc(zones, areas);
  raster_stream_request r;
  r.planes = planes;
  r.read_type = kernels::pixel_type::f32;
  r.grid = grid;
  r.run = opt.run;
  r.run.device = pipeline::device_kind::cpu;  // a read-only pass: nothing to compute on a GPU
  r.label = "sinkmap inventory";
  r.reducer = [&](int, pipeline::window const& w, float const* p) {
    float const* classes = has_classes ? p + w.pixels() : nullptr;
    thread_local std::vector<float> values;
    if (use_nodata) {
      values.assign(p, p + w.pixels());
      float const nd = float(map_nodata);
      for (auto& v : values)
        if (v == nd) v = NAN;
      p = values.data();
    }
    thread_local std::vector<float> cls;
    if (trend) {  // significance as the class: 1 = p < 0.05, 2 otherwise
      cls.resize(w.pixels());
      for (std::size_t i = 0; i < w.pixels(); ++i) cls[i] = std::isnan(classes[i]) ? NAN : (classes[i] < 0.05f ? 1.0f : 2.0f);
      classes = cls.data();
    } else if (lookup) {
      cls.resize(w.pixels());
      for (std::size_t i = 0; i < w.pixels(); ++i) cls[i] = float(lookup->class_of(classes[i]));
      classes = cls.data();
    }
    if (stock) {
      std::uint64_t n = 0;
      for (std::size_t i = 0; i < w.pixels(); ++i) n += p[i] < 0.0f ? 1 : 0;
      negative += n;
    }
    acc.add_tile(w, p, classes);
  };
  run_raster_stream(r, read_only_kernel(int(planes.size())));
  check_impossible_pixels(acc.impossible(), opt.map);
  SINKMAP_EXPECTS(negative == 0, bad_input,
                  "MAP '" + opt.map + "' band " + std::to_string(band) + " is a carbon stock (" +
                    (unit.empty() ? std::string("c_total") : unit) + ") with " + std::to_string(negative.load()) +
                    " negative pixels: a stock cannot be negative, so the inventory would be wrong; fix the map or its model");
  auto inv = make_inventory(acc.table(), zones, sink, class_names);
  inv.warnings = zones.notes();
  inv.trend = trend;
  with_uncertainty(inv);
  write_inventory(inv, opt.output, opt.map, opt.zones, opt.zone_field);
  return inv;
}

}  // namespace sinkmap::jobs
