#include "inventory/zonal_inventory.hpp"

#include "models/class_table.hpp"

#include "io/run_staging.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/input_registry.hpp"
#include "io/atomic_output.hpp"
#include "io/inventory_gpkg.hpp"
#include "inventory/soil_depths.hpp"
#include "gdal/gdal_session.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

namespace sinkmap::zonal {

void zonal_accumulator::add_tile(pipeline::window const& w, float const* values, float const* classes,
                                 int const* zone_ids)
{
  thread_local std::vector<carbon::zonal_cell> tile_cells_;
  std::uint64_t impossible = 0;
  thread_local std::vector<int> own_ids;
  if (!zone_ids) {
    zones_.rasterize(w, own_ids);
    zone_ids = own_ids.data();
  }
  // Dense (zone, class) cells for the tile: no map lookup per pixel. Class slot 0 = unmapped
  // (nodata), 1 = no class map, 2 + class id otherwise.
  int constexpr slots = kernels::max_classes + 2;
  std::size_t const cells = (zones_.size() + 1) * std::size_t(slots);
  if (tile_cells_.size() != cells) tile_cells_.assign(cells, {});
  // In a projected CRS every pixel has the same area: count pixels and add count x area once
  // (exactly what per-pixel adds of the same rounded area would give).
  bool const constant_area = !areas_.geographic();
  for (int y = 0; y < w.h; ++y) {
    double const ha = areas_.hectares(w.y + y);
    for (int x = 0; x < w.w; ++x) {
      std::size_t const i = std::size_t(y) * w.w + x;
      int const zone = zone_ids[i];
      float const v = values[i];
      if (zone == 0) continue;
      if (carbon::impossible_value(v)) {
        ++impossible;
        continue;
      }
      if (std::isnan(v)) {
        auto& u = tile_cells_[std::size_t(zone) * slots];
        ++u.pixels;
        if (!constant_area) u.area_ha.add(ha);
        continue;
      }
      float const cv = classes ? classes[i] : -1.0f;
      int const cls = !classes ? -1 : (cv > 0 && cv < float(kernels::max_classes) ? int(cv) : 0);
      auto& c = tile_cells_[std::size_t(zone) * slots + std::size_t(cls + 2)];
      ++c.pixels;
      if (!constant_area) c.area_ha.add(ha);
      c.total.add(double(v) * ha);
    }
  }
  carbon::zonal_table part;
  for (std::size_t k = 0; k < cells; ++k) {
    auto& c = tile_cells_[k];
    if (c.pixels == 0) continue;
    if (constant_area) c.area_ha.add_units(carbon::exact_sum::units(areas_.hectares(0)), c.pixels);
    part[{int(k / slots), int(k % slots) - 2}] = c;
    c = {};
  }
  std::lock_guard lock(mutex_);
  impossible_ += impossible;
  carbon::merge(table_, part);
}

zone_coverage make_zone_coverage(std::string const& zone, double zone_area_ha, double mapped_ha, double unmapped_ha)
{
  zone_coverage cov;
  cov.zone = zone;
  cov.zone_area_ha = zone_area_ha;
  cov.mapped_ha = mapped_ha;
  cov.unmapped_ha = unmapped_ha;
  cov.outside_ha = std::max(0.0, zone_area_ha - mapped_ha - unmapped_ha);
  double const denom = zone_area_ha > 0 ? std::max(zone_area_ha, mapped_ha + unmapped_ha) : mapped_ha + unmapped_ha;
  cov.mapped_fraction = denom > 0 ? std::min(1.0, mapped_ha / denom) : 0.0;
  return cov;
}

std::map<int, std::string> class_names_of_model(models::carbon_model const& m)
{
  std::map<int, std::string> out;
  for (auto const& c : m.classes) out[c.id] = c.name;
  return out;
}

std::map<int, std::string> class_names_of_map(std::string const& map)
{
  auto ds = io::open_raster(map, "MAP");
  int const b = io::band_named(*ds, "ecosystem_class");
  if (b == 0) return {};
  char const* classes = ds->GetRasterBand(b)->GetMetadataItem("classes");
  if (!classes) classes = ds->GetMetadataItem("SINKMAP_CLASSES");
  SINKMAP_EXPECTS(classes && *classes, bad_input,
                  "MAP '" + map + "': its ecosystem_class band does not name its classes "
                  "(no 'classes' metadata item); write it with this sinkmap or pass --landcover");
  return models::parse_class_table(classes);
}

inventory make_inventory(carbon::zonal_table const& t, io::zone_set const& zones, bool sink,
                         std::map<int, std::string> const& class_names)
{
  bool const has_classes = !class_names.empty();
  auto name_of = [&](int id) {
    auto it = class_names.find(id);
    return it == class_names.end() ? std::string("none") : it->second;
  };
  // Per zone name (features may share one): its class cells, unmapped cell and polygon area.
  struct zone_cells {
    std::map<std::string, carbon::zonal_cell> classes;
    carbon::zonal_cell unmapped, subtotal;
    double area_ha = 0;
  };
  std::map<std::string, zone_cells> by_zone;
  for (std::size_t z = 1; z <= zones.size(); ++z) by_zone[zones.name(int(z))].area_ha += zones.area_ha(int(z));
  carbon::zonal_cell all;
  auto add = [](carbon::zonal_cell& d, carbon::zonal_cell const& c) {
    d.pixels += c.pixels;
    d.area_ha.add(c.area_ha);
    d.total.add(c.total);
  };
  for (auto const& [key, c] : t) {
    auto& zc = by_zone[zones.name(key.first)];
    if (key.second == unmapped_class) {
      add(zc.unmapped, c);
      continue;
    }
    add(zc.classes[has_classes ? name_of(key.second) : "all"], c);
    add(zc.subtotal, c);
    add(all, c);
  }
  auto row = [](std::string z, std::string k, carbon::zonal_cell const& c) {
    inventory_row r;
    r.zone = std::move(z);
    r.cls = std::move(k);
    r.pixels = c.pixels;
    r.area_ha = c.area_ha.value();
    r.total = c.total.value();
    r.co2e = r.total * 44.0 / 12.0;
    return r;
  };
  inventory inv;
  inv.sink = sink;
  for (auto const& [zone, zc] : by_zone) {
    for (auto const& [cls, c] : zc.classes) inv.rows.push_back(row(zone, cls, c));
    auto u = row(zone, "unmapped", zc.unmapped);
    u.has_total = false;
    u.total = u.co2e = 0;
    inv.rows.push_back(u);
    inv.rows.push_back(row(zone, "*", zc.subtotal));
    inv.coverage.push_back(make_zone_coverage(zone, zc.area_ha, zc.subtotal.area_ha.value(), zc.unmapped.area_ha.value()));
  }
  inv.total = row("*", "*", all);
  return inv;
}

std::vector<std::string> coverage_warnings(inventory const& inv, std::string const& what)
{
  std::vector<std::string> out;
  for (auto const& c : inv.coverage)
    if (c.mapped_fraction < 0.9) {
      char buf[512];
      std::snprintf(buf, sizeof buf,
                    "%s: zone '%s' is only %.1f %% mapped (%.1f of %.1f ha; %.1f ha nodata in the "
                    "map, %.1f ha outside it): its totals cover part of the zone",
                    what.c_str(), c.zone.c_str(), 100 * c.mapped_fraction, c.mapped_ha,
                    c.zone_area_ha, c.unmapped_ha, c.outside_ha);
      out.push_back(buf);
    }
  return out;
}

std::vector<std::string> coverage_change_warnings(inventory const& a, inventory const& b,
                                                  std::string const& what)
{
  std::vector<std::string> out;
  for (auto const& ca : a.coverage)
    for (auto const& cb : b.coverage)
      if (ca.zone == cb.zone && std::abs(ca.mapped_fraction - cb.mapped_fraction) > 0.05) {
        char buf[512];
        std::snprintf(buf, sizeof buf,
                      "%s: zone '%s' is %.1f %% mapped in one year and %.1f %% in the other: the "
                      "stock totals compare different areas (the sink map itself uses only pixels "
                      "mapped in both years)",
                      what.c_str(), ca.zone.c_str(), 100 * ca.mapped_fraction, 100 * cb.mapped_fraction);
        out.push_back(buf);
      }
  return out;
}

std::vector<std::string> inventory_outputs(std::string const& csv_path)
{
  std::filesystem::path p(csv_path);
  std::vector<std::string> out = {csv_path};
  for (char const* ext : {".json", ".gpkg"}) out.push_back(std::filesystem::path(p).replace_extension(ext).string());
  return out;
}

void write_inventory(inventory const& inv, std::string const& csv_path, std::string const& map,
                     std::string const& zones, std::string const& zone_field, std::string const& lang)
{
  for (auto const& out : inventory_outputs(csv_path)) check_output_target(out);
  char const* tot = inv.trend ? "trend_mgc_per_yr" : inv.sink ? "sink_mgc_per_yr" : "carbon_mgc";
  char const* co2 = inv.trend ? "trend_co2e_t_per_yr" : inv.sink ? "sink_co2e_t_per_yr" : "co2e_t";
  // With a Monte Carlo, each carbon or sink column X gains X_mean, X_sd, X_p2_5, X_p97_5.
  bool const mc = !inv.total.mc.empty();
  struct column {
    std::string name;
    int acc;       // which Monte Carlo accumulator
    double scale;  // 1, or 44/12 for the CO2e columns
  };
  std::vector<column> cols;
  if (inv.flows) {
    cols.push_back({"gains_mgc_per_yr", 1, 1.0});
    cols.push_back({"losses_mgc_per_yr", 2, 1.0});
  }
  if (inv.categories) {  // no Monte Carlo accumulators: acc 3..5 read the pool split
    cols.push_back({"biomass_mgc_per_yr", 3, 1.0});
    cols.push_back({"dom_mgc_per_yr", 4, 1.0});
    cols.push_back({"soil_mgc_per_yr", 5, 1.0});
  }
  cols.push_back({tot, 0, 1.0});
  cols.push_back({co2, 0, 44.0 / 12.0});
  std::string csv = inv.categories ? "zone,ipcc_category,class,pixels,area_ha" : "zone,class,pixels,area_ha";
  bool const depths = !inv.soil_depths.empty();
  if (depths) csv += ",soil_depth_cm";
  for (auto const& c : cols) {
    csv += "," + c.name;
    if (mc) csv += "," + c.name + "_mean," + c.name + "_sd," + c.name + "_p2_5," + c.name + "_p97_5";
  }
  // Soil of each depth in its own column (a subtotal over mixed depths never adds them silently).
  auto const depth_column = [&](int d) {
    return std::string(inv.sink ? "soil_mgc_per_yr_0_" : "soil_mgc_0_") + std::to_string(d) + "cm";
  };
  for (int d : inv.soil_depths) csv += "," + depth_column(d);
  csv += "\n";
  nlohmann::json j;
  j["map"] = io::published_path(map);
  j["zones"] = zones;
  j["kind"] = inv.trend ? "trend" : inv.sink ? "sink" : "stock";
  j["units"] = {{"area_ha", "ha"},
                {tot, inv.sink || inv.trend ? "Mg C / yr" : "Mg C"},
                {co2, inv.sink || inv.trend ? "t CO2e / yr" : "t CO2e"}};
  if (inv.flows) {
    j["units"]["gains_mgc_per_yr"] = "Mg C / yr";
    j["units"]["losses_mgc_per_yr"] = "Mg C / yr";
  }
  if (inv.categories)
    for (char const* c : {"biomass_mgc_per_yr", "dom_mgc_per_yr", "soil_mgc_per_yr"})
      j["units"][c] = "Mg C / yr, net change of the pool (positive = uptake)";
  if (depths) {
    j["units"]["soil_depth_cm"] = "cm: depth of the row's soil pool; mixed: the row sums classes measured to different depths";
    for (int d : inv.soil_depths)
      j["units"][depth_column(d)] = std::string(inv.sink ? "Mg C / yr" : "Mg C") + " of soil measured to 0-" +
                                     std::to_string(d) + " cm (the classes of that depth)";
    j["soil_depth_note"] = "carbon_mgc and sink_mgc_per_yr add each class's soil to its own depth; the soil_mgc_0_Dcm "
                           "columns give the soil of each depth apart";
  }
  if (mc)
    j["uncertainty"] = {{"method", "Monte Carlo (IPCC 2006 Vol. 1 Ch. 3, Approach 2): X_mean, X_sd (sample SD) "
                                   "and X_p2_5, X_p97_5 (the 95 % interval) of the iteration totals; X is the "
                                   "deterministic value"},
                        {"iterations", inv.mc_iterations},
                        {"seed", inv.mc_seed},
                        {"notes", inv.notes},
                        {"warnings", inv.warnings}};
  if (inv.trend) {
    j["note"] = "totals are the Theil-Sen slope x area; class p<0.05 holds the pixels whose "
                "Mann-Kendall test is significant";
    j["significant_share"] = nlohmann::json::object();
    std::map<std::string, double> sig, all;
    for (auto const& r : inv.rows) {
      if (r.cls == "p<0.05") sig[r.zone] += r.area_ha;
      if (r.cls == "*") all[r.zone] += r.area_ha;
    }
    for (auto const& [z, a] : all) j["significant_share"][z] = a > 0 ? sig[z] / a : 0.0;
  }
  auto const quote = [](std::string s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  auto add = [&](inventory_row const& r) {
    csv += quote(r.zone) + "," + (inv.categories ? quote(r.category) + "," : "") + quote(r.cls) + "," +
           std::to_string(r.pixels) + "," + fixed6(r.area_ha);
    nlohmann::json jr = {{"zone", r.zone}};
    if (inv.categories) jr["ipcc_category"] = r.category;
    jr["class"] = r.cls;
    jr["pixels"] = r.pixels;
    jr["area_ha"] = r.area_ha;
    if (depths) {
      std::string const d = soil_depth_text(r);
      csv += "," + d;
      jr["soil_depth_cm"] = d.empty() ? nlohmann::json(nullptr) : nlohmann::json(d);  // text, as "mixed" is one
    }
    for (auto const& c : cols) {
      double const v = c.acc == 1   ? r.gains
                       : c.acc == 2 ? r.losses
                       : c.acc == 3 ? r.biomass
                       : c.acc == 4 ? r.dom
                       : c.acc == 5 ? r.soil
                                    : (c.scale == 1.0 ? r.total : r.co2e);
      csv += "," + (r.has_total ? fixed6(v) : "");
      jr[c.name] = r.has_total ? nlohmann::json(v) : nlohmann::json(nullptr);
      if (!mc) continue;
      bool const have = r.has_total && std::size_t(c.acc) < r.mc.size();
      uncertainty::mc_summary const m = have ? r.mc[std::size_t(c.acc)] : uncertainty::mc_summary{};
      double const q[4] = {m.mean * c.scale, m.sd * c.scale, m.p2_5 * c.scale, m.p97_5 * c.scale};
      char const* suffix[4] = {"_mean", "_sd", "_p2_5", "_p97_5"};
      for (int k = 0; k < 4; ++k) {
        csv += "," + (have ? fixed6(q[k]) : "");
        jr[c.name + suffix[k]] = have ? nlohmann::json(q[k]) : nlohmann::json(nullptr);
      }
    }
    for (int d : inv.soil_depths) {
      auto it = r.soil_by_depth.find(d);
      bool const have = it != r.soil_by_depth.end() && !std::isnan(it->second);  // NaN: mixed, not split
      csv += "," + (have ? fixed6(it->second) : "");
      jr[depth_column(d)] = have ? nlohmann::json(it->second) : nlohmann::json(nullptr);
    }
    csv += "\n";
    return jr;
  };
  for (auto const& r : inv.rows) j["rows"].push_back(add(r));
  j["total"] = add(inv.total);
  if (!j.contains("rows")) j["rows"] = nlohmann::json::array();
  j["coverage"] = nlohmann::json::array();
  for (auto const& c : inv.coverage)
    j["coverage"].push_back({{"zone", c.zone}, {"zone_area_ha", c.zone_area_ha}, {"mapped_ha", c.mapped_ha},
                             {"unmapped_ha", c.unmapped_ha}, {"outside_map_ha", c.outside_ha},
                             {"mapped_fraction", c.mapped_fraction}});
  std::filesystem::path json_path(csv_path);
  json_path.replace_extension(".json");
  io::write_text_atomically(csv_path, csv);
  io::write_text_atomically(json_path.string(), j.dump(2) + "\n");
  if (!zone_field.empty()) {
    std::filesystem::path gpkg(csv_path);
    gpkg.replace_extension(".gpkg");
    io::write_inventory_gpkg(gpkg.string(), j, zones, zone_field, lang);
  }
}

void check_impossible_pixels(std::uint64_t count, std::string const& map)
{
  SINKMAP_EXPECTS(count == 0, bad_input,
                  "'" + map + "' has " + std::to_string(count) + " pixels inside the zones that are infinite or beyond " +
                    "1e7 (no carbon density or flux is): an inventory cannot sum them; fix the map or its model");
}

}  // namespace sinkmap::zonal
