#include "io/target_grid.hpp"

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "indices/index_request.hpp"
#include "gdal/gdal_session.hpp"

#include <gdal_alg.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

namespace sinkmap::io {
namespace {

std::string exact(double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string wkt_of(OGRSpatialReference const& srs)
{
  char* wkt = nullptr;
  char const* opts[] = {"FORMAT=WKT2_2018", nullptr};
  srs.exportToWkt(&wkt, opts);
  std::string s = wkt ? wkt : "";
  CPLFree(wkt);
  return s;
}

struct envelope {
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
  [[nodiscard]] bool empty() const { return !(xmin < xmax && ymin < ymax); }
};

// The footprint of a raster in `target` as gdalwarp computes it (GDALSuggestedWarpOutput2; the
// sampled edges where it cannot) and the size of its pixel there (mean over the footprint).
envelope footprint_in(std::string const& file, OGRSpatialReference const& target, double* pixel)
{
  auto ds = open_raster(file, "input");
  double gt[6];
  SINKMAP_EXPECTS(ds->GetGeoTransform(gt) == CE_None, bad_input,
                  "--grid: '" + file + "' has no georeferencing to warp");
  take_gdal_error();
  OGRSpatialReference const* src = ds->GetSpatialRef();
  SINKMAP_EXPECTS(src != nullptr, bad_input, "--grid: '" + file + "' has no coordinate system");
  OGRSpatialReference s(*src), t(target);
  s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  t.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&s, &t));
  SINKMAP_EXPECTS(ct != nullptr, bad_input, "--grid: cannot transform '" + file + "' to the grid's CRS" + gdal_reason());
  int const w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
  envelope e;
  int const steps = 20;
  for (int k = 0; k <= steps; ++k) {
    double const f = double(k) / steps;
    double const px[4] = {f * w, f * w, 0, double(w)}, py[4] = {0, double(h), f * h, f * h};
    for (int q = 0; q < 4; ++q) {
      double x = gt[0] + px[q] * gt[1] + py[q] * gt[2], y = gt[3] + px[q] * gt[4] + py[q] * gt[5];
      if (!ct->Transform(1, &x, &y)) continue;
      e.xmin = std::min(e.xmin, x);
      e.xmax = std::max(e.xmax, x);
      e.ymin = std::min(e.ymin, y);
      e.ymax = std::max(e.ymax, y);
    }
  }
  if (pixel && !e.empty()) *pixel = std::sqrt((e.xmax - e.xmin) * (e.ymax - e.ymin) / (double(w) * h));
  // The extent as gdalwarp makes it (GDALSuggestedWarpOutput2, whose square output pixels can
  // reach past the sampled edges), so a default grid equals gdalwarp -tap -tr's; the sampled
  // envelope above stays where GDAL cannot build the transformer.
  std::string const wkt = wkt_of(target);
  char const* opts[] = {nullptr, nullptr};
  std::string const dst = "DST_SRS=" + wkt;
  opts[0] = dst.c_str();
  void* tr = GDALCreateGenImgProjTransformer2(GDALDataset::ToHandle(ds.get()), nullptr, const_cast<char**>(opts));
  if (tr) {
    double sgt[6], ext[4];
    int nx = 0, ny = 0;
    if (GDALSuggestedWarpOutput2(GDALDataset::ToHandle(ds.get()), GDALGenImgProjTransform, tr, sgt, &nx, &ny, ext, 0) ==
        CE_None)
      e = {ext[0], ext[1], ext[2], ext[3]};
    GDALDestroyGenImgProjTransformer(tr);
  }
  take_gdal_error();
  return e;
}

}  // namespace

std::array<double, 4> parse_extent(std::string const& text)
{
  auto const parts = indices::split_list(text);
  SINKMAP_EXPECTS(parts.size() == 4, bad_input,
                  "--extent '" + text + "': expected XMIN,YMIN,XMAX,YMAX");
  std::array<double, 4> e{};
  for (int k = 0; k < 4; ++k) e[std::size_t(k)] = parse_double(parts[std::size_t(k)], "--extent");
  SINKMAP_EXPECTS(e[0] < e[2] && e[1] < e[3], bad_input,
                  "--extent '" + text + "': XMIN must be below XMAX and YMIN below YMAX");
  return e;
}

std::string parse_resampling(std::string const& s)
{
  SINKMAP_EXPECTS(s == "near" || s == "nearest" || s == "bilinear" || s == "cubic" || s == "average",
                  bad_input, "--resampling '" + s + "': expected near, bilinear, cubic or average");
  return s == "nearest" ? "near" : s;
}

