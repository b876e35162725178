#include "io/scene.hpp"

#include "core/error.hpp"
#include "io/gdal_session.hpp"
#include "sensors/band_role_names.hpp"

#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace sinkmap::io {
namespace {

raster_grid grid_of(GDALDataset& ds)
{
  raster_grid g;
  g.width = ds.GetRasterXSize();
  g.height = ds.GetRasterYSize();
  g.has_geotransform = ds.GetGeoTransform(g.geotransform.data()) == CE_None;
  take_gdal_error();
  if (auto const* srs = ds.GetSpatialRef()) {
    char* wkt = nullptr;
    char const* opts[] = {"FORMAT=WKT2_2018", nullptr};
    if (srs->exportToWkt(&wkt, opts) == OGRERR_NONE && wkt) g.crs_wkt = wkt;
    CPLFree(wkt);
  }
  ds.GetRasterBand(1)->GetBlockSize(&g.block_w, &g.block_h);
  return g;
}

std::string size_text(raster_grid const& g)
{
  return std::to_string(g.width) + "x" + std::to_string(g.height);
}

bool same_crs(std::string const& a, std::string const& b)
{
  if (a.empty() || b.empty()) return a.empty() && b.empty();
  OGRSpatialReference sa, sb;
  sa.importFromWkt(a.c_str());
  sb.importFromWkt(b.c_str());
  return sa.IsSame(&sb) != 0;
}

void check_same_grid(raster_grid const& ref, std::string const& ref_file, raster_grid const& g,
                     std::string const& file)
{
  std::string const both = "'" + ref_file + "' and '" + file + "'";
  SINKMAP_EXPECTS(g.width == ref.width && g.height == ref.height, bad_input,
                  "band grids do not match: " + both + " differ in size (" + size_text(ref) +
                    " vs " + size_text(g) + ")");
  double const tol = 1e-6 * std::max(std::abs(ref.geotransform[1]), 1e-12);
  bool same_gt = g.has_geotransform == ref.has_geotransform;
  for (int i = 0; same_gt && i < 6; ++i)
    same_gt = std::abs(g.geotransform[std::size_t(i)] - ref.geotransform[std::size_t(i)]) <=
              tol * (i == 0 || i == 3 ? double(std::max(ref.width, ref.height)) : 1.0);
  SINKMAP_EXPECTS(same_gt, bad_input,
                  "band grids do not match: " + both + " have different geotransforms "
                  "(origin or pixel size); warp one onto the other first (gdalwarp)");
  SINKMAP_EXPECTS(same_crs(ref.crs_wkt, g.crs_wkt), bad_input,
                  "band CRS do not match: " + both + " are in different coordinate systems");
}

kernels::pixel_type native_type(GDALDataType t)
{
  switch (t) {
    case GDT_Byte: return kernels::pixel_type::u8;
    case GDT_UInt16: return kernels::pixel_type::u16;
    case GDT_Int16: return kernels::pixel_type::i16;
    default: return kernels::pixel_type::f32;
  }
}

// Band descriptions and colour interpretations that name a role bind it without --band.
std::vector<band_binding> auto_bindings(GDALDataset& ds, std::string const& path)
{
  std::vector<band_binding> out;
  std::set<band_role> seen;
  for (int b = 1; b <= ds.GetRasterCount(); ++b) {
    auto* band = ds.GetRasterBand(b);
    std::optional<band_role> r = sensors::parse_role(band->GetDescription());
    if (!r) {
      switch (band->GetColorInterpretation()) {
        case GCI_RedBand: r = band_role::red; break;
        case GCI_GreenBand: r = band_role::green; break;
        case GCI_BlueBand: r = band_role::blue; break;
        default: break;
      }
    }
    if (r && seen.insert(*r).second) out.push_back({*r, {path, b}});
  }
  return out;
}

// One native sample type for all planes when they agree; float32 otherwise.
void update_read_type(scene& s)
{
  kernels::pixel_type t = s.bands.empty() ? kernels::pixel_type::f32 : native_type(s.bands[0].type);
  for (auto const& b : s.bands)
    if (native_type(b.type) != t || (t == kernels::pixel_type::f32 && b.type != GDT_Float32))
      t = kernels::pixel_type::f32;
  s.read_type = t;
}

}  // namespace

void keep_roles(scene& s, std::vector<band_role> const& roles)
{
  s.bands.erase(std::remove_if(s.bands.begin(), s.bands.end(),
                               [&](auto const& b) {
                                 return std::find(roles.begin(), roles.end(), b.role) ==
                                        roles.end();
                               }),
                s.bands.end());
  update_read_type(s);
}

