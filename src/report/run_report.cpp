#include "report/run_report.hpp"

#include "io/atomic_output.hpp"
#include "io/provenance.hpp"
#include "report/html.hpp"
#include "report/map_figure.hpp"
#include "report/report_language.hpp"
#include "report/warning_translation.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <set>
#include <sstream>

namespace sinkmap::report {
namespace {

std::string interval(zonal::inventory_row const& r, std::size_t acc, int digits)
{
  if (r.mc.size() <= acc || !std::isfinite(r.mc[acc].p2_5)) return "";
  return number(r.mc[acc].p2_5, digits) + " &ndash; " + number(r.mc[acc].p97_5, digits);
}

std::vector<std::string> const palette = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                                          "#a6761d", "#666666", "#1f78b4", "#b2df8a", "#fb9a99", "#cab2d6"};

std::string zone_of(zonal::inventory const& inv, std::string const& zone, std::string const& cls,
                    zonal::inventory_row const** out)
{
  for (auto const& r : inv.rows)
    if (r.zone == zone && r.cls == cls) {
      *out = &r;
      return r.zone;
    }
  *out = nullptr;
  return "";
}

}  // namespace

void write_run_report(run_report const& r, std::string const& path)
{
  report_language lang(r.lang);
  lang.class_names_zh = r.class_names_zh;
  lang.texts_zh = r.texts_zh;
  auto T = [&](std::string const& en) { return lang.tr(en); };
  // A warning or check line: in Chinese through the warning catalogue; a sentence it does not
  // know stays in English and says so.
  auto say = [&](std::string const& en) {
    if (!lang.chinese()) return en;
    auto const t = warning_in_chinese(en, lang);
    return t.complete ? t.text : t.text + "（部分为英文原文，尚无译文）";
  };
  bool const mc = std::any_of(r.years.begin(), r.years.end(), [](auto const& y) { return !y.inventory.total.mc.empty(); });
  std::ostringstream h;
  std::time_t const now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  h << "<!doctype html>\n<html lang=\"" << lang.html_lang() << "\"><head><meta charset=\"utf-8\"><title>" << escape_html(r.title)
    << "</title>\n<style>\n"
    << "@page{size:A4;margin:14mm}\n"
    // Chinese glyphs from Noto Sans CJK (Debian fonts-noto-cjk), else the platform's CJK fonts.
    << "body{font-family:'Noto Sans','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','Microsoft YaHei',"
       "'PingFang SC',sans-serif;font-size:10.5pt;max-width:182mm;"
       "margin:0 auto;color:#111}\n"
    << "h1{font-size:17pt;margin-bottom:2mm}h2{font-size:13pt;border-bottom:1px solid #999;margin-top:7mm}"
       "h3{font-size:11pt}\n"
    << "table{border-collapse:collapse;margin:2mm 0;font-size:9pt}td,th{border:1px solid #bbb;padding:1.2mm 2mm;"
       "text-align:right}th{background:#eee}td.l,th.l{text-align:left}\n"
    << "figure{margin:3mm 0;page-break-inside:avoid}svg{max-width:100%;height:auto}.warn{color:#8a4b00}\n"
    << "code{font-size:8.5pt;word-break:break-all}\n</style></head><body>\n";
  h << "<h1>" << escape_html(r.title) << "</h1>\n<p>";
  if (lang.chinese())
    h << "本报告由 " << escape_html(io::sinkmap_version()) << " 于 " << date << " 根据 <code>" << escape_html(r.config)
      << "</code> 生成；统计分区 <code>" << escape_html(r.zones_file) << "</code>（字段 <code>" << escape_html(r.zone_field)
      << "</code>）。";
  else
    h << "Made by " << escape_html(io::sinkmap_version()) << " on " << date << " from <code>" << escape_html(r.config)
      << "</code>; zones <code>" << escape_html(r.zones_file) << "</code> (field <code>" << escape_html(r.zone_field)
      << "</code>). ";
  h << T("Stocks in Mg C (t of carbon), sinks in Mg C per year, positive = uptake; CO<sub>2</sub> = C &times; 44/12.")
    << (mc ? " " + T("Intervals are 95 % Monte Carlo intervals (IPCC 2006 Vol. 1 Ch. 3, Approach 2).") : "") << "</p>\n";

  // Totals.
  h << "<h2>" << T("Totals") << "</h2>\n<table><tr><th class=\"l\">" << T("map") << "</th><th>" << T("total") << "</th>"
    << (mc ? "<th>" + T("95 % interval") + "</th>" : "") << "<th>" << T("CO<sub>2</sub>e (t)") << "</th><th>"
    << T("area (ha)") << "</th></tr>\n";
  for (auto const& y : r.years)
    h << "<tr><td class=\"l\">" << (lang.chinese() ? std::to_string(y.year) + " 年" + T("stock") : "stock " + std::to_string(y.year))
      << " " << T("(Mg C)") << "</td><td>" << number(y.inventory.total.total, 0) << "</td>"
      << (mc ? "<td>" + interval(y.inventory.total, 0, 0) + "</td>" : "") << "<td>" << number(y.inventory.total.co2e, 0)
      << "</td><td>" << number(y.inventory.total.area_ha, 1) << "</td></tr>\n";
  for (auto const& s : r.sinks)
    h << "<tr><td class=\"l\">" << (lang.chinese() ? "" : "sink ") << s.from << "&ndash;" << s.to
      << (lang.chinese() ? " 年" + T("sink") : "") << " " << T("(Mg C/yr)") << "</td><td>"
      << number(s.inventory.total.total, 1) << "</td>"
      << (mc ? "<td>" + interval(s.inventory.total, 0, 1) + "</td>" : "") << "<td>" << number(s.inventory.total.co2e, 1)
      << "</td><td>" << number(s.inventory.total.area_ha, 1) << "</td></tr>\n";
  h << "</table>\n";

  if (!r.checks.empty()) {
    h << "<h2>" << T("Check against the forest inventory") << "</h2>\n<ul>\n";
    for (auto const& c : r.checks) h << "<li>" << escape_html(say(c)) << "</li>\n";
    h << "</ul>\n";
  }

  // Warnings.
  h << "<h2>" << T("Warnings") << "</h2>\n";
  if (r.warnings.empty()) h << "<p>" << T("None.") << "</p>\n";
  else {
    h << "<ul>\n";
    for (auto const& w : r.warnings) h << "<li class=\"warn\">" << escape_html(say(w)) << "</li>\n";
    h << "</ul>\n";
  }

  // Maps.
  h << "<h2>" << T("Maps") << "</h2>\n";
  std::vector<report_year const*> shown;
  if (!r.years.empty()) shown.push_back(&r.years.front());
  if (r.years.size() > 1) shown.push_back(&r.years.back());
  for (auto const* y : shown)
    h << "<figure>" << svg_map({y->stock, y->stock_band, map_colours::sequential,
                                T("Carbon stock") + " " + std::to_string(y->year) + " (c_total)", T("Mg C/ha"), r.zones_file,
                                r.zone_field, {}})
      << "</figure>\n";
  if (!r.years.empty() && !r.years.back().classes.empty())
    h << "<figure>" << svg_map({r.years.back().classes, 1, map_colours::classes,
                                T("Ecosystem classes") + " " + std::to_string(r.years.back().year), "", r.zones_file,
                                r.zone_field, {}})
      << "</figure>\n";
  for (auto const& s : r.sinks)
    h << "<figure>" << svg_map({s.map, 1, map_colours::diverging,
                                T("Carbon sink") + " " + std::to_string(s.from) + "-" + std::to_string(s.to) + " " + T("(+ = uptake)"),
                                T("Mg C/ha/yr"), r.zones_file, r.zone_field, {}})
      << "</figure>\n";

  // Charts: stock per year by class; sink per zone with the interval.
  std::vector<std::string> classes;
  for (auto const& y : r.years)
    for (auto const& row : y.inventory.rows)
      if (row.cls != "*" && row.cls != "unmapped" && row.has_total &&
          std::find(classes.begin(), classes.end(), row.cls) == classes.end())
        classes.push_back(row.cls);
  bar_chart stock_chart;
  stock_chart.title = T("Total carbon stock by year and class");
  stock_chart.y_label = T("Mg C");
  for (auto const& c : classes) stock_chart.series.push_back(lang.class_name(c));
  for (std::size_t k = 0; k < classes.size(); ++k) stock_chart.colours.push_back(palette[k % palette.size()]);
  for (auto const& y : r.years) {
    bar b;
    b.label = std::to_string(y.year);
    b.values.assign(classes.size(), 0.0);
    for (auto const& row : y.inventory.rows) {
      auto it = std::find(classes.begin(), classes.end(), row.cls);
      if (it != classes.end() && row.has_total) b.values[std::size_t(it - classes.begin())] += row.total;
    }
    if (!y.inventory.total.mc.empty()) {
      b.lo = y.inventory.total.mc[0].p2_5;
      b.hi = y.inventory.total.mc[0].p97_5;
    }
    stock_chart.bars.push_back(b);
  }
  h << "<h2>" << T("Charts") << "</h2>\n<figure>" << svg_bar_chart(stock_chart) << "</figure>\n";
  for (auto const& s : r.sinks) {
    bar_chart c;
    c.title = T("Carbon sink") + " " + std::to_string(s.from) + "-" + std::to_string(s.to) + " " + T("by zone") +
              (mc ? " " + T("(bars: 95 % interval)") : "");
    c.y_label = T("Mg C / yr");
    c.series = {T("net sink")};
    c.colours = {"#01665e"};
    for (auto const& row : s.inventory.rows) {
      if (row.cls != "*") continue;
      bar b;
      b.label = row.zone;
      b.values = {row.total};
      if (!row.mc.empty()) {
        b.lo = row.mc[0].p2_5;
        b.hi = row.mc[0].p97_5;
      }
      c.bars.push_back(b);
    }
    h << "<figure>" << svg_bar_chart(c) << "</figure>\n";
  }

  // Ecosystems of the last year, summed over the zones: the wetland rows beside the forest ones,
  // each class's soil depth named (the totals add soils of different depths only as stated).
  if (!r.years.empty()) {
    struct eco {
      double area = 0, carbon = 0;
      std::string depth;
    };
    std::map<std::string, eco> by_class;
    for (auto const& row : r.years.back().inventory.rows) {
      if (row.cls == "*" || row.cls == "unmapped" || !row.has_total) continue;
      auto& e = by_class[row.cls];
      e.area += row.area_ha;
      e.carbon += row.total;
      if (!row.soil_by_depth.empty()) e.depth = "0-" + std::to_string(row.soil_by_depth.begin()->first) + " cm";
    }
    h << "<h2>" << T("Ecosystems") << " " << r.years.back().year << "</h2>\n<table><tr><th class=\"l\">" << T("class")
      << "</th><th>" << T("area (ha)") << "</th><th>" << T("carbon (Mg C)") << "</th><th class=\"l\">" << T("soil depth")
      << "</th></tr>\n";
    for (auto const& [cls, e] : by_class)
      h << "<tr><td class=\"l\">" << escape_html(lang.class_name(cls)) << "</td><td>" << number(e.area, 1) << "</td><td>"
        << number(e.carbon, 1) << "</td><td class=\"l\">" << (e.depth.empty() ? T("not estimated") : e.depth) << "</td></tr>\n";
    h << "</table>\n";
    if (!r.soil_depths.empty())
      h << "<p>" << T("Soil carbon is measured to each class's own depth:") << " " << escape_html(r.soil_depths) << ". "
        << T("Totals over classes of different depths add them as stated, and the inventories give the soil of each depth "
             "in its own column (soil_mgc_0_30cm, soil_mgc_0_100cm).")
        << "</p>\n";
    if (!r.wetland_rule.empty())
      h << "<p>" << T("Wetlands that remain wetlands:") << " " << escape_html(r.wetland_rule)
        << (r.wetland_rule.back() == '.' ? "" : ".") << "</p>\n";
  }
  if (!r.wetland_areas.empty()) {
    std::vector<int> ys;
    std::vector<std::string> zs;
    std::map<std::pair<std::string, int>, double> ha;
    for (auto const& w : r.wetland_areas) {
      if (std::find(ys.begin(), ys.end(), w.year) == ys.end()) ys.push_back(w.year);
      if (std::find(zs.begin(), zs.end(), w.zone) == zs.end()) zs.push_back(w.zone);
      ha[{w.zone, w.year}] = w.ha;
    }
    h << "<h3>" << T("Wetland area (ha)") << "</h3>\n<table><tr><th class=\"l\">" << T("zone") << "</th>";
    for (int y : ys) h << "<th>" << y << "</th>";
    h << "</tr>\n";
    for (auto const& z : zs) {
      h << "<tr><td class=\"l\">" << escape_html(z == "*" ? T("all zones") : z) << "</td>";
      for (int y : ys) h << "<td>" << number(ha[{z, y}], 1) << "</td>";
      h << "</tr>\n";
    }
    h << "</table>\n";
    for (auto const& f : r.wetland_flags) h << "<p class=\"warn\">" << escape_html(say(f)) << "</p>\n";
  }

  if (!r.inventory_agreement.empty()) {
    h << "<h3>" << T("Forest inventory and land cover (ha)") << "</h3>\n<p>" << escape_html(r.inventory_note) << ". "
      << T("Inside the inventory's polygons, forest pixels take the polygon's type, age and growing stock; polygon area the "
           "map does not call forest keeps the map's class; the map's forest outside every polygon keeps the land-cover "
           "defaults.")
      << "</p>\n<table><tr><th class=\"l\">" << T("zone") << "</th><th>" << T("forest in both") << "</th><th>"
      << T("inventory forest, not forest on the map") << "</th><th>" << T("map forest outside the inventory")
      << "</th></tr>\n";
    for (auto const& a : r.inventory_agreement)
      h << "<tr><td class=\"l\">" << escape_html(a.zone == "*" ? T("all zones") : a.zone) << "</td><td>" << number(a.both_ha, 1)
        << "</td><td>" << number(a.inventory_only_ha, 1) << "</td><td>" << number(a.landcover_only_ha, 1) << "</td></tr>\n";
    h << "</table>\n";
  }

  // Per-zone tables.
  std::vector<std::string> zones;
  for (auto const& y : r.years)
    for (auto const& row : y.inventory.rows)
      if (std::find(zones.begin(), zones.end(), row.zone) == zones.end()) zones.push_back(row.zone);
  h << "<h2>" << T("Zones") << "</h2>\n<h3>" << T("Stock (Mg C) and coverage") << "</h3>\n<table><tr><th class=\"l\">"
    << T("zone") << "</th>";
  for (auto const& y : r.years) h << "<th>" << y.year << "</th>" << (mc ? "<th>" + T("95 % interval") + "</th>" : "");
  h << "<th>" << T("mapped (last year)") << "</th></tr>\n";
  for (auto const& z : zones) {
    h << "<tr><td class=\"l\">" << escape_html(z) << "</td>";
    for (auto const& y : r.years) {
      zonal::inventory_row const* row = nullptr;
      zone_of(y.inventory, z, "*", &row);
      h << "<td>" << (row ? number(row->total, 0) : "") << "</td>"
        << (mc ? "<td>" + (row ? interval(*row, 0, 0) : std::string()) + "</td>" : "");
    }
    double frac = NAN;
    if (!r.years.empty())
      for (auto const& c : r.years.back().inventory.coverage)
        if (c.zone == z) frac = c.mapped_fraction;
    h << "<td>" << number(100 * frac, 1) << " %</td></tr>\n";
  }
  h << "</table>\n";
  for (auto const& s : r.sinks) {
    h << "<h3>" << T("Sink") << " " << s.from << "&ndash;" << s.to << " " << T("(Mg C/yr)") << "</h3>\n<table><tr><th class=\"l\">"
      << T("zone") << "</th><th>" << T("gains") << "</th><th>" << T("losses") << "</th><th>" << T("net") << "</th>"
      << (mc ? "<th>" + T("95 % interval") + "</th>" : "") << "<th>" << T("area (ha)") << "</th></tr>\n";
    for (auto const& row : s.inventory.rows)
      if (row.cls == "*")
        h << "<tr><td class=\"l\">" << escape_html(row.zone) << "</td><td>" << number(row.gains, 1) << "</td><td>"
          << number(row.losses, 1) << "</td><td>" << number(row.total, 1) << "</td>"
          << (mc ? "<td>" + interval(row, 0, 1) + "</td>" : "") << "<td>" << number(row.area_ha, 1) << "</td></tr>\n";
    h << "</table>\n";
    if (!s.categories.empty()) {
      // The table a county bureau files: IPCC land categories, gains, losses, net and the pools.
      h << "<table><tr><th class=\"l\">" << T("zone") << "</th><th class=\"l\">" << T("IPCC category") << "</th><th>"
        << T("area (ha)") << "</th><th>" << T("gains") << "</th><th>" << T("losses") << "</th><th>" << T("net") << "</th><th>"
        << T("biomass") << "</th><th>" << T("dead organic matter") << "</th><th>" << T("soil") << "</th></tr>\n";
      for (auto const& c : s.categories)
        h << "<tr><td class=\"l\">" << escape_html(c.zone == "*" ? T("all zones") : c.zone) << "</td><td class=\"l\">"
          << escape_html(lang.category_name(c.category)) << "</td><td>" << number(c.area_ha, 1) << "</td><td>" << number(c.gains, 2)
          << "</td><td>" << number(c.losses, 2) << "</td><td>" << number(c.net, 2) << "</td><td>"
          << number(c.biomass, 2) << "</td><td>" << number(c.dom, 2) << "</td><td>" << number(c.soil, 2)
          << "</td></tr>\n";
      h << "</table><p>"
        << T("IPCC 2006 Vol. 4 land categories (Mg C/yr; X_to_Y: converted within the transition period). Net = biomass + "
             "dead organic matter + soil.")
        << "</p>\n";
    }
    for (auto const& b : s.balance)
      if (b.zone == "*")
        h << "<p>" << T("Mass balance") << " " << s.from << "&ndash;" << s.to << ": " << T("stock") << " "
          << number(b.stock_before, 1) << " &rarr; " << number(b.stock_after, 1) << " " << T("Mg C") << " (" << T("change")
          << " " << number(b.stock_after - b.stock_before, 2) << "), " << T("fluxes") << " " << number(b.pool_fluxes, 2)
          << " " << T("Mg C") << ", " << T("residual") << " " << number(b.residual, 6) << " " << T("Mg C") << ". "
          << T("Class changes booked on") << " " << number(b.converted_ha, 1) << " " << T("ha") << ", " << T("disturbances on")
          << " " << number(b.disturbed_ha, 1) << " " << T("ha") << "; " << T("not booked (reverted)") << " "
          << number(b.unconfirmed_ha, 1) << " " << T("ha") << ", " << T("still pending") << " " << number(b.pending_ha, 1)
          << " " << T("ha") << ".</p>\n";
    // The largest transitions (by area) per zone.
    std::vector<zonal::transition_row> t;
    for (auto const& x : s.transitions)
      if (x.from != x.to) t.push_back(x);
    std::sort(t.begin(), t.end(), [](auto const& a, auto const& b) { return a.area_ha > b.area_ha; });
    if (t.size() > 12) t.resize(12);
    if (!t.empty()) {
      h << "<table><tr><th class=\"l\">" << T("zone") << "</th><th class=\"l\">" << T("from") << "</th><th class=\"l\">"
        << T("to") << "</th><th>" << T("area (ha)") << "</th><th>" << T("sink (Mg C/yr)") << "</th></tr>\n";
      for (auto const& x : t)
        h << "<tr><td class=\"l\">" << escape_html(x.zone) << "</td><td class=\"l\">" << escape_html(lang.class_name(x.from))
          << "</td><td class=\"l\">" << escape_html(lang.class_name(x.to)) << "</td><td>" << number(x.area_ha, 1) << "</td><td>"
          << number(x.net, 2) << "</td></tr>\n";
      h << "</table><p>" << T("Class changes with the largest areas (all of them in the transitions CSV).") << "</p>\n";
    }
  }

  // Provenance and files.
  h << "<h2>" << T("Provenance") << "</h2>\n<table>";
  for (auto const& [k, v] : r.provenance)
    h << "<tr><td class=\"l\">" << escape_html(k) << "</td><td class=\"l\"><code>" << escape_html(v) << "</code></td></tr>\n";
  h << "</table>\n<h2>" << T("Files") << "</h2>\n<ul>\n";
  std::filesystem::path const dir = std::filesystem::path(path).parent_path();
  for (auto const& f : r.files) {
    std::string const rel = std::filesystem::path(f).lexically_relative(dir).string();
    h << "<li><a href=\"" << escape_html(rel) << "\">" << escape_html(rel) << "</a></li>\n";
  }
  h << "</ul>\n</body></html>\n";
  io::write_text_atomically(path, h.str());
}

}  // namespace sinkmap::report
