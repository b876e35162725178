#include "inventory/category_flows.hpp"

#include "core/text.hpp"
#include "io/atomic_output.hpp"
#include "io/run_staging.hpp"
#include "sinkmap/kernels/accounting_stage.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

namespace sinkmap::zonal {
namespace {

int code_of(float const* plane, std::size_t i)
{
  if (!plane) return -1;
  float const v = plane[i];
  return std::isnan(v) ? -1 : int(v);
}

std::string quote(std::string s)
{
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

void category_accumulator::add_tile(pipeline::window const& w, accounted_tile const& t, int const* zone_ids)
{
  thread_local std::vector<int> own_ids;
  if (!zone_ids) {
    zones_.rasterize(w, own_ids);
    zone_ids = own_ids.data();
  }
  std::map<std::tuple<int, int, int>, category_cell> cells;
  std::map<int, zone_checks> checks;
  std::uint64_t impossible = 0;
  for (int y = 0; y < w.h; ++y) {
    double const ha = areas_.hectares(w.y + y);
    for (int x = 0; x < w.w; ++x) {
      std::size_t const i = std::size_t(y) * w.w + x;
      int const zone = zone_ids[i];
      if (zone == 0) continue;
      float const* values[] = {t.net, t.gains, t.losses, t.biomass, t.dom, t.soil, t.stock_before, t.stock_after};
      bool bad = false;
      for (float const* v : values) bad |= v && carbon::impossible_value(v[i]);
      if (bad) {
        ++impossible;
        continue;
      }
      bool const mapped = !std::isnan(t.net[i]);
      int const cat = mapped ? code_of(t.category, i) : unmapped_class;
      int const cls = mapped ? code_of(t.class_after, i) : unmapped_class;
      auto& c = cells[{zone, cat, cls}];
      ++c.pixels;
      c.area_ha.add(ha);
      auto& z = checks[zone];
      if (t.pending && !std::isnan(t.pending[i])) z.pending_ha.add(ha);
      if (!mapped) continue;
      c.net.add(double(t.net[i]) * ha);
      c.gains.add(double(t.gains[i]) * ha);
      c.losses.add(double(t.losses[i]) * ha);
      c.biomass.add(double(t.biomass[i]) * ha);
      c.dom.add(double(t.dom[i]) * ha);
      c.soil.add(double(t.soil[i]) * ha);
      int const ev = code_of(t.events, i);
      if (ev > 0) {
        if (ev & kernels::event_conversion) z.converted_ha.add(ha);
        if (ev & kernels::event_disturbance) z.disturbed_ha.add(ha);
        if (ev & kernels::event_flicker) z.flicker_ha.add(ha);
        if (ev & kernels::event_no_rate) z.no_rate_ha.add(ha);
      }
      // Mass balance terms, per pixel over the interval (the fluxes are per year).
      z.stock_before.add(double(t.stock_before[i]) * ha);
      z.stock_after.add(double(t.stock_after[i]) * ha);
      z.pool_fluxes.add((double(t.biomass[i]) + double(t.dom[i]) + double(t.soil[i])) * years_ * ha);
      z.net_fluxes.add(double(t.net[i]) * years_ * ha);
    }
  }
  std::lock_guard lock(mutex_);
  impossible_ += impossible;
  for (auto const& [k, c] : cells) {
    auto& d = cells_[k];
    d.pixels += c.pixels;
    for (auto [a, b] : {std::pair{&d.area_ha, &c.area_ha}, {&d.net, &c.net}, {&d.gains, &c.gains},
                        {&d.losses, &c.losses}, {&d.biomass, &c.biomass}, {&d.dom, &c.dom}, {&d.soil, &c.soil}})
      a->add(*b);
  }
  for (auto const& [zone, c] : checks) {
    auto& d = checks_[zone];
    for (auto [a, b] : {std::pair{&d.converted_ha, &c.converted_ha}, {&d.disturbed_ha, &c.disturbed_ha},
                        {&d.flicker_ha, &c.flicker_ha}, {&d.pending_ha, &c.pending_ha}, {&d.no_rate_ha, &c.no_rate_ha},
                        {&d.stock_before, &c.stock_before}, {&d.stock_after, &c.stock_after},
                        {&d.pool_fluxes, &c.pool_fluxes}, {&d.net_fluxes, &c.net_fluxes}})
      a->add(*b);
  }
}

category_inventory make_category_inventory(category_accumulator const& acc, io::zone_set const& zones,
                                           std::map<int, std::string> const& class_names,
                                           std::string (*category_name)(int))
{
  auto class_name = [&](int id) {
    auto it = class_names.find(id);
    return it == class_names.end() ? std::string("none") : it->second;
  };
  category_inventory out;
  auto& inv = out.by_class;
  inv.sink = true;
  inv.flows = true;
  inv.categories = true;
  struct sums {
    std::uint64_t pixels = 0;
    carbon::exact_sum area, net, gains, losses, biomass, dom, soil;
    void add(category_cell const& c)
    {
      pixels += c.pixels;
      area.add(c.area_ha);
      net.add(c.net);
      gains.add(c.gains);
      losses.add(c.losses);
      biomass.add(c.biomass);
      dom.add(c.dom);
      soil.add(c.soil);
    }
  };
  auto row = [](std::string zone, std::string cat, std::string cls, sums const& s) {
    inventory_row r;
    r.zone = std::move(zone);
    r.category = std::move(cat);
    r.cls = std::move(cls);
    r.pixels = s.pixels;
    r.area_ha = s.area.value();
    r.total = s.net.value();
    r.co2e = r.total * 44.0 / 12.0;
    r.gains = s.gains.value();
    r.losses = s.losses.value();
    r.biomass = s.biomass.value();
    r.dom = s.dom.value();
    r.soil = s.soil.value();
    return r;
  };
  // The categories table holds the same sums as an inventory row, without the class.
  auto category_row_of = [&row](std::string zone, std::string cat, sums const& s) {
    inventory_row const r = row(std::move(zone), std::move(cat), "*", s);
    return category_row{r.zone, r.category, r.pixels, r.area_ha, r.gains, r.losses, r.total, r.biomass, r.dom, r.soil};
  };
  struct zone_sums {
    std::map<std::pair<std::string, std::string>, sums> rows;  // (category, class)
    std::map<std::string, sums> categories;
    sums unmapped, subtotal;
    double area_ha = 0;
  };
  std::map<std::string, zone_sums> by_zone;
  for (std::size_t z = 1; z <= zones.size(); ++z) by_zone[zones.name(int(z))].area_ha += zones.area_ha(int(z));
  std::map<std::string, sums> all_categories;
  sums all;
  for (auto const& [key, c] : acc.cells()) {
    auto const [zone, cat, cls] = key;
    auto& zs = by_zone[zones.name(zone)];
    if (cat == unmapped_class) {
      zs.unmapped.add(c);
      continue;
    }
    std::string const cname = category_name(cat);
    zs.rows[{cname, class_name(cls)}].add(c);
    zs.categories[cname].add(c);
    zs.subtotal.add(c);
    all_categories[cname].add(c);
    all.add(c);
  }
  for (auto const& [zone, zs] : by_zone) {
    for (auto const& [k, s] : zs.rows) inv.rows.push_back(row(zone, k.first, k.second, s));
    auto u = row(zone, "*", "unmapped", zs.unmapped);
    u.has_total = false;
    u.total = u.co2e = u.gains = u.losses = u.biomass = u.dom = u.soil = 0;
    inv.rows.push_back(u);
    inv.rows.push_back(row(zone, "*", "*", zs.subtotal));
    inv.coverage.push_back(make_zone_coverage(zone, zs.area_ha, zs.subtotal.area.value(), zs.unmapped.area.value()));
    for (auto const& [cat, s] : zs.categories) out.categories.push_back(category_row_of(zone, cat, s));
  }
  for (auto const& [cat, s] : all_categories) out.categories.push_back(category_row_of("*", cat, s));
  inv.total = row("*", "*", "*", all);

  zone_checks total;
  auto balance_row = [](std::string zone, zone_checks const& z) {
    mass_balance_row b;
    b.zone = std::move(zone);
    b.stock_before = z.stock_before.value();
    b.stock_after = z.stock_after.value();
    b.pool_fluxes = z.pool_fluxes.value();
    b.residual = (b.stock_after - b.stock_before) - b.pool_fluxes;
    b.relative = b.stock_before != 0 ? std::abs(b.residual) / std::abs(b.stock_before) : std::abs(b.residual);
    b.converted_ha = z.converted_ha.value();
    b.disturbed_ha = z.disturbed_ha.value();
    b.unconfirmed_ha = z.flicker_ha.value();
    b.pending_ha = z.pending_ha.value();
    b.no_rate_ha = z.no_rate_ha.value();
    return b;
  };
  std::map<std::string, zone_checks> named;
  for (auto const& [zone, z] : acc.checks()) {
    auto& d = named[zones.name(zone)];
    for (auto [a, b] : {std::pair{&d.converted_ha, &z.converted_ha}, {&d.disturbed_ha, &z.disturbed_ha},
                        {&d.flicker_ha, &z.flicker_ha}, {&d.pending_ha, &z.pending_ha}, {&d.no_rate_ha, &z.no_rate_ha},
                        {&d.stock_before, &z.stock_before}, {&d.stock_after, &z.stock_after},
                        {&d.pool_fluxes, &z.pool_fluxes}, {&d.net_fluxes, &z.net_fluxes}}) {
      a->add(*b);
    }
  }
  for (auto const& [zone, z] : named) {
    out.balance.push_back(balance_row(zone, z));
    for (auto [a, b] : {std::pair{&total.converted_ha, &z.converted_ha}, {&total.disturbed_ha, &z.disturbed_ha},
                        {&total.flicker_ha, &z.flicker_ha}, {&total.pending_ha, &z.pending_ha},
                        {&total.no_rate_ha, &z.no_rate_ha}, {&total.stock_before, &z.stock_before},
                        {&total.stock_after, &z.stock_after}, {&total.pool_fluxes, &z.pool_fluxes},
                        {&total.net_fluxes, &z.net_fluxes}})
      a->add(*b);
  }
  out.balance.push_back(balance_row("*", total));
  return out;
}

void write_category_table(category_inventory const& inv, std::string const& csv_path, std::string const& map,
                          std::string const& zones)
{
  std::string csv = "zone,ipcc_category,pixels,area_ha,gains_mgc_per_yr,losses_mgc_per_yr,sink_mgc_per_yr,"
                    "sink_co2e_t_per_yr,biomass_mgc_per_yr,dom_mgc_per_yr,soil_mgc_per_yr\n";
  nlohmann::json j;
  j["map"] = io::published_path(map);
  j["zones"] = zones;
  j["units"] = {{"area_ha", "ha"}, {"*_mgc_per_yr", "Mg C / yr (positive = uptake for sink, biomass, dom, soil)"},
                {"mass_balance", "Mg C over the interval"}};
  j["rows"] = nlohmann::json::array();
  for (auto const& r : inv.categories) {
    double const co2e = r.net * 44.0 / 12.0;
    csv += quote(r.zone) + "," + quote(r.category) + "," + std::to_string(r.pixels) + "," + fixed6(r.area_ha) + "," +
           fixed6(r.gains) + "," + fixed6(r.losses) + "," + fixed6(r.net) + "," + fixed6(co2e) + "," +
           fixed6(r.biomass) + "," + fixed6(r.dom) + "," + fixed6(r.soil) + "\n";
    j["rows"].push_back({{"zone", r.zone}, {"ipcc_category", r.category}, {"pixels", r.pixels},
                         {"area_ha", r.area_ha}, {"gains_mgc_per_yr", r.gains}, {"losses_mgc_per_yr", r.losses},
                         {"sink_mgc_per_yr", r.net}, {"sink_co2e_t_per_yr", co2e}, {"biomass_mgc_per_yr", r.biomass},
                         {"dom_mgc_per_yr", r.dom}, {"soil_mgc_per_yr", r.soil}});
  }
  j["mass_balance"] = nlohmann::json::array();
  for (auto const& b : inv.balance)
    j["mass_balance"].push_back({{"zone", b.zone}, {"stock_before_mgc", b.stock_before},
                                 {"stock_after_mgc", b.stock_after}, {"pool_fluxes_mgc", b.pool_fluxes},
                                 {"residual_mgc", b.residual}, {"relative_residual", b.relative},
                                 {"converted_ha", b.converted_ha}, {"disturbed_ha", b.disturbed_ha},
                                 {"unconfirmed_change_ha", b.unconfirmed_ha}, {"pending_change_ha", b.pending_ha},
                                 {"forest_without_growth_rate_ha", b.no_rate_ha}});
  std::filesystem::path json_path(csv_path);
  json_path.replace_extension(".json");
  io::write_text_atomically(csv_path, csv);
  io::write_text_atomically(json_path.string(), j.dump(2) + "\n");
}

}  // namespace sinkmap::zonal
