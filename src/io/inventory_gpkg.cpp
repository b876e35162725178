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

void write_inventory_gpkg(std::string const& path, nlohmann::json const& inv, std::string const& zones_file,
                          std::string const& zone_field)
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
    auto add_fields = [&](OGRLayer* l, std::vector<std::string> const& names) {
      for (auto const& n : names) {
        OGRFieldDefn d(n.c_str(), sample.count(n) ? field_type(sample[n]) : OFTReal);
        check_ok(l->CreateField(&d) == OGRERR_NONE, path, "field " + n);
      }
    };

    // zones: one feature per zone, its subtotal row ("*") and coverage as attributes.
    char const* const lopt[] = {"FID=fid", "GEOMETRY_NAME=geom", nullptr};
    OGRLayer* zl = out->CreateLayer("zones", in->GetSpatialRef(), wkbMultiPolygon, const_cast<char**>(lopt));
    check_ok(zl != nullptr, path, "layer zones");
    OGRFieldDefn zd("zone", OFTString);
    check_ok(zl->CreateField(&zd) == OGRERR_NONE, path, "field zone");
    std::vector<std::string> cov_fields = {"zone_area_ha", "mapped_ha", "unmapped_ha", "outside_map_ha", "mapped_fraction"};
    add_fields(zl, fields);
    for (auto const& n : cov_fields) {
      OGRFieldDefn d(n.c_str(), OFTReal);
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
    OGRLayer* tl = out->CreateLayer("inventory", nullptr, wkbNone, nullptr);
    check_ok(tl != nullptr, path, "table inventory");
    bool const categories = !rows.empty() && rows.front().contains("ipcc_category");
    for (char const* n : {"zone", "ipcc_category", "class"}) {
      if (std::string(n) == "ipcc_category" && !categories) continue;
      OGRFieldDefn d(n, OFTString);
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