raster_grid resolve_grid(grid_spec const& spec, std::vector<std::string> const& inputs)
{
  init_gdal();
  if (spec.crs.empty()) {
    // --like alone: that raster's grid exactly.
    SINKMAP_EXPECTS(spec.resolution == 0 && !spec.extent, bad_input,
                    "--resolution and --extent need --grid CRS");
    raster_grid g = grid_of_file(spec.like);
    SINKMAP_EXPECTS(g.has_geotransform && !g.crs_wkt.empty(), bad_input,
                    "--like: '" + spec.like + "' has no georeferencing");
    g.block_w = std::min(g.width, 256);
    g.block_h = std::min(g.height, 256);
    for (auto const& f : inputs)
      SINKMAP_EXPECTS(grid_overlaps(g, f), bad_input, "--like: the grid of '" + spec.like + "' misses '" + f + "'");
    return g;
  }
  OGRSpatialReference target;
  SINKMAP_EXPECTS(target.SetFromUserInput(spec.crs.c_str()) == OGRERR_NONE, bad_input,
                  "--grid '" + spec.crs + "': not a coordinate system GDAL knows (e.g. EPSG:32650)" + gdal_reason());
  SINKMAP_EXPECTS(std::isfinite(spec.resolution) && spec.resolution > 0, bad_input,
                  "--resolution: give the pixel size (in the units of " + spec.crs + ") with --grid");
  envelope e;
  if (spec.extent) {
    auto const& x = *spec.extent;
    e = {x[0], x[1], x[2], x[3]};
  } else if (!spec.like.empty()) {
    e = footprint_in(spec.like, target, nullptr);
  } else {
    for (auto const& f : inputs) {
      envelope const fe = footprint_in(f, target, nullptr);
      e.xmin = std::min(e.xmin, fe.xmin);
      e.ymin = std::min(e.ymin, fe.ymin);
      e.xmax = std::max(e.xmax, fe.xmax);
      e.ymax = std::max(e.ymax, fe.ymax);
    }
  }
  SINKMAP_EXPECTS(!e.empty(), bad_input, "--grid: no extent (no input, or inputs outside the CRS's area of use)");
  double const r = spec.resolution;
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  if (spec.extent && !spec.target_aligned) {
    // An explicit extent is the grid, as gdalwarp -te -tr makes it: origin at its upper-left
    // corner, when it holds a whole number of pixels (within 1e-9 of a pixel: decimal extents
    // such as 0.1 degree steps are not exact in binary). Another extent would have to move an
    // edge: refused, naming the nearest exact one, unless --target-aligned-pixels says widen.
    double const nx = (e.xmax - e.xmin) / r, ny = (e.ymax - e.ymin) / r;
    bool const whole = std::abs(nx - std::round(nx)) <= 1e-9 && std::abs(ny - std::round(ny)) <= 1e-9;
    if (!whole) {
      double const wx = std::max(1.0, std::round(nx)), wy = std::max(1.0, std::round(ny));
      SINKMAP_FAIL(bad_input, "--extent " + exact(e.xmin) + "," + exact(e.ymin) + "," + exact(e.xmax) + "," +
                                exact(e.ymax) + " is " + exact(nx) + " x " + exact(ny) + " pixels of " + exact(r) +
                                ", not whole: give an extent of whole pixels (the nearest: " + exact(e.xmin) + "," +
                                exact(e.ymax - wy * r) + "," + exact(e.xmin + wx * r) + "," + exact(e.ymax) +
                                "), or --target-aligned-pixels to widen it outward to multiples of the resolution");
    }
    x0 = e.xmin;
    y1 = e.ymax;
    x1 = x0 + std::round(nx) * r;
    y0 = y1 - std::round(ny) * r;
  } else {
    // Snap outward to whole multiples of the resolution (as gdalwarp -tap), so grids of
    // separate runs line up.
    x0 = std::floor(e.xmin / r) * r;
    x1 = std::ceil(e.xmax / r) * r;
    y0 = std::floor(e.ymin / r) * r;
    y1 = std::ceil(e.ymax / r) * r;
  }
  double const w = std::round((x1 - x0) / r), h = std::round((y1 - y0) / r);
  SINKMAP_EXPECTS(w >= 1 && h >= 1 && w * h <= 4e12 && w < 2147483647 && h < 2147483647, bad_input,
                  "--grid: " + exact(w) + " x " + exact(h) + " pixels: check --resolution and --extent");
  raster_grid g;
  g.width = int(w);
  g.height = int(h);
  g.geotransform = {x0, r, 0, y1, 0, -r};
  g.has_geotransform = true;
  g.crs_wkt = wkt_of(target);
  g.block_w = std::min(g.width, 256);
  g.block_h = std::min(g.height, 256);
  bool any = inputs.empty();
  for (auto const& f : inputs) any = any || grid_overlaps(g, f);
  SINKMAP_EXPECTS(any, bad_input, "--grid: the grid (" + spec.crs + ", extent " + exact(x0) + "," +
                                    exact(y0) + "," + exact(x1) + "," + exact(y1) +
                                    ") misses every input");
  return g;
}

