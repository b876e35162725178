#include "io/forest_inventory.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "core/parse_number.hpp"
#include "gdal/gdal_session.hpp"
#include "io/geotiff_writer.hpp"
#include "models/crosswalk.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <system_error>
#include <unistd.h>

namespace sinkmap::io {

namespace fs = std::filesystem;

namespace {

std::string field_list(OGRFeatureDefn const& d)
{
  std::string s;
  for (int k = 0; k < d.GetFieldCount(); ++k) s += std::string(k ? ", " : "") + d.GetFieldDefn(k)->GetNameRef();
  return s.empty() ? "none" : s;
}

struct opened_layer {
  GDALDatasetUniquePtr ds;
  OGRLayer* layer = nullptr;
};

opened_layer open_layer(forest_inventory_options const& o, std::vector<std::string>& notes)
{
  init_gdal();
  note_input(o.file);
  opened_layer l;
  l.ds.reset(GDALDataset::Open(o.file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  SINKMAP_EXPECTS(l.ds && l.ds->GetLayerCount() > 0, bad_input,
                  "forest_inventory.file: cannot open vector file '" + o.file + "'" + gdal_reason());
  std::string names;
  for (int k = 0; k < l.ds->GetLayerCount(); ++k) names += std::string(k ? ", " : "") + l.ds->GetLayer(k)->GetName();
  if (!o.layer.empty()) {
    l.layer = l.ds->GetLayerByName(o.layer.c_str());
    SINKMAP_EXPECTS(l.layer != nullptr, bad_input,
                    "forest_inventory.layer: '" + o.file + "' has no layer '" + o.layer + "' (its layers: " + names + ")");
  } else {
    l.layer = l.ds->GetLayer(0);
    if (l.ds->GetLayerCount() > 1)
      notes.push_back("forest inventory: '" + o.file + "' has layers " + names + "; the first, '" +
                      l.layer->GetName() + "', is used (set forest_inventory.layer)");
  }
  return l;
}

int field_index(OGRLayer& layer, std::string const& key, std::string const& name, std::string const& file)
{
  if (name.empty()) return -1;
  OGRFeatureDefn const& d = *layer.GetLayerDefn();
  int const k = d.GetFieldIndex(name.c_str());
  SINKMAP_EXPECTS(k >= 0, bad_input,
                  "forest_inventory." + key + ": '" + file + "' layer '" + layer.GetName() + "' has no field '" + name +
                    "' (its fields: " + field_list(d) + ")");
  return k;
}

// A numeric field of a polygon: NaN where null or empty (not given); bad_input naming the polygon
// and the field where the text is not a number.
float number_of(OGRFeature& f, int k, std::string const& where)
{
  if (k < 0 || !f.IsFieldSetAndNotNull(k)) return NAN;
  OGRFieldType const t = f.GetFieldDefnRef(k)->GetType();
  if (t == OFTInteger || t == OFTInteger64 || t == OFTReal) return float(f.GetFieldAsDouble(k));
  std::string const text = f.GetFieldAsString(k);
  if (text.find_first_not_of(" \t") == std::string::npos) return NAN;
  return parse_float(text, where);
}

}  // namespace

forest_inventory read_forest_inventory(forest_inventory_options const& o, models::carbon_model const& m)
{
  forest_inventory inv;
  SINKMAP_EXPECTS(!o.type_field.empty(), bad_input,
                  "forest_inventory.type_field: missing (the field of the dominant species or forest type)");
  SINKMAP_EXPECTS(o.year >= 1900 && o.year <= 2200, bad_input,
                  "forest_inventory.year: " + std::to_string(o.year) + " is not a survey year (1900-2200)");
  inv.crosswalk_file = models::resolve_crosswalk_path(o.crosswalk, m, "forest_type_crosswalk");
  auto const cw = models::load_crosswalk(inv.crosswalk_file);
  SINKMAP_EXPECTS(cw.kind == "forest_type" || cw.kind == "landcover", bad_input,
                  "forest_type_crosswalk: " + inv.crosswalk_file + " is a " + cw.kind + " crosswalk");
  auto l = open_layer(o, inv.notes);
  OGRLayer& layer = *l.layer;
  inv.layer = layer.GetName();
  int const ft = field_index(layer, "type_field", o.type_field, o.file);
  int const fo = field_index(layer, "origin_field", o.origin_field, o.file);
  int const fa = field_index(layer, "age_field", o.age_field, o.file);
  int const fv = field_index(layer, "volume_field", o.volume_field, o.file);
  int const fi = field_index(layer, "increment_field", o.increment_field, o.file);
  layer.ResetReading();
  for (auto const& f : layer) {
    std::string const at = "forest_inventory '" + o.file + "' polygon " + std::to_string(f->GetFID());
    inventory_stand s;
    s.fid = f->GetFID();
    SINKMAP_EXPECTS(f->GetGeometryRef() != nullptr, bad_input, at + ": no geometry");
    std::string const type = f->IsFieldSetAndNotNull(ft) ? f->GetFieldAsString(ft) : "";
    SINKMAP_EXPECTS(!type.empty(), bad_input, at + ": field " + o.type_field + " is empty (no forest type)");
    std::string origin;
    if (fo >= 0) {
      std::string const text = f->IsFieldSetAndNotNull(fo) ? f->GetFieldAsString(fo) : "";
      auto const it = cw.origins.find(text);
      if (it == cw.origins.end()) {
        std::string known;
        for (auto const& [label, _] : cw.origins) known += (known.empty() ? "" : ", ") + label;
        SINKMAP_FAIL(bad_input, at + ": field " + o.origin_field + ": origin '" + text + "' is not one of crosswalk " +
                                  inv.crosswalk_file + "'s origins (" + (known.empty() ? std::string("none") : known) + ")");
      }
      origin = it->second;
    }
    std::string why;
    std::string const cls = models::class_of_label(cw, type, origin, why);
    SINKMAP_EXPECTS(!cls.empty(), bad_input,
                    at + ": field " + o.type_field + ": " + why + " (add it to the crosswalk's labels)");
    auto const id = m.class_id(cls);
    SINKMAP_EXPECTS(id.has_value(), bad_input,
                    inv.crosswalk_file + ": '" + type + "' maps to class '" + cls + "', which model " + m.name +
                      " does not define (its classes: " + m.class_name_list() + ")");
    s.class_id = *id;
    s.age = number_of(*f, fa, at + ": field " + o.age_field);
    if (!std::isnan(s.age)) {
      SINKMAP_EXPECTS(s.age >= 0, bad_input,
                      at + ": field " + o.age_field + ": age " + f->GetFieldAsString(fa) + " at the " +
                        std::to_string(o.year) + " survey would be a stand planted after it (in " +
                        std::to_string(o.year - int(std::floor(s.age))) + ")");
      SINKMAP_EXPECTS(s.age <= 1000, bad_input,
                      at + ": field " + o.age_field + ": age " + f->GetFieldAsString(fa) + " is not a stand age in years");
    } else {
      ++inv.without_age;
    }
    s.volume = number_of(*f, fv, at + ": field " + o.volume_field);
    if (!std::isnan(s.volume)) {
      SINKMAP_EXPECTS(s.volume >= 0 && s.volume <= 5000, bad_input,
                      at + ": field " + o.volume_field + ": growing stock " + f->GetFieldAsString(fv) +
                        " is not a volume in m3/ha (0 to 5000)");
    } else {
      ++inv.without_volume;
    }
    s.increment = number_of(*f, fi, at + ": field " + o.increment_field);
    if (!std::isnan(s.increment)) {
      // The bound only catches a wrong field or unit (m3 per stand, a cumulative volume): the
      // fastest plantations grow a few tens of m3/ha a year.
      SINKMAP_EXPECTS(s.increment >= 0 && s.increment <= 200, bad_input,
                      at + ": field " + o.increment_field + ": volume increment " + f->GetFieldAsString(fi) +
                        " is not a net annual increment in m3/ha/yr (0 to 200)");
      if (s.increment == 0) ++inv.zero_increment;
    } else if (fi >= 0) {
      ++inv.without_increment;
    }
    ++inv.stands_per_class[s.class_id];
    inv.stands.push_back(s);
  }
  SINKMAP_EXPECTS(!inv.stands.empty(), bad_input, "forest_inventory: '" + o.file + "' layer '" + inv.layer + "' has no polygons");
  if (inv.without_volume)
    inv.notes.push_back("forest inventory: " + std::to_string(inv.without_volume) + " of " + std::to_string(inv.stands.size()) +
                        " polygons give no growing stock" + (o.volume_field.empty() ? " (no volume_field)" : "") +
                        ": their forest keeps the land-cover biomass of its class");
  if (inv.zero_increment)
    inv.notes.push_back("forest inventory: " + std::to_string(inv.zero_increment) + " of " + std::to_string(inv.stands.size()) +
                        " polygons give a volume increment of 0: those stands do not grow at all in the accounting "
                        "(leave the field empty where the increment is unknown, for the IPCC rate)");
  if (inv.without_increment)
    inv.notes.push_back("forest inventory: " + std::to_string(inv.without_increment) + " of " + std::to_string(inv.stands.size()) +
                        " polygons give no volume increment: their forest grows at its class's IPCC rate");
  return inv;
}

void burn_forest_inventory(forest_inventory_options const& o, forest_inventory const& inv,
                           raster_grid const& grid, std::string const& path)
{
  SINKMAP_EXPECTS(grid.has_geotransform && !grid.crs_wkt.empty(), bad_input,
                  "forest_inventory: the run's grid has no georeferencing to place '" + o.file + "' on");
  std::vector<std::string> notes;
  auto l = open_layer(o, notes);
  OGRLayer& layer = *l.layer;
  OGRSpatialReference target;
  target.importFromWkt(grid.crs_wkt.c_str());
  target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct;
  if (auto const* src = layer.GetSpatialRef()) {
    OGRSpatialReference s(*src);
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (!s.IsSame(&target)) {
      ct.reset(OGRCreateCoordinateTransformation(&s, &target));
      SINKMAP_EXPECTS(ct != nullptr, bad_input,
                      "forest_inventory: cannot transform '" + o.file + "' to the map CRS" + gdal_reason());
    }
  } else {
    SINKMAP_FAIL(bad_input, "forest_inventory: '" + o.file + "' layer '" + layer.GetName() + "' has no coordinate system");
  }
  std::map<long long, inventory_stand const*> by_fid;
  for (auto const& s : inv.stands) by_fid[s.fid] = &s;
  std::vector<std::unique_ptr<OGRGeometry>> geoms;
  std::vector<OGREnvelope> env;
  std::vector<double> burn;  // class, age, volume, increment per polygon
  layer.ResetReading();
  for (auto const& f : layer) {
    auto const it = by_fid.find(f->GetFID());
    if (it == by_fid.end() || !f->GetGeometryRef()) continue;
    std::unique_ptr<OGRGeometry> g(f->GetGeometryRef()->clone());
    SINKMAP_EXPECTS(!ct || g->transform(ct.get()) == OGRERR_NONE, bad_input,
                    "forest_inventory '" + o.file + "' polygon " + std::to_string(f->GetFID()) +
                      ": cannot be transformed to the map CRS");
    OGREnvelope e;
    g->getEnvelope(&e);
    env.push_back(e);
    geoms.push_back(std::move(g));
    burn.insert(burn.end(), {double(it->second->class_id), double(it->second->age), double(it->second->volume),
                             double(it->second->increment)});
  }
  std::vector<output_band> bands = {
    {"inventory_class", {{"meaning", "class id of the sub-compartment (0 outside every polygon)"}}},
    {"inventory_age", {{"units", "years"}, {"meaning", "stand age at the " + std::to_string(o.year) + " survey"}}},
    {"inventory_volume", {{"units", "m3/ha"}, {"meaning", "growing stock at the survey"}}},
    {"inventory_increment", {{"units", "m3/ha/yr"}, {"meaning", "net annual volume increment at the survey"}}}};
  static_assert(inventory_bands == 4, "one burnt band per inventory_band");
  raster_output_options opt;
  opt.cog = false;  // a temporary the run reads back: no overviews, no COG copy
  opt.metadata["SINKMAP_PRODUCT"] = "forest inventory on the run's grid (a run's temporary)";
  opt.metadata["SINKMAP_INVENTORY_YEAR"] = std::to_string(o.year);
  geotiff_writer writer(path, grid, bands, opt);
  auto* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  int const rows = std::max(1, std::min(grid.height, int((8u << 20) / std::max(1, grid.width) / (4 * inventory_bands))));
  auto const& gt = grid.geotransform;
  std::vector<float> planes;
  int tile = 0;
  for (int y = 0; y < grid.height; y += rows) {
    int const h = std::min(rows, grid.height - y);
    double const tgt[6] = {gt[0] + gt[2] * y, gt[1], gt[2], gt[3] + gt[5] * y, gt[4], gt[5]};
    OGREnvelope strip;
    strip.MinX = std::min(tgt[0], tgt[0] + tgt[1] * grid.width);
    strip.MaxX = std::max(tgt[0], tgt[0] + tgt[1] * grid.width);
    strip.MinY = std::min(tgt[3], tgt[3] + tgt[5] * h);
    strip.MaxY = std::max(tgt[3], tgt[3] + tgt[5] * h);
    GDALDatasetUniquePtr ds(mem->Create("", grid.width, h, inventory_bands, GDT_Float32, nullptr));
    ds->SetGeoTransform(const_cast<double*>(tgt));
    ds->GetRasterBand(1)->Fill(0);
    for (int b = 2; b <= inventory_bands; ++b) ds->GetRasterBand(b)->Fill(NAN);
    std::vector<OGRGeometryH> hs;
    std::vector<double> values;
    for (std::size_t i = 0; i < geoms.size(); ++i)
      if (env[i].Intersects(strip)) {
        hs.push_back(OGRGeometry::ToHandle(geoms[i].get()));
        values.insert(values.end(), burn.begin() + std::ptrdiff_t(inventory_bands * i),
                      burn.begin() + std::ptrdiff_t(inventory_bands * (i + 1)));
      }
    if (!hs.empty()) {
      int band_list[inventory_bands] = {1, 2, 3, 4};
      if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), inventory_bands, band_list, int(hs.size()), hs.data(),
                                  nullptr, nullptr, values.data(), nullptr, nullptr, nullptr) != CE_None)
        SINKMAP_FAIL(runtime_failure, "forest_inventory: cannot rasterize '" + o.file + "'" + gdal_reason());
    }
    planes.resize(std::size_t(grid.width) * std::size_t(h) * inventory_bands);
    if (ds->RasterIO(GF_Read, 0, 0, grid.width, h, planes.data(), grid.width, h, GDT_Float32, inventory_bands, nullptr, 0,
                     0, 0, nullptr) != CE_None)
      SINKMAP_FAIL(runtime_failure, "forest_inventory: cannot rasterize '" + o.file + "'" + gdal_reason());
    writer.write(tile++, pipeline::window{0, y, grid.width, h}, planes.data());
  }
  writer.commit();
}

owned_file::~owned_file()
{
  std::error_code ec;
  fs::remove(path, ec);
}

std::string temporary_raster_path(std::string const& stem)
{
  static std::atomic<int> counter{0};
  return (fs::temp_directory_path() / (".sinkmap-" + stem + "-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(counter++) + ".tif"))
    .string();
}

}  // namespace sinkmap::io
