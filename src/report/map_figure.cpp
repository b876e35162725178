#include "report/map_figure.hpp"

#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "report/html.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>

namespace sinkmap::report {
namespace {

struct rgb {
  double r, g, b;
};

// Viridis at five stops (matplotlib's), interpolated linearly.
rgb sequential(double t)
{
  static rgb const stops[5] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::clamp(t, 0.0, 1.0) * 4;
  int const k = std::min(3, int(t));
  double const f = t - k;
  return {stops[k].r + f * (stops[k + 1].r - stops[k].r), stops[k].g + f * (stops[k + 1].g - stops[k].g),
          stops[k].b + f * (stops[k + 1].b - stops[k].b)};
}

// Brown (losses) - white - green (uptake), t in [-1, 1].
rgb diverging(double t)
{
  t = std::clamp(t, -1.0, 1.0);
  rgb const neg = {140, 81, 10}, mid = {245, 245, 245}, pos = {1, 102, 94};
  rgb const& e = t < 0 ? neg : pos;
  double const f = std::abs(t);
  return {mid.r + f * (e.r - mid.r), mid.g + f * (e.g - mid.g), mid.b + f * (e.b - mid.b)};
}

std::string hex(rgb c)
{
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", int(c.r + 0.5), int(c.g + 0.5), int(c.b + 0.5));
  return buf;
}

rgb const nodata = {217, 217, 217};

std::string coordinate_label(double v, bool geographic)
{
  return geographic ? number(v, 2) + "\xC2\xB0" : number(v / 1000.0, v / 1000.0 == std::floor(v / 1000.0) ? 0 : 1) + " km";
}

}  // namespace

std::string svg_map(map_figure const& f)
{
  io::init_gdal();
  // The session does not list folders on open (GDAL_DISABLE_READDIR_ON_OPEN): here it must, to
  // find the raster's sidecar with the class names.
  GDALDatasetUniquePtr ds;
  {
    io::scoped_thread_config const list_folders("GDAL_DISABLE_READDIR_ON_OPEN", "NO");
    ds.reset(GDALDataset::Open(f.raster.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  }
  SINKMAP_EXPECTS(ds && f.band >= 1 && f.band <= ds->GetRasterCount(), runtime_failure,
                  "report: cannot read band " + std::to_string(f.band) + " of '" + f.raster + "'");
  int const W = ds->GetRasterXSize(), H = ds->GetRasterYSize();
  double gt[6] = {0, 1, 0, 0, 0, -1};
  ds->GetGeoTransform(gt);
  ds->GetMetadata();  // loads GDAL's sidecar (category names) before the band is asked for them
  // About 480 pixels on the long side: averaged (or the mode) when shrinking, and small rasters
  // enlarged by whole pixels so that each stays a crisp square.
  double const want = 480.0 / std::max(W, H);
  double const scale = want >= 1 ? std::floor(want) : want;
  int const w = std::max(1, int(std::lround(W * scale))), h = std::max(1, int(std::lround(H * scale)));
  auto* band = ds->GetRasterBand(f.band);
  std::vector<float> v(std::size_t(w) * h);
  GDALRasterIOExtraArg extra;
  INIT_RASTERIO_EXTRA_ARG(extra);
  extra.eResampleAlg = scale >= 1 ? GRIORA_NearestNeighbour
                       : f.colours == map_colours::classes ? GRIORA_Mode : GRIORA_Average;
  SINKMAP_EXPECTS(band->RasterIO(GF_Read, 0, 0, W, H, v.data(), w, h, GDT_Float32, 0, 0, &extra) == CE_None,
                  runtime_failure, "report: cannot read '" + f.raster + "'" + io::gdal_reason());
  int has_nd = 0;
  double const nd = band->GetNoDataValue(&has_nd);
  auto is_nd = [&](float x) { return std::isnan(x) || (has_nd && double(x) == nd); };

  // Colours and the legend's entries.
  std::vector<float> valid;
  for (float x : v)
    if (!is_nd(x)) valid.push_back(x);
  std::sort(valid.begin(), valid.end());
  double lo = valid.empty() ? 0 : valid[std::size_t(0.02 * (valid.size() - 1))];
  double hi = valid.empty() ? 1 : valid[std::size_t(0.98 * (valid.size() - 1))];
  if (f.colours == map_colours::diverging) hi = lo = std::max(std::abs(lo), std::abs(hi)), lo = -hi;
  if (!(hi > lo)) hi = lo + 1;
  GDALColorTable const* ct = band->GetColorTable();
  char** cats = band->GetCategoryNames();
  std::map<int, std::size_t> classes_present;
  cv::Mat img(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float const val = v[std::size_t(y) * w + x];
      rgb c = nodata;
      if (!is_nd(val)) {
        if (f.colours == map_colours::classes) {
          int const id = int(val);
          ++classes_present[id];
          if (ct && id >= 0 && id < ct->GetColorEntryCount()) {
            GDALColorEntry const* e = ct->GetColorEntry(id);
            c = {double(e->c1), double(e->c2), double(e->c3)};
          } else {
            c = sequential(double(id % 10) / 9.0);
          }
        } else if (f.colours == map_colours::diverging) {
          c = diverging(val / hi);
        } else {
          c = sequential((val - lo) / (hi - lo));
        }
      }
      img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(c.b), uchar(c.g), uchar(c.r));
    }
  std::vector<uchar> png;
  cv::imencode(".png", img, png);

  // Layout: frame with ticks left and below, legend to the right.
  double const left = 70, top = 28, legend_w = 190;
  double const fw = w, fh = h;
  std::size_t const legend_rows = f.colours == map_colours::classes ? classes_present.size() + 3 : 12;
  double const total_w = left + fw + 20 + legend_w,
               total_h = std::max(top + fh + 72, top + 14.0 * double(legend_rows) + 24);
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << total_w << "\" height=\"" << total_h
    << "\" viewBox=\"0 0 " << total_w << " " << total_h << "\" font-family=\"sans-serif\" font-size=\"10\">";
  s << "<text x=\"" << left << "\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" << escape_html(f.title) << "</text>";
  s << "<image x=\"" << left << "\" y=\"" << top << "\" width=\"" << fw << "\" height=\"" << fh
    << "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,"
    << base64(std::string(png.begin(), png.end())) << "\"/>";
  s << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << fw << "\" height=\"" << fh
    << "\" fill=\"none\" stroke=\"#000\"/>";
  // Map coordinates -> figure coordinates (north-up grids).
  auto fx = [&](double X) { return left + (X - gt[0]) / gt[1] * scale; };
  auto fy = [&](double Y) { return top + (Y - gt[3]) / gt[5] * scale; };
  OGRSpatialReference srs;
  bool const has_srs = ds->GetSpatialRef() != nullptr;
  if (has_srs) {
    srs = *ds->GetSpatialRef();
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  }
  bool const geographic = has_srs && srs.IsGeographic();
  double const x0 = gt[0], x1 = gt[0] + W * gt[1], y1 = gt[3], y0 = gt[3] + H * gt[5];
  for (double t : nice_ticks(x0, x1, std::max(2, int(fw / 110)))) {
    double const X = fx(t);
    s << "<line x1=\"" << X << "\" x2=\"" << X << "\" y1=\"" << top + fh << "\" y2=\"" << top + fh + 5
      << "\" stroke=\"#000\"/><text x=\"" << X << "\" y=\"" << top + fh + 16 << "\" text-anchor=\"middle\">"
      << coordinate_label(t, geographic) << "</text>";
  }
  for (double t : nice_ticks(y0, y1, std::max(2, int(fh / 60)))) {
    double const Y = fy(t);
    s << "<line x1=\"" << left - 5 << "\" x2=\"" << left << "\" y1=\"" << Y << "\" y2=\"" << Y
      << "\" stroke=\"#000\"/><text x=\"" << left - 7 << "\" y=\"" << Y + 3 << "\" text-anchor=\"end\">"
      << coordinate_label(t, geographic) << "</text>";
  }
  // Scale bar: a round length near a quarter of the width.
  double const metres_per_unit = geographic ? 111320.0 * std::cos((y0 + y1) / 2 * M_PI / 180) : 1.0;
  double const bar_want = 0.25 * (x1 - x0) * metres_per_unit;
  double const mag = std::pow(10.0, std::floor(std::log10(bar_want)));
  double len = mag;
  for (double m : {1.0, 2.0, 5.0})
    if (m * mag <= bar_want) len = m * mag;
  double const bar_px = len / metres_per_unit / gt[1] * scale;
  double const by = top + fh + 30;
  s << "<rect x=\"" << left << "\" y=\"" << by << "\" width=\"" << bar_px << "\" height=\"5\" fill=\"#000\"/>"
    << "<text x=\"" << left + bar_px + 6 << "\" y=\"" << by + 6 << "\">"
    << (len >= 1000 ? number(len / 1000, len >= 10000 ? 0 : 1) + " km" : number(len, 0) + " m") << "</text>";
  if (has_srs)
    s << "<text x=\"" << left << "\" y=\"" << by + 22 << "\">" << escape_html(srs.GetName() ? srs.GetName() : "")
      << "</text>";

  // Zone outlines and names.
  if (!f.zones_file.empty()) {
    GDALDatasetUniquePtr zds(GDALDataset::Open(f.zones_file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (zds && zds->GetLayerCount() > 0) {
      OGRLayer* l = zds->GetLayer(0);
      std::unique_ptr<OGRCoordinateTransformation> tr;
      if (has_srs && l->GetSpatialRef()) {
        OGRSpatialReference from = *l->GetSpatialRef();
        from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        tr.reset(OGRCreateCoordinateTransformation(&from, &srs));
      }
      s << "<g fill=\"none\" stroke=\"#000\" stroke-width=\"1\">";
      std::ostringstream names;
      for (auto const& feat : *l) {
        OGRGeometry const* g0 = feat->GetGeometryRef();
        if (!g0) continue;
        std::unique_ptr<OGRGeometry> g(g0->clone());
        if (tr && g->transform(tr.get()) != OGRERR_NONE) continue;
        std::string d;
        auto ring_path = [&](OGRLinearRing const* r) {
          for (int k = 0; k < r->getNumPoints(); ++k)
            d += (k ? "L" : "M") + number(fx(r->getX(k)), 1) + "," + number(fy(r->getY(k)), 1);
          d += "Z";
        };
        auto polygon_path = [&](OGRPolygon const* p) {
          if (p->getExteriorRing()) ring_path(p->getExteriorRing());
          for (int k = 0; k < p->getNumInteriorRings(); ++k) ring_path(p->getInteriorRing(k));
        };
        auto const type = wkbFlatten(g->getGeometryType());
        if (type == wkbPolygon) polygon_path(g->toPolygon());
        else if (type == wkbMultiPolygon)
          for (auto const* p : *g->toMultiPolygon()) polygon_path(p);
        if (d.empty()) continue;
        s << "<path d=\"" << d << "\"/>";
        OGRPoint c;
        if (g->Centroid(&c) == OGRERR_NONE && !f.zone_field.empty())
          names << "<text x=\"" << fx(c.getX()) << "\" y=\"" << fy(c.getY()) << "\" text-anchor=\"middle\" "
                << "paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\">"
                << escape_html(feat->GetFieldAsString(f.zone_field.c_str())) << "</text>";
      }
      s << "</g><g font-size=\"10\">" << names.str() << "</g>";
    }
  }

  // Point markers (plots) coloured by their value.
  double pmax = 0;
  for (double p : f.points.value)
    if (std::isfinite(p)) pmax = std::max(pmax, std::abs(p));
  if (!(pmax > 0)) pmax = 1;
  for (std::size_t k = 0; k < f.points.x.size(); ++k) {
    double const val = f.points.value[k];
    s << "<circle cx=\"" << fx(f.points.x[k]) << "\" cy=\"" << fy(f.points.y[k]) << "\" r=\"4\" stroke=\"#000\" fill=\""
      << (std::isfinite(val) ? hex(diverging(val / pmax)) : "#ffffff") << "\"><title>" << number(val, 1)
      << "</title></circle>";
  }

  // Legend.
  double const lx = left + fw + 20;
  double ly = top;
  auto swatch = [&](std::string const& colour, std::string const& label) {
    s << "<rect x=\"" << lx << "\" y=\"" << ly << "\" width=\"12\" height=\"10\" fill=\"" << colour
      << "\" stroke=\"#666\"/><text x=\"" << lx + 17 << "\" y=\"" << ly + 9 << "\">" << escape_html(label) << "</text>";
    ly += 14;
  };
  if (f.colours == map_colours::classes) {
    s << "<text x=\"" << lx << "\" y=\"" << ly + 8 << "\" font-weight=\"bold\">classes</text>";
    ly += 14;
    for (auto const& [id, n] : classes_present) {
      std::string name = "class " + std::to_string(id);
      if (cats) {
        int k = 0;
        for (char** c = cats; *c; ++c, ++k)
          if (k == id && **c) name = *c;
      }
      rgb c = sequential(double(id % 10) / 9.0);
      if (ct && id >= 0 && id < ct->GetColorEntryCount()) {
        GDALColorEntry const* e = ct->GetColorEntry(id);
        c = {double(e->c1), double(e->c2), double(e->c3)};
      }
      swatch(hex(c), name);
    }
  } else {
    s << "<text x=\"" << lx << "\" y=\"" << ly + 8 << "\" font-weight=\"bold\">" << escape_html(f.unit) << "</text>";
    ly += 14;
    s << "<defs><linearGradient id=\"ramp" << std::hash<std::string>{}(f.raster + f.title) << "\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
    for (int k = 0; k <= 10; ++k) {
      double const t = k / 10.0;
      rgb const c = f.colours == map_colours::diverging ? diverging(2 * t - 1) : sequential(t);
      s << "<stop offset=\"" << t << "\" stop-color=\"" << hex(c) << "\"/>";
    }
    s << "</linearGradient></defs><rect x=\"" << lx << "\" y=\"" << ly << "\" width=\"14\" height=\"120\" fill=\"url(#ramp"
      << std::hash<std::string>{}(f.raster + f.title) << ")\" stroke=\"#666\"/>";
    int const digits = hi - lo < 10 ? 2 : hi - lo < 100 ? 1 : 0;
    s << "<text x=\"" << lx + 20 << "\" y=\"" << ly + 8 << "\">" << number(hi, digits) << "</text>"
      << "<text x=\"" << lx + 20 << "\" y=\"" << ly + 124 << "\">" << number(lo, digits) << "</text>";
    if (f.colours == map_colours::diverging)
      s << "<text x=\"" << lx + 20 << "\" y=\"" << ly + 64 << "\">0</text>";
    ly += 134;
  }
  swatch(hex(nodata), "no data");
  if (!f.points.x.empty()) {
    s << "<text x=\"" << lx << "\" y=\"" << ly + 8 << "\">" << escape_html(f.points.label) << ": &#177;" << number(pmax, 1)
      << "</text>";
  }
  s << "</svg>";
  return s.str();
}

}  // namespace sinkmap::report
