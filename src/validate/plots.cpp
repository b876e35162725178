#include "validate/plots.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "core/text.hpp"
#include "core/parse_number.hpp"
#include "gdal/gdal_session.hpp"
#include "validate/gedi_l4a.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>

namespace sinkmap::validate {
namespace {

int find_field(OGRFeatureDefn* defn, std::vector<std::string> const& names)
{
  for (int i = 0; i < defn->GetFieldCount(); ++i)
    for (auto const& n : names)
      if (to_lower(defn->GetFieldDefn(i)->GetNameRef()) == to_lower(n)) return i;
  return -1;
}

OGRSpatialReference srs_from(std::string const& def, std::string const& what)
{
  OGRSpatialReference s;
  SINKMAP_EXPECTS(s.SetFromUserInput(def.c_str()) == OGRERR_NONE, bad_input,
                  what + ": unknown CRS '" + def + "'");
  s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return s;
}

// A circle of `radius_m` around (lon, lat) in WGS 84, built in a local azimuthal equidistant
// projection so that it is a true circle on the ground, returned in WGS 84.
std::unique_ptr<OGRGeometry> ground_circle(double lon, double lat, double radius_m)
{
  OGRSpatialReference aeqd, wgs;
  aeqd.importFromProj4(("+proj=aeqd +lat_0=" + std::to_string(lat) + " +lon_0=" +
                        std::to_string(lon) + " +datum=WGS84 +units=m").c_str());
  wgs.importFromEPSG(4326);
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  aeqd.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRPoint centre(0, 0);
  std::unique_ptr<OGRGeometry> c(centre.Buffer(radius_m, 16));
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&aeqd, &wgs));
  c->transform(ct.get());
  return c;
}

void to_map(plot& p, OGRSpatialReference const& from, OGRSpatialReference const& map)
{
  if (from.IsSame(&map)) return;
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&from, &map));
  SINKMAP_EXPECTS(ct && p.footprint->transform(ct.get()) == OGRERR_NONE, bad_input,
                  p.source + ": cannot transform plot '" + p.id + "' to the map CRS");
}

// Point -> circle in the point's own CRS (projected) or on the ground (geographic).
void make_circle(plot& p, OGRSpatialReference const& srs, double radius_m)
{
  auto const* pt = p.footprint->toPoint();
  if (srs.IsGeographic()) {
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRPoint ll(pt->getX(), pt->getY());
    if (!srs.IsSame(&wgs)) {
      std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&srs, &wgs));
      ll.transform(ct.get());
    }
    p.footprint = ground_circle(ll.getX(), ll.getY(), radius_m);
    if (!srs.IsSame(&wgs)) {
      std::unique_ptr<OGRCoordinateTransformation> back(OGRCreateCoordinateTransformation(&wgs, &srs));
      p.footprint->transform(back.get());
    }
  } else {
    p.footprint.reset(pt->Buffer(radius_m / srs.GetLinearUnits(nullptr), 16));
  }
}

// Observed values: "NA", "NaN", "NULL", "-" or an empty cell are missing (the plot is kept and
// reported as without a value); a number must be finite and not negative (biomass).
double observed_value(std::string text, std::string const& where)
{
  text = trim(text);
  std::string const l = to_lower(text);
  if (l.empty() || l == "na" || l == "nan" || l == "null" || l == "-" || l == "n/a") return NAN;
  double const v = parse_double(text, where);
  SINKMAP_EXPECTS(std::isfinite(v), bad_input, where + ": " + text + " is not a finite value");
  SINKMAP_EXPECTS(v >= 0, bad_input, where + ": " + text + ": observed biomass cannot be negative");
  return v;
}

// A plot radius from SIZE_HA or radius_m: positive, finite, and a plot's size (at most
// 10,000 ha, a circle of about 5.6 km radius).
double plot_radius_m(double value, bool is_area, std::string const& where)
{
  char const* field = is_area ? "SIZE_HA" : "radius_m";
  SINKMAP_EXPECTS(std::isfinite(value) && value > 0, bad_input,
                  where + " field " + field + ": " + std::to_string(value) + ": a plot's " +
                    (is_area ? "area" : "radius") + " must be a positive number");
  double const r = is_area ? std::sqrt(value * 1e4 / M_PI) : value;
  SINKMAP_EXPECTS(r <= 5642.0, bad_input,
                  where + " field " + field + ": " + std::to_string(value) + " is not a plot's size (at most 10,000 ha)");
  return r;
}