scene_band const* scene::find(band_role r) const
{
  auto it = std::find_if(bands.begin(), bands.end(), [&](auto const& b) { return b.role == r; });
  return it == bands.end() ? nullptr : &*it;
}

std::string type_name(GDALDataType t) { return GDALGetDataTypeName(t); }

scene open_scene(std::string const& path, scene_options const& opt)
{
  init_gdal();
  scene s;
  s.path = path;

  std::map<std::string, dataset_ptr> files;
  auto open = [&](std::string const& f, std::string const& what) -> GDALDataset& {
    auto it = files.find(f);
    if (it == files.end()) it = files.emplace(f, open_raster(f, what)).first;
    return *it->second;
  };

  std::vector<band_binding> bindings;
  for (auto const& spec : opt.bands) {
    band_binding b = parse_band_spec(spec, path);
    for (auto const& prev : bindings)
      SINKMAP_EXPECTS(prev.role != b.role, bad_input,
                      "--band: role '" + std::string(sensors::role_name(b.role)) +
                        "' is given twice");
    bindings.push_back(b);
  }
  if (!path.empty()) {
    GDALDataset& ds = open(path, "scene");
    if (bindings.empty()) bindings = auto_bindings(ds, path);
    s.grid_file = path;
    s.grid = grid_of(ds);
  }
  SINKMAP_EXPECTS(!path.empty() || !bindings.empty(), bad_input,
                  "no scene given: pass SCENE or --band ROLE=FILE for each band");

  // Group bands by file (stable), so each file is read with one multi-band RasterIO.
  std::vector<std::string> order;
  for (auto const& b : bindings)
    if (std::find(order.begin(), order.end(), b.source.file) == order.end())
      order.push_back(b.source.file);
  std::stable_sort(bindings.begin(), bindings.end(), [&](auto const& a, auto const& b) {
    return std::find(order.begin(), order.end(), a.source.file) <
           std::find(order.begin(), order.end(), b.source.file);
  });

  role_values const scales = parse_role_values(opt.scales, "--scale");
  role_values const offsets = parse_role_values(opt.offsets, "--offset");
  role_values const nodata = parse_role_values(opt.nodata, "--nodata");

  for (auto const& b : bindings) {
    std::string const what = "--band " + std::string(sensors::role_name(b.role));
    GDALDataset& ds = open(b.source.file, what);
    SINKMAP_EXPECTS(b.source.band <= ds.GetRasterCount(), bad_input,
                    what + ": '" + b.source.file + "' has " +
                      std::to_string(ds.GetRasterCount()) + " band(s), not band " +
                      std::to_string(b.source.band));
    raster_grid const g = grid_of(ds);
    if (s.grid_file.empty()) {
      s.grid_file = b.source.file;
      s.grid = g;
    } else if (b.source.file != s.grid_file) {
      check_same_grid(s.grid, s.grid_file, g, b.source.file);
    }
    auto* band = ds.GetRasterBand(b.source.band);
    scene_band sb;
    sb.role = b.role;
    sb.source = b.source;
    sb.type = band->GetRasterDataType();
    sb.description = band->GetDescription();
    int ok = 0;
    double const meta_scale = band->GetScale(&ok);
    double const file_scale = ok ? meta_scale : 1.0;
    double const meta_offset = band->GetOffset(&ok);
    double const file_offset = ok ? meta_offset : 0.0;
    sb.scale = scales.get(b.role).value_or(file_scale);
    sb.offset = offsets.get(b.role).value_or(file_offset);
    double const file_nodata = band->GetNoDataValue(&ok);
    if (auto v = nodata.get(b.role)) {
      sb.has_nodata = true;
      sb.nodata = *v;
    } else if (ok) {
      sb.has_nodata = true;
      sb.nodata = file_nodata;
    }
    s.bands.push_back(sb);
  }

  update_read_type(s);
  return s;
}

void fill_decode(scene const& s, kernels::index_stage_params& p)
{
  std::fill(std::begin(p.plane_of_role), std::end(p.plane_of_role), -1);
  for (std::size_t i = 0; i < s.bands.size(); ++i) {
    auto const& b = s.bands[i];
    int const r = static_cast<int>(b.role);
    p.plane_of_role[r] = int(i);
    auto& d = p.decode_of_role[r];
    d.scale = float(b.scale);
    d.offset = float(b.offset);
    d.has_nodata = b.has_nodata ? 1 : 0;
    d.nodata = float(b.nodata);
  }
}

}  // namespace sinkmap::io
