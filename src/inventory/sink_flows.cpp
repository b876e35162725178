#include "inventory/sink_flows.hpp"

#include "io/run_staging.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "io/atomic_output.hpp"
#include "gdal/gdal_session.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <unordered_map>

namespace sinkmap::zonal {
namespace {

int class_id(float const* c, std::size_t i)
{
  if (!c) return -1;
  float const v = c[i];
  return v > 0 && v < float(kernels::max_classes) ? int(v) : 0;
}

}  // namespace

void sink_accumulator::add_tile(pipeline::window const& w, float const* net, float const* gains,
                                float const* losses, float const* from, float const* to, int const* zone_ids)
{
  thread_local std::vector<int> own_ids;
  if (!zone_ids) {
    zones_.rasterize(w, own_ids);
    zone_ids = own_ids.data();
  }
  std::uint64_t impossible = 0;
  // Sparse cells keyed by (zone, from, to); neighbouring pixels mostly share a key, so the
  // last cell is kept at hand.
  std::unordered_map<std::uint64_t, flow_cell> cells;
  std::uint64_t last_key = ~0ull;
  flow_cell* last = nullptr;
  constexpr std::uint64_t span = kernels::max_classes + 3;
  for (int y = 0; y < w.h; ++y) {
    double const ha = areas_.hectares(w.y + y);
    for (int x = 0; x < w.w; ++x) {
      std::size_t const i = std::size_t(y) * w.w + x;
      int const zone = zone_ids[i];
      if (zone == 0) continue;
      if (carbon::impossible_value(net[i]) || (gains && carbon::impossible_value(gains[i])) ||
          (losses && carbon::impossible_value(losses[i]))) {
        ++impossible;
        continue;
      }
      bool const mapped = !std::isnan(net[i]);
      int const f = mapped ? class_id(from, i) : unmapped_class;
      int const t = mapped ? class_id(to, i) : unmapped_class;
      std::uint64_t const key = (std::uint64_t(zone) * span + std::uint64_t(f + 2)) * span + std::uint64_t(t + 2);
      if (key != last_key) {
        last = &cells[key];
        last_key = key;
      }
      ++last->pixels;
      last->area_ha.add(ha);
      if (!mapped) continue;
      last->net.add(double(net[i]) * ha);
      if (gains && !std::isnan(gains[i])) last->gains.add(double(gains[i]) * ha);
      if (losses && !std::isnan(losses[i])) last->losses.add(double(losses[i]) * ha);
    }
  }
  std::lock_guard lock(mutex_);
  impossible_ += impossible;
  for (auto const& [key, c] : cells) {
    int const t = int(key % span) - 2, f = int((key / span) % span) - 2, zone = int(key / span / span);
    auto& d = table_[{zone, f, t}];
    d.pixels += c.pixels;
    d.area_ha.add(c.area_ha);
    d.net.add(c.net);
    d.gains.add(c.gains);
    d.losses.add(c.losses);
  }
}

sink_inventory make_sink_inventory(flow_table const& t, io::zone_set const& zones,
                                   std::map<int, std::string> const& class_names)
{
  bool const has_classes = !class_names.empty();
  auto name_of = [&](int id) {
    if (id < 0) return std::string("all");
    auto it = class_names.find(id);
    return it == class_names.end() ? std::string("none") : it->second;
  };
  struct acc {
    std::uint64_t pixels = 0;
    carbon::exact_sum area, net, gains, losses;
    void add(flow_cell const& c)
    {
      pixels += c.pixels;
      area.add(c.area_ha);
      net.add(c.net);
      gains.add(c.gains);
      losses.add(c.losses);
    }
  };
  struct zone_acc {
    std::map<std::string, acc> classes;
    acc unmapped, subtotal;
    std::map<std::pair<std::string, std::string>, acc> transitions;
    double area_ha = 0;
  };
  std::map<std::string, zone_acc> by_zone;
  for (std::size_t z = 1; z <= zones.size(); ++z) by_zone[zones.name(int(z))].area_ha += zones.area_ha(int(z));
  acc all;
  for (auto const& [key, c] : t) {
    auto const [zone, from, to] = key;
    auto& za = by_zone[zones.name(zone)];
    if (from == unmapped_class) {
      za.unmapped.add(c);
      continue;
    }
    za.classes[has_classes ? name_of(to) : "all"].add(c);
    za.subtotal.add(c);
    all.add(c);
    if (has_classes) za.transitions[{name_of(from), name_of(to)}].add(c);
  }
  auto row = [](std::string z, std::string k, acc const& a) {
    inventory_row r;
    r.zone = std::move(z);
    r.cls = std::move(k);
    r.pixels = a.pixels;
    r.area_ha = a.area.value();
    r.total = a.net.value();
    r.co2e = r.total * 44.0 / 12.0;
    r.gains = a.gains.value();
    r.losses = a.losses.value();
    return r;
  };
  sink_inventory out;
  auto& inv = out.by_class;
  inv.sink = true;
  inv.flows = true;
  for (auto const& [zone, za] : by_zone) {
    for (auto const& [cls, a] : za.classes) inv.rows.push_back(row(zone, cls, a));
    auto u = row(zone, "unmapped", za.unmapped);
    u.has_total = false;
    u.total = u.co2e = u.gains = u.losses = 0;
    inv.rows.push_back(u);
    inv.rows.push_back(row(zone, "*", za.subtotal));
    inv.coverage.push_back(make_zone_coverage(zone, za.area_ha, za.subtotal.area.value(), za.unmapped.area.value()));
    for (auto const& [ft, a] : za.transitions) {
      transition_row tr;
      tr.zone = zone;
      tr.from = ft.first;
      tr.to = ft.second;
      tr.pixels = a.pixels;
      tr.area_ha = a.area.value();
      tr.net = a.net.value();
      tr.co2e = tr.net * 44.0 / 12.0;
      out.transitions.push_back(tr);
    }
  }
  inv.total = row("*", "*", all);
  return out;
}

void write_transitions(std::vector<transition_row> const& rows, std::string const& csv_path,
                       std::string const& map, std::string const& zones)
{
  auto const quote = [](std::string s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::string csv = "zone,from_class,to_class,pixels,area_ha,sink_mgc_per_yr,sink_co2e_t_per_yr\n";
  nlohmann::json j;
  j["map"] = io::published_path(map);
  j["zones"] = zones;
  j["units"] = {{"area_ha", "ha"}, {"sink_mgc_per_yr", "Mg C / yr"}, {"sink_co2e_t_per_yr", "t CO2e / yr"}};
  j["rows"] = nlohmann::json::array();
  for (auto const& r : rows) {
    csv += quote(r.zone) + "," + quote(r.from) + "," + quote(r.to) + "," + std::to_string(r.pixels) + "," +
           fixed6(r.area_ha) + "," + fixed6(r.net) + "," + fixed6(r.co2e) + "\n";
    j["rows"].push_back({{"zone", r.zone}, {"from_class", r.from}, {"to_class", r.to}, {"pixels", r.pixels},
                         {"area_ha", r.area_ha}, {"sink_mgc_per_yr", r.net}, {"sink_co2e_t_per_yr", r.co2e}});
  }
  std::filesystem::path json_path(csv_path);
  json_path.replace_extension(".json");
  io::write_text_atomically(csv_path, csv);
  io::write_text_atomically(json_path.string(), j.dump(2) + "\n");
}

}  // namespace sinkmap::zonal