std::map<std::string, double> read_values(std::string const& file, std::string const& field)
{
  note_input(file);
  GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR));
  SINKMAP_EXPECTS(ds && ds->GetLayerCount() > 0, bad_input,
                  "--values: cannot read '" + file + "'" + io::gdal_reason());
  auto* layer = ds->GetLayer(0);
  auto* defn = layer->GetLayerDefn();
  int const id = find_field(defn, {"id", "plot_id"});
  int const val = field.empty() ? find_field(defn, {"AGB_T_HA", "agb", "agbd", "observed", "value"})
                                : find_field(defn, {field});
  SINKMAP_EXPECTS(id >= 0, bad_input, "--values: '" + file + "' has no column id or PLOT_ID");
  SINKMAP_EXPECTS(val >= 0, bad_input,
                  "--values: '" + file + "' has no column " + (field.empty() ? "AGB_T_HA" : field));
  std::map<std::string, double> out;
  int line = 1;
  for (auto const& f : *layer) {
    ++line;
    std::string const v = trim(f->GetFieldAsString(val));
    out[f->GetFieldAsString(id)] =
      observed_value(v, file + " line " + std::to_string(line) + " field " + defn->GetFieldDefn(val)->GetNameRef());
  }
  return out;
}

std::vector<plot> load_csv_or_vector(std::string const& path, plot_options const& opt,
                                     OGRSpatialReference const& map, std::vector<std::string>& notes)
{
  bool const csv = to_lower(std::filesystem::path(path).extension().string()) == ".csv";
  char const* csv_opts[] = {"AUTODETECT_TYPE=NO", "KEEP_GEOM_COLUMNS=YES", nullptr};
  note_input(path);
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR, nullptr,
                                            csv ? csv_opts : nullptr, nullptr));
  SINKMAP_EXPECTS(ds && ds->GetLayerCount() > 0, bad_input,
                  "--plots: cannot read '" + path + "'" + io::gdal_reason());
  auto* layer = ds->GetLayer(0);
  auto* defn = layer->GetLayerDefn();
  int const fid = find_field(defn, {"id", "plot_id", "plot", "name"});
  std::map<std::string, double> joined;
  if (!opt.values_file.empty()) joined = read_values(opt.values_file, opt.value_field);
  int const fval = !opt.values_file.empty() ? -1
                   : opt.value_field.empty()
                     ? find_field(defn, {"AGB_T_HA", "agb", "agbd", "observed", "value"})
                     : find_field(defn, {opt.value_field});
  SINKMAP_EXPECTS(opt.value_field.empty() || !opt.values_file.empty() || fval >= 0, bad_input,
                  "--value-field: '" + path + "' has no column '" + opt.value_field + "'");
  SINKMAP_EXPECTS(fval >= 0 || !opt.values_file.empty(), bad_input,
                  "--plots: '" + path + "' has no observed-value column (AGB_T_HA, agb, agbd, "
                  "observed, value): pass --value-field or --values");
  int const fsize = find_field(defn, {"SIZE_HA", "size_ha", "area_ha"});
  int const fradius = find_field(defn, {"radius_m", "radius"});

  std::vector<plot> out;
  OGRSpatialReference srs;
  if (csv) {
    int const fx = find_field(defn, {"x", "POINT_X", "lon", "longitude", "easting"});
    int const fy = find_field(defn, {"y", "POINT_Y", "lat", "latitude", "northing"});
    SINKMAP_EXPECTS(fid >= 0, bad_input, "--plots: '" + path + "' has no column id");
    SINKMAP_EXPECTS(fx >= 0, bad_input, "--plots: '" + path + "' has no column x (or POINT_X, lon)");
    SINKMAP_EXPECTS(fy >= 0, bad_input, "--plots: '" + path + "' has no column y (or POINT_Y, lat)");
    srs = srs_from(opt.crs, "--plots-crs");
    // Rows sharing an id are the vertices of one polygon plot, in order; a row with a size
    // (SIZE_HA or radius_m) is a plot of its own even where its id repeats.
    std::map<std::string, std::size_t> index;
    std::map<std::string, int> sized_repeats;
    std::vector<std::vector<std::pair<double, double>>> vertices;
    int line = 1;
    for (auto const& f : *layer) {
      ++line;
      std::string const where = path + " line " + std::to_string(line);
      std::string id = f->GetFieldAsString(fid);
      double const x = parse_double(f->GetFieldAsString(fx), where + " field " + defn->GetFieldDefn(fx)->GetNameRef());
      double const y = parse_double(f->GetFieldAsString(fy), where + " field " + defn->GetFieldDefn(fy)->GetNameRef());
      SINKMAP_EXPECTS(std::isfinite(x) && std::isfinite(y), bad_input, where + ": coordinates must be finite");
      bool const sized = (fsize >= 0 && *trim(f->GetFieldAsString(fsize)).c_str()) ||
                         (fradius >= 0 && *trim(f->GetFieldAsString(fradius)).c_str());
      if (sized && index.count(id)) id += "#" + std::to_string(++sized_repeats[f->GetFieldAsString(fid)] + 1);
      auto [it, fresh] = index.emplace(id, out.size());
      if (fresh) {
        plot p;
        p.id = id;
        p.source = where;
        if (fval >= 0) p.observed = observed_value(f->GetFieldAsString(fval), where + " field " + defn->GetFieldDefn(fval)->GetNameRef());
        p.footprint = std::make_unique<OGRPoint>(x, y);
        if (fsize >= 0 && *trim(f->GetFieldAsString(fsize)).c_str())
          make_circle(p, srs, plot_radius_m(parse_double(f->GetFieldAsString(fsize), where + " field SIZE_HA"), true, where));
        else if (fradius >= 0 && *trim(f->GetFieldAsString(fradius)).c_str())
          make_circle(p, srs, plot_radius_m(parse_double(f->GetFieldAsString(fradius), where + " field radius_m"), false, where));
        out.push_back(std::move(p));
        vertices.emplace_back();
      }
      vertices[it->second].push_back({x, y});
    }
    for (auto const& [id, n] : sized_repeats)
      notes.push_back(path + ": " + std::to_string(n + 1) + " rows with a size share the id '" + id +
                      "': read as separate plots " + id + ", " + id + "#2, ...");
    int polygons = 0;
    for (auto const& v : vertices) polygons += v.size() >= 3 ? 1 : 0;
    if (polygons > 0)
      notes.push_back(path + ": " + std::to_string(polygons) +
                      " ids repeat over rows without a size: each read as the vertices of one polygon plot");
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (vertices[i].size() < 3) continue;
      auto ring = std::make_unique<OGRLinearRing>();
      for (auto const& [x, y] : vertices[i]) ring->addPoint(x, y);
      ring->closeRings();
      auto poly = std::make_unique<OGRPolygon>();
      poly->addRingDirectly(ring.release());
      // Outlines traced with self-crossings (or several sub-plots in one list) fall back to the
      // convex hull of their vertices; GEOS's diagnostics for them are not the user's concern.
      CPLPushErrorHandler(CPLQuietErrorHandler);
      bool const valid = poly->IsValid();
      CPLPopErrorHandler();
      if (!valid) out[i].footprint.reset(poly->ConvexHull());
      else out[i].footprint = std::move(poly);
    }
  } else {
    auto const* layer_srs = layer->GetSpatialRef();
    SINKMAP_EXPECTS(layer_srs != nullptr, bad_input, "--plots: '" + path + "' has no CRS");
    srs = *layer_srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    for (auto const& f : *layer) {
      plot p;
      p.id = fid >= 0 ? f->GetFieldAsString(fid) : std::to_string(f->GetFID());
      p.source = path + " feature " + std::to_string(f->GetFID());
      if (fval >= 0) p.observed = observed_value(f->GetFieldAsString(fval), p.source + " field " + defn->GetFieldDefn(fval)->GetNameRef());
      SINKMAP_EXPECTS(f->GetGeometryRef() != nullptr, bad_input, p.source + ": no geometry");
      p.footprint.reset(f->GetGeometryRef()->clone());
      if (wkbFlatten(p.footprint->getGeometryType()) == wkbPoint) {
        if (fsize >= 0 && !f->IsFieldNull(fsize) && f->IsFieldSet(fsize))
          make_circle(p, srs, plot_radius_m(f->GetFieldAsDouble(fsize), true, p.source));
        else if (fradius >= 0 && !f->IsFieldNull(fradius) && f->IsFieldSet(fradius))
          make_circle(p, srs, plot_radius_m(f->GetFieldAsDouble(fradius), false, p.source));
      }
      out.push_back(std::move(p));
    }
  }
  for (auto& p : out) {
    if (!joined.empty()) {
      auto it = joined.find(p.id);
      p.observed = it == joined.end() ? NAN : it->second;
    }
    to_map(p, srs, map);
  }
  return out;
}

}  // namespace

