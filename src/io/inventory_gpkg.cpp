#include "io/inventory_gpkg.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"
#include "gdal/gdal_session.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <map>
#include <memory>
#include <vector>

namespace sinkmap::io {
namespace {

OGRFieldType field_type(nlohmann::json const& v)
{
  if (v.is_string()) return OFTString;
  if (v.is_number_integer() || v.is_number_unsigned()) return OFTInteger64;
  return OFTReal;
}

// The value fields of a row: everything but zone and class, in the row's order.
std::vector<std::string> value_fields(nlohmann::json const& rows)
{
  std::vector<std::string> out;
  for (auto const& r : rows)
    for (auto const& [k, v] : r.items())
      if (k != "zone" && k != "class" && k != "ipcc_category" && std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  return out;
}

void set_field(OGRFeature& f, char const* name, nlohmann::json const& v)
{
  int const i = f.GetFieldIndex(name);
  if (i < 0) return;
  if (v.is_null() || (v.is_number_float() && !std::isfinite(v.get<double>()))) f.SetFieldNull(i);
  else if (v.is_string()) f.SetField(i, v.get<std::string>().c_str());
  else if (v.is_number_integer() || v.is_number_unsigned()) f.SetField(i, GIntBig(v.get<std::int64_t>()));
  else f.SetField(i, v.get<double>());
}

void check_ok(bool ok, std::string const& path, std::string const& what)
{
  SINKMAP_EXPECTS(ok, runtime_failure, "cannot write GeoPackage '" + path + "' (" + what + ")" + disk_full_reason(path) + gdal_reason());
}

}  // namespace

std::string field_alias_zh(std::string const& field)
{
  static std::map<std::string, std::string> const base = {
    {"zone", "分区"}, {"class", "类别"}, {"ipcc_category", "IPCC土地类别"}, {"pixels", "像元数"},
    {"area_ha", "面积（公顷）"}, {"soil_depth_cm", "土壤深度（厘米）"}, {"carbon_mgc", "碳储量（吨碳）"},
    {"co2e_t", "二氧化碳当量（吨）"}, {"gains_mgc_per_yr", "碳增加（吨碳/年）"}, {"losses_mgc_per_yr", "碳减少（吨碳/年）"},
    {"biomass_mgc_per_yr", "生物量碳变化（吨碳/年）"}, {"dom_mgc_per_yr", "死有机质碳变化（吨碳/年）"},
    {"soil_mgc_per_yr", "土壤碳变化（吨碳/年）"}, {"sink_mgc_per_yr", "碳汇（吨碳/年）"},
    {"sink_co2e_t_per_yr", "碳汇（吨二氧化碳当量/年）"}, {"soil_mgc_0_30cm", "土壤碳0-30厘米（吨碳）"},
    {"soil_mgc_0_100cm", "土壤碳0-100厘米（吨碳）"}, {"soil_mgc_per_yr_0_30cm", "土壤碳变化0-30厘米（吨碳/年）"},
    {"soil_mgc_per_yr_0_100cm", "土壤碳变化0-100厘米（吨碳/年）"}, {"zone_area_ha", "分区面积（公顷）"},
    {"mapped_ha", "已制图面积（公顷）"}, {"unmapped_ha", "未制图面积（公顷）"}, {"outside_map_ha", "图外面积（公顷）"},
    {"mapped_fraction", "制图覆盖率"}};
  static std::vector<std::pair<std::string, std::string>> const suffix = {
    {"_mean", "均值"}, {"_sd", "标准差"}, {"_p2_5", "2.5%分位"}, {"_p97_5", "97.5%分位"}};
  if (auto const it = base.find(field); it != base.end()) return it->second;
  for (auto const& [s, zh] : suffix)
    if (field.size() > s.size() && field.compare(field.size() - s.size(), s.size(), s) == 0)
      if (auto const it = base.find(field.substr(0, field.size() - s.size())); it != base.end()) return it->second + zh;
  return "";
}

void write_inventory_gpkg(std::string const& path, nlohmann::json const& inv, std::string const& zones_file,
                          std::string const& zone_field, std::string const& lang)
{
  init_gdal();
  GDALDatasetUniquePtr zones(GDALDataset::Open(zones_file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  SINKMAP_EXPECTS(zones && zones->GetLayerCount() > 0, bad_input, "--zones: cannot read '" + zones_file + "'" + gdal_reason());
  OGRLayer* in = zones->GetLayer(0);
  // Zone polygons by name (several features of one name merged into one multipolygon).
  std::map<std::string, std::unique_ptr<OGRMultiPolygon>> shapes;
  for (auto const& f : *in) {
    OGRGeometry const* g = f->GetGeometryRef();
    if (!g) continue;
    std::string const name = f->GetFieldAsString(zone_field.c_str());
    auto& m = shapes[name];
    if (!m) m = std::make_unique<OGRMultiPolygon>();
    auto const type = wkbFlatten(g->getGeometryType());
    if (type == wkbPolygon) m->addGeometry(g);
    else if (type == wkbMultiPolygon)
      for (auto const* p : *g->toMultiPolygon()) m->addGeometry(p);
  }

  std::string const temp = temp_path_for(path);
  VSIUnlink(temp.c_str());
  auto* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  SINKMAP_EXPECTS(drv != nullptr, runtime_failure, "this GDAL has no GeoPackage driver");
  GDALDataset* out = drv->Create(temp.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  SINKMAP_EXPECTS(out != nullptr, bad_input, "cannot create '" + path + "'" + gdal_reason());
  try {
    nlohmann::json const& rows = inv.at("rows");
    auto const fields = value_fields(rows);
    std::map<std::string, nlohmann::json> sample;
    for (auto const& r : rows)
      for (auto const& [k, v] : r.items())
        if (!v.is_null() && !sample.count(k)) sample[k] = v;
    // Chinese field aliases (GeoPackage gpkg_data_columns) for a Chinese run; names unchanged.
    // GDAL < 3.7 does not write alternative names to a GeoPackage: the aliases go into the GPKG
    // schema extension's gpkg_data_columns (name and title), which QGIS and GDAL >= 3.7 read.
    std::vector<std::pair<std::string, std::string>> aliases;  // (table, column)
    std::string table = "zones";
    auto alias = [&](OGRFieldDefn& d) {
      if (lang != "zh") return;
      if (auto const a = field_alias_zh(d.GetNameRef()); !a.empty()) {
        d.SetAlternativeName(a.c_str());
        aliases.push_back({table, d.GetNameRef()});
      }
    };
    auto add_fields = [&](OGRLayer* l, std::vector<std::string> const& names) {
      for (auto const& n : names) {
        OGRFieldDefn d(n.c_str(), sample.count(n) ? field_type(sample[n]) : OFTReal);
        alias(d);
        check_ok(l->CreateField(&d) == OGRERR_NONE, path, "field " + n);
      }
    };

    // zones: one feature per zone, its subtotal row ("*") and coverage as attributes.
    char const* const lopt[] = {"FID=fid", "GEOMETRY_NAME=geom", nullptr};
    OGRLayer* zl = out->CreateLayer("zones", in->GetSpatialRef(), wkbMultiPolygon, const_cast<char**>(lopt));
    check_ok(zl != nullptr, path, "layer zones");
    OGRFieldDefn zd("zone", OFTString);
    alias(zd);
    check_ok(zl->CreateField(&zd) == OGRERR_NONE, path, "field zone");
    std::vector<std::string> cov_fields = {"zone_area_ha", "mapped_ha", "unmapped_ha", "outside_map_ha", "mapped_fraction"};
    add_fields(zl, fields);
    for (auto const& n : cov_fields) {
      OGRFieldDefn d(n.c_str(), OFTReal);
      alias(d);
      check_ok(zl->CreateField(&d) == OGRERR_NONE, path, "field " + n);
    }
    std::map<std::string, nlohmann::json> coverage;
    if (inv.contains("coverage"))
      for (auto const& c : inv.at("coverage")) coverage[c.at("zone").get<std::string>()] = c;
    check_ok(zl->StartTransaction() == OGRERR_NONE, path, "transaction");
    for (auto const& r : rows) {
      if (r.at("class") != "*") continue;
      if (r.contains("ipcc_category") && r.at("ipcc_category") != "*") continue;  // zone subtotals only
      std::string const zone = r.at("zone");
      OGRFeature f(zl->GetLayerDefn());
      f.SetField("zone", zone.c_str());
      for (auto const& n : fields)
        if (r.contains(n)) set_field(f, n.c_str(), r.at(n));
      if (auto c = coverage.find(zone); c != coverage.end())
        for (auto const& n : cov_fields)
          if (c->second.contains(n)) set_field(f, n.c_str(), c->second.at(n));
      if (auto s = shapes.find(zone); s != shapes.end()) f.SetGeometry(s->second.get());
      check_ok(zl->CreateFeature(&f) == OGRERR_NONE, path, "zone " + zone);
    }
    check_ok(zl->CommitTransaction() == OGRERR_NONE, path, "commit");

    // inventory: the per-class rows, as in the CSV (no geometry).
    table = "inventory";
    OGRLayer* tl = out->CreateLayer("inventory", nullptr, wkbNone, nullptr);
    check_ok(tl != nullptr, path, "table inventory");
    bool const categories = !rows.empty() && rows.front().contains("ipcc_category");
    for (char const* n : {"zone", "ipcc_category", "class"}) {
      if (std::string(n) == "ipcc_category" && !categories) continue;
      OGRFieldDefn d(n, OFTString);
      alias(d);
      check_ok(tl->CreateField(&d) == OGRERR_NONE, path, std::string("field ") + n);
    }
    add_fields(tl, fields);
    check_ok(tl->StartTransaction() == OGRERR_NONE, path, "transaction");
    auto add_row = [&](nlohmann::json const& r) {
      OGRFeature f(tl->GetLayerDefn());
      f.SetField("zone", r.at("zone").get<std::string>().c_str());
      f.SetField("class", r.at("class").get<std::string>().c_str());
      if (categories && r.contains("ipcc_category")) f.SetField("ipcc_category", r.at("ipcc_category").get<std::string>().c_str());
      for (auto const& n : fields)
        if (r.contains(n)) set_field(f, n.c_str(), r.at(n));
      check_ok(tl->CreateFeature(&f) == OGRERR_NONE, path, "row");
    };
    for (auto const& r : rows) add_row(r);
    if (inv.contains("total")) add_row(inv.at("total"));
    check_ok(tl->CommitTransaction() == OGRERR_NONE, path, "commit");
    if (!aliases.empty()) {
      auto sql = [&](std::string const& q) {
        out->ExecuteSQL(q.c_str(), nullptr, nullptr);
        check_ok(take_gdal_error().empty(), path, "field aliases");
      };
      auto quoted = [](std::string v) {
        for (std::size_t k = v.find('\''); k != std::string::npos; k = v.find('\'', k + 2)) v.insert(k, 1, '\'');
        return "'" + v + "'";
      };
      sql("CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, "
          "title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, "
          "column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))");
      sql("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES "
          "('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', 'read-write')");
      for (auto const& [t, c] : aliases) {
        std::string const a = quoted(field_alias_zh(c));
        sql("INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title) VALUES (" + quoted(t) + ", " +
            quoted(c) + ", " + a + ", " + a + ")");
      }
    }
    GDALClose(GDALDataset::ToHandle(out));
    out = nullptr;
    check_ok(take_gdal_error().empty(), path, "close");
    move_into_place(temp, path);
  } catch (...) {
    if (out) GDALClose(GDALDataset::ToHandle(out));
    VSIUnlink(temp.c_str());
    throw;
  }
}

}  // namespace sinkmap::io
