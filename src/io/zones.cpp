#include "io/zones.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "gdal/gdal_session.hpp"
#include "io/geotiff_writer.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>

namespace sinkmap::io {

namespace {

double polygon_area_ha(OGRGeometry const& g, OGRSpatialReference const& crs)
{
  auto const* surface = dynamic_cast<OGRSurface const*>(&g);
  auto const* multi = dynamic_cast<OGRMultiSurface const*>(&g);
  if (!crs.IsGeographic()) {
    if (surface) return surface->get_Area() / 1e4;
    if (multi) return multi->get_Area() / 1e4;
    return 0;
  }
  // Geographic: area in a Lambert azimuthal equal-area projection centred on the zone.
  OGRPoint c;
  if (g.Centroid(&c) != OGRERR_NONE) return 0;
  OGRSpatialReference laea;
  laea.SetLAEA(c.getY(), c.getX(), 0, 0);
  laea.SetWellKnownGeogCS("WGS84");
  laea.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReference src(crs);
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &laea));
  if (!ct) return 0;
  std::unique_ptr<OGRGeometry> copy(g.clone());
  copy->segmentize(0.01);  // degrees: edges follow the ellipsoid closely enough
  if (copy->transform(ct.get()) != OGRERR_NONE) return 0;
  if (auto const* s = dynamic_cast<OGRSurface const*>(copy.get())) return s->get_Area() / 1e4;
  if (auto const* m = dynamic_cast<OGRMultiSurface const*>(copy.get())) return m->get_Area() / 1e4;
  return 0;
}

double envelope_area(OGREnvelope const& e) { return (e.MaxX - e.MinX) * (e.MaxY - e.MinY); }

// Planar area of polygons (in the map CRS's units), 0 for lines and points.
double planar_area(OGRGeometry const* g)
{
  if (!g) return 0;
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon: return g->toPolygon()->get_Area();
    case wkbMultiPolygon: return g->toMultiPolygon()->get_Area();
    case wkbGeometryCollection: {
      double a = 0;
      for (auto const* m : *g->toGeometryCollection()) a += planar_area(m);
      return a;
    }
    default: return 0;
  }
}

}  // namespace

zone_set::zone_set(std::string const& path, std::string const& field, raster_grid const& grid)
  : grid_(grid)
{
  init_gdal();
  note_input(path);
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  SINKMAP_EXPECTS(ds && ds->GetLayerCount() > 0, bad_input,
                  "--zones: cannot open vector file '" + path + "'" + gdal_reason());
  OGRLayer* layer = ds->GetLayer(0);
  if (ds->GetLayerCount() > 1) {
    std::string names;
    for (int k = 0; k < ds->GetLayerCount(); ++k) names += std::string(k ? ", " : "") + ds->GetLayer(k)->GetName();
    notes_.push_back("zones: '" + path + "' has " + std::to_string(ds->GetLayerCount()) + " layers (" + names +
                     "); the first, '" + layer->GetName() + "', is used");
  }
  SINKMAP_EXPECTS(layer->GetFeatureCount() != 0, bad_input, "--zones: '" + path + "' has no features");
  int const fi = layer->GetLayerDefn()->GetFieldIndex(field.c_str());
  SINKMAP_EXPECTS(fi >= 0, bad_input,
                  "--zone-field: '" + path + "' has no field '" + field + "'");
  SINKMAP_EXPECTS(!grid.crs_wkt.empty(), bad_input, "the map has no CRS to place zones in");
  OGRSpatialReference target;
  target.importFromWkt(grid.crs_wkt.c_str());
  target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct;
  if (auto const* src = layer->GetSpatialRef()) {
    OGRSpatialReference s(*src);
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (!s.IsSame(&target)) {
      ct.reset(OGRCreateCoordinateTransformation(&s, &target));
      SINKMAP_EXPECTS(ct != nullptr, bad_input,
                      "--zones: cannot transform '" + path + "' to the map CRS" + gdal_reason());
    }
  }
  auto const& gt = grid.geotransform;
  OGREnvelope map_env;
  map_env.MinX = gt[0];
  map_env.MaxX = gt[0] + gt[1] * grid.width;
  map_env.MaxY = gt[3];
  map_env.MinY = gt[3] + gt[5] * grid.height;
  bool overlap = false;
  for (auto const& f : *layer) {
    OGRGeometry const* g = f->GetGeometryRef();
    if (!g) continue;
    std::unique_ptr<OGRGeometry> copy(g->clone());
    if (ct && copy->transform(ct.get()) != OGRERR_NONE)
      SINKMAP_FAIL(bad_input, "--zones: feature " + std::to_string(f->GetFID()) + " of '" + path +
                                "' cannot be transformed to the map CRS");
    OGREnvelope e;
    copy->getEnvelope(&e);
    overlap |= e.Intersects(map_env);
    names_.push_back(f->GetFieldAsString(fi));
    envelopes_.push_back(e);
    geoms_.push_back(std::move(copy));
  }
  SINKMAP_EXPECTS(!geoms_.empty(), bad_input, "--zones: '" + path + "' has no features");
  for (auto const& g : geoms_) areas_ha_.push_back(polygon_area_ha(*g, target));
  SINKMAP_EXPECTS(overlap, bad_input,
                  "--zones: no zone in '" + path + "' overlaps the map (check CRS and extent)");
  find_overlaps(path);
}