std::vector<plot> load_plots(std::vector<std::string> const& paths, plot_options const& opt,
                             std::string const& map_crs_wkt, std::vector<std::string>* notes_out)
{
  std::vector<std::string> notes;
  io::init_gdal();
  SINKMAP_EXPECTS(!paths.empty(), bad_input, "--plots: give at least one plot file");
  SINKMAP_EXPECTS(!map_crs_wkt.empty(), bad_input, "the map has no CRS to place plots in");
  OGRSpatialReference map;
  map.importFromWkt(map_crs_wkt.c_str());
  map.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::vector<plot> out;
  for (auto const& path : paths) {
    SINKMAP_EXPECTS(std::filesystem::exists(path), bad_input, "--plots: no file '" + path + "'");
    if (is_hdf5(path)) {
      OGRSpatialReference wgs;
      wgs.importFromEPSG(4326);
      wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      for (auto const& s : read_gedi_l4a(path, opt.gedi_all_quality)) {
        plot p;
        p.id = s.beam + ":" + std::to_string(s.index);
        p.observed = s.agbd;
        p.source = path + " " + p.id;
        p.footprint = ground_circle(s.lon, s.lat, 12.5);  // GEDI footprint: 25 m diameter
        to_map(p, wgs, map);
        out.push_back(std::move(p));
      }
    } else {
      auto v = load_csv_or_vector(path, opt, map, notes);
      for (auto& p : v) out.push_back(std::move(p));
    }
  }
  std::size_t missing = 0;
  for (auto const& p : out) missing += std::isnan(p.observed) ? 1 : 0;
  if (missing > 0)
    notes.push_back(std::to_string(missing) + " of " + std::to_string(out.size()) +
                    " plots have no observed value (NA or empty): listed, not used");
  if (notes_out) *notes_out = notes;
  return out;
}