bool grid_overlaps(raster_grid const& grid, std::string const& file)
{
  OGRSpatialReference target;
  target.importFromWkt(grid.crs_wkt.c_str());
  envelope const e = footprint_in(file, target, nullptr);
  auto const& gt = grid.geotransform;
  double const gx0 = gt[0], gx1 = gt[0] + gt[1] * grid.width;
  double const gy1 = gt[3], gy0 = gt[3] + gt[5] * grid.height;
  return !e.empty() && e.xmin < gx1 && e.xmax > gx0 && e.ymin < gy1 && e.ymax > gy0;
}

std::string warp_to_grid(std::string const& file, raster_grid const& grid,
                         std::string const& resampling, warp_kind const& kind,
                         std::string const& option)
{
  auto src = open_raster(file, option);
  auto* band = src->GetRasterBand(1);
  int has_nd = 0;
  double const nd = band->GetNoDataValue(&has_nd);
  std::vector<std::string> args = {"-of", "VRT", "-t_srs", grid.crs_wkt};
  auto const& gt = grid.geotransform;
  args.insert(args.end(), {"-te", exact(gt[0]), exact(gt[3] + gt[5] * grid.height),
                           exact(gt[0] + gt[1] * grid.width), exact(gt[3]), "-ts",
                           std::to_string(grid.width), std::to_string(grid.height)});
  std::string method = resampling;
  if (kind.categorical) {
    OGRSpatialReference target;
    target.importFromWkt(grid.crs_wkt.c_str());
    double src_pixel = 0;
    footprint_in(file, target, &src_pixel);
    method = src_pixel > 0 && std::abs(gt[1]) > 1.5 * src_pixel ? "mode" : "near";
    args.insert(args.end(), {"-dstnodata", exact(has_nd ? nd : kind.fill)});
  } else if (has_nd) {
    args.insert(args.end(), {"-dstnodata", exact(nd)});
  } else {
    args.insert(args.end(), {"-ot", "Float32", "-dstnodata", "nan"});
  }
  args.insert(args.end(), {"-r", method});
  std::string const dst = vsimem_vrt_path("grid");
  gdal_string_list const argv(args);
  GDALWarpAppOptions* o = GDALWarpAppOptionsNew(argv.get(), nullptr);
  GDALDatasetH in = GDALDataset::ToHandle(src.get());
  take_gdal_error();
  int usage = 0;
  GDALDatasetH out = GDALWarp(dst.c_str(), nullptr, 1, &in, o, &usage);
  GDALWarpAppOptionsFree(o);
  SINKMAP_EXPECTS(out != nullptr, bad_input,
                  option + ": cannot warp '" + file + "' onto the grid" + gdal_reason());
  GDALClose(out);
  return dst;
}

}  // namespace sinkmap::io

namespace sinkmap::io {

std::unique_ptr<OGRCoordinateTransformation> to_lonlat(raster_grid const& grid)
{
  OGRSpatialReference src, wgs;
  if (grid.crs_wkt.empty() || src.importFromWkt(grid.crs_wkt.c_str()) != OGRERR_NONE) return nullptr;
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  wgs.importFromEPSG(4326);
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &wgs));
  take_gdal_error();
  return ct;
}

std::optional<std::array<double, 4>> lonlat_bounds(raster_grid const& grid)
{
  if (!grid.has_geotransform) return std::nullopt;
  auto const t = to_lonlat(grid);
  if (!t) return std::nullopt;
  auto const& g = grid.geotransform;
  std::vector<double> x, y;
  int const steps = 20;
  for (int k = 0; k <= steps; ++k) {
    double const f = double(k) / steps;
    for (auto const& [px, py] : {std::pair{f * grid.width, 0.0}, std::pair{f * grid.width, double(grid.height)},
                                 std::pair{0.0, f * grid.height}, std::pair{double(grid.width), f * grid.height}}) {
      x.push_back(g[0] + px * g[1] + py * g[2]);
      y.push_back(g[3] + px * g[4] + py * g[5]);
    }
  }
  std::vector<int> ok(x.size());
  if (!t->Transform(x.size(), x.data(), y.data(), nullptr, ok.data())) return std::nullopt;
  std::array<double, 4> b{INFINITY, INFINITY, -INFINITY, -INFINITY};
  for (std::size_t i = 0; i < x.size(); ++i)
    if (ok[i]) {
      b[0] = std::min(b[0], x[i]);
      b[1] = std::min(b[1], y[i]);
      b[2] = std::max(b[2], x[i]);
      b[3] = std::max(b[3], y[i]);
    }
  if (!(b[0] <= b[2])) return std::nullopt;
  return b;
}

}  // namespace sinkmap::io