void zone_set::find_overlaps(std::string const& path)
{
  // Zones that overlap: the union of all is smaller than the sum of their areas. Cheap to tell
  // for a county map (one cascaded union); the pairs are named only when there is overlap.
  if (geoms_.size() < 2 || geoms_.size() > 5000) return;
  double sum = 0;
  OGRMultiPolygon all;  // UnionCascaded works on multipolygons
  for (auto const& g : geoms_) {
    double const a = planar_area(g.get());
    if (a <= 0) continue;
    sum += a;
    if (wkbFlatten(g->getGeometryType()) == wkbPolygon) all.addGeometry(g.get());
    else if (wkbFlatten(g->getGeometryType()) == wkbMultiPolygon)
      for (auto const* p : *g->toMultiPolygon()) all.addGeometry(p);
  }
  CPLPushErrorHandler(CPLQuietErrorHandler);
  std::unique_ptr<OGRGeometry> u(all.UnionCascaded());
  CPLPopErrorHandler();
  if (!u) return;
  double const union_area = planar_area(u.get());
  if (!(sum - union_area > 1e-6 * sum)) return;
  int named = 0;
  for (std::size_t i = 0; i < geoms_.size() && named < 5; ++i)
    for (std::size_t j = i + 1; j < geoms_.size() && named < 5; ++j) {
      if (!envelopes_[i].Intersects(envelopes_[j])) continue;
      CPLPushErrorHandler(CPLQuietErrorHandler);
      std::unique_ptr<OGRGeometry> x(geoms_[i]->Intersection(geoms_[j].get()));
      CPLPopErrorHandler();
      double const a = planar_area(x.get());
      if (a > 1e-6 * std::min(envelope_area(envelopes_[i]), envelope_area(envelopes_[j]))) {
        notes_.push_back("zones: '" + names_[i] + "' and '" + names_[j] + "' of '" + path +
                         "' overlap; a pixel there counts in one of them only (the later feature)");
        ++named;
      }
    }
}

void zone_set::rasterize(pipeline::window const& w, std::vector<int>& ids) const
{
  ids.assign(w.pixels(), 0);
  auto const& gt = grid_.geotransform;
  double const tgt[6] = {gt[0] + gt[1] * w.x + gt[2] * w.y, gt[1], gt[2],
                         gt[3] + gt[4] * w.x + gt[5] * w.y, gt[4], gt[5]};
  OGREnvelope tile;
  tile.MinX = std::min(tgt[0], tgt[0] + tgt[1] * w.w);
  tile.MaxX = std::max(tgt[0], tgt[0] + tgt[1] * w.w);
  tile.MinY = std::min(tgt[3], tgt[3] + tgt[5] * w.h);
  tile.MaxY = std::max(tgt[3], tgt[3] + tgt[5] * w.h);
  std::vector<OGRGeometryH> geoms;
  std::vector<double> burn;
  for (std::size_t i = 0; i < geoms_.size(); ++i)
    if (envelopes_[i].Intersects(tile)) {
      geoms.push_back(OGRGeometry::ToHandle(geoms_[i].get()));
      burn.push_back(double(i + 1));
    }
  if (geoms.empty()) return;
  auto* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", w.w, w.h, 1, GDT_Int32, nullptr));
  ds->SetGeoTransform(const_cast<double*>(tgt));
  int band = 1;
  // Later features win where zones overlap, as with gdal_rasterize.
  if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band, int(geoms.size()),
                              geoms.data(), nullptr, nullptr, burn.data(), nullptr, nullptr,
                              nullptr) != CE_None)
    SINKMAP_FAIL(runtime_failure, "cannot rasterize zones" + gdal_reason());
  if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w.w, w.h, ids.data(), w.w, w.h, GDT_Int32, 0,
                                     0, nullptr) != CE_None)
    SINKMAP_FAIL(runtime_failure, "cannot rasterize zones" + gdal_reason());
}

void write_zone_raster(zone_set const& zones, raster_grid const& grid, std::string const& path)
{
  io::output_band band{"zone", {{"units", "zone id"}, {"meaning", "1-based zone id, 0 outside every zone"}}};
  raster_output_options opt;
  opt.cog = false;  // a temporary the run reads back: no overviews, no COG copy
  opt.metadata["SINKMAP_PRODUCT"] = "zone ids (a run's temporary)";
  geotiff_writer writer(path, grid, {band}, opt);
  int const rows = std::max(1, std::min(grid.height, int((8u << 20) / std::max(1, grid.width) / 8)));
  std::vector<int> ids;
  std::vector<float> values;
  int tile = 0;
  for (int y = 0; y < grid.height; y += rows) {
    pipeline::window const w{0, y, grid.width, std::min(rows, grid.height - y)};
    zones.rasterize(w, ids);
    values.assign(ids.begin(), ids.end());
    writer.write(tile++, w, values.data());
  }
  writer.commit();
}

}  // namespace sinkmap::io