std::vector<extraction> extract(std::string const& map, int band, std::vector<plot> const& plots)
{
  auto ds = io::open_raster(map, "MAP");
  auto* b = ds->GetRasterBand(band);
  int const W = ds->GetRasterXSize(), H = ds->GetRasterYSize();
  double gt[6];
  SINKMAP_EXPECTS(ds->GetGeoTransform(gt) == CE_None && gt[2] == 0 && gt[4] == 0, bad_input,
                  "MAP '" + map + "' needs a north-up geotransform");
  int has_nd = 0;
  double const nd = b->GetNoDataValue(&has_nd);
  auto const is_nd = [&](double v) { return std::isnan(v) || (has_nd && v == nd); };

  std::vector<extraction> out(plots.size());
  for (std::size_t k = 0; k < plots.size(); ++k) {
    auto const& g = *plots[k].footprint;
    auto& e = out[k];
    if (wkbFlatten(g.getGeometryType()) == wkbPoint) {
      auto const* pt = g.toPoint();
      int const c = int(std::floor((pt->getX() - gt[0]) / gt[1]));
      int const r = int(std::floor((pt->getY() - gt[3]) / gt[5]));
      if (c < 0 || r < 0 || c >= W || r >= H) {
        e.excluded = "outside the map";
        continue;
      }
      float v = NAN;
      if (b->RasterIO(GF_Read, c, r, 1, 1, &v, 1, 1, GDT_Float32, 0, 0, nullptr) != CE_None)
        SINKMAP_FAIL(runtime_failure, "cannot read '" + map + "'" + io::gdal_reason());
      if (is_nd(v)) {
        e.excluded = "on nodata";
        continue;
      }
      e.predicted = v;
      e.pixels = 1;
      continue;
    }
    OGREnvelope env;
    g.getEnvelope(&env);
    int const c0 = std::max(0, int(std::floor((env.MinX - gt[0]) / gt[1])));
    int const c1 = std::min(W - 1, int(std::floor((env.MaxX - gt[0]) / gt[1])));
    int const r0 = std::max(0, int(std::floor((env.MaxY - gt[3]) / gt[5])));
    int const r1 = std::min(H - 1, int(std::floor((env.MinY - gt[3]) / gt[5])));
    if (c0 > c1 || r0 > r1) {
      e.excluded = "outside the map";
      continue;
    }
    int const w = c1 - c0 + 1, h = r1 - r0 + 1;
    std::vector<float> v(std::size_t(w) * h);
    if (b->RasterIO(GF_Read, c0, r0, w, h, v.data(), w, h, GDT_Float32, 0, 0, nullptr) != CE_None)
      SINKMAP_FAIL(runtime_failure, "cannot read '" + map + "'" + io::gdal_reason());
    double sum = 0, weight = 0, covered = 0;
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) {
        double const x0 = gt[0] + gt[1] * (c0 + c), y0 = gt[3] + gt[5] * (r0 + r);
        OGRLinearRing ring;
        ring.addPoint(x0, y0);
        ring.addPoint(x0 + gt[1], y0);
        ring.addPoint(x0 + gt[1], y0 + gt[5]);
        ring.addPoint(x0, y0 + gt[5]);
        ring.closeRings();
        OGRPolygon cell;
        cell.addRing(&ring);
        std::unique_ptr<OGRGeometry> part(cell.Intersection(&g));
        double const a = part ? OGR_G_Area(OGRGeometry::ToHandle(part.get())) : 0.0;
        if (a <= 0) continue;
        covered += a;
        float const val = v[std::size_t(r) * w + c];
        if (is_nd(val)) continue;
        sum += a * val;
        weight += a;
        ++e.pixels;
      }
    if (covered <= 0) e.excluded = "outside the map";
    else if (weight <= 0) e.excluded = "wholly on nodata";
    else e.predicted = sum / weight;
  }
  return out;
}

std::vector<double> sample_at_centroids(std::string const& raster, int band,
                                        std::vector<plot> const& plots, std::string const& map_wkt)
{
  auto ds = io::open_raster(raster, "--landcover");
  double gt[6];
  ds->GetGeoTransform(gt);
  OGRSpatialReference from, to;
  from.importFromWkt(map_wkt.c_str());
  from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  to = *ds->GetSpatialRef();
  to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct;
  if (!from.IsSame(&to)) ct.reset(OGRCreateCoordinateTransformation(&from, &to));
  std::vector<double> out;
  for (auto const& p : plots) {
    OGRPoint c;
    p.footprint->Centroid(&c);
    if (ct) c.transform(ct.get());
    int const col = int(std::floor((c.getX() - gt[0]) / gt[1]));
    int const row = int(std::floor((c.getY() - gt[3]) / gt[5]));
    float v = NAN;
    if (col >= 0 && row >= 0 && col < ds->GetRasterXSize() && row < ds->GetRasterYSize())
      if (ds->GetRasterBand(band)->RasterIO(GF_Read, col, row, 1, 1, &v, 1, 1, GDT_Float32, 0, 0, nullptr) != CE_None)
        v = NAN;
    out.push_back(v);
  }
  return out;
}

}  // namespace sinkmap::validate
