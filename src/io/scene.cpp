#include "io/scene.hpp"

#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "io/target_grid.hpp"
#include "sensors/band_role_names.hpp"
#include "sensors/stac_items.hpp"

#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <functional>
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

}  // namespace

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

raster_grid grid_of_file(std::string const& path)
{
  auto ds = open_raster(path, "raster");
  return grid_of(*ds);
}

namespace {

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
    if (r && seen.insert(*r).second) out.push_back({*r, {path, b}, {}, {}, {}});
  }
  return out;
}

}  // namespace

kernels::pixel_type common_read_type(std::vector<GDALDataType> const& types)
{
  // One native sample type for all planes when they agree (bytes widen losslessly to uint16);
  // float32 otherwise.
  auto const widen = [](GDALDataType t) { return t == GDT_Byte ? GDT_UInt16 : t; };
  bool all_u8 = true, all_small_unsigned = true;
  for (auto t : types) {
    all_u8 &= t == GDT_Byte;
    all_small_unsigned &= widen(t) == GDT_UInt16;
  }
  if (types.empty()) return kernels::pixel_type::f32;
  if (all_u8) return kernels::pixel_type::u8;
  if (all_small_unsigned) return kernels::pixel_type::u16;
  kernels::pixel_type const t = native_type(types[0]);
  for (auto ty : types)
    if (native_type(ty) != t || (t == kernels::pixel_type::f32 && ty != GDT_Float32))
      return kernels::pixel_type::f32;
  return t;
}

void update_read_type(scene& s)
{
  std::vector<GDALDataType> types;
  for (auto const& b : s.bands) types.push_back(b.type);
  for (auto const& m : s.masks) types.push_back(m.type);
  for (auto const& e : s.extra) types.push_back(e.type);
  s.read_type = common_read_type(types);
}

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

namespace {

/// Maps an input file to the file actually read (a VRT on the target grid with --grid).
using file_remap = std::function<std::string(std::string const&)>;

scene bind_scene(std::string path, std::vector<band_binding> bindings,
                 std::optional<sensors::product> product, scene_options const& opt,
                 file_remap const& remap = {})
{
  if (remap && !path.empty()) path = remap(path);
  scene s;
  s.path = path;
  s.product = std::move(product);

  std::map<std::string, dataset_ptr> files;
  auto open = [&](std::string const& f, std::string const& what) -> GDALDataset& {
    auto it = files.find(f);
    if (it == files.end()) it = files.emplace(f, open_raster(f, what)).first;
    return *it->second;
  };

  // --band overrides the product's binding of the same role.
  std::set<band_role> given;
  for (auto const& spec : opt.bands) {
    band_binding b = parse_band_spec(spec, path);
    if (remap && b.source.file != path) b.source.file = remap(b.source.file);
    SINKMAP_EXPECTS(given.insert(b.role).second, bad_input,
                    "--band: role '" + std::string(sensors::role_name(b.role)) + "' is given twice");
    bindings.erase(std::remove_if(bindings.begin(), bindings.end(),
                                  [&](auto const& x) { return x.role == b.role; }),
                   bindings.end());
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

  auto check_grid = [&](std::string const& file, GDALDataset& ds) {
    raster_grid const g = grid_of(ds);
    if (s.grid_file.empty()) {
      s.grid_file = file;
      s.grid = g;
    } else if (file != s.grid_file) {
      check_same_grid(s.grid, s.grid_file, g, file);
    }
  };

  for (auto const& b : bindings) {
    std::string const what = "--band " + std::string(sensors::role_name(b.role));
    GDALDataset& ds = open(b.source.file, what);
    SINKMAP_EXPECTS(b.source.band <= ds.GetRasterCount(), bad_input,
                    what + ": '" + b.source.file + "' has " +
                      std::to_string(ds.GetRasterCount()) + " band(s), not band " +
                      std::to_string(b.source.band));
    check_grid(b.source.file, ds);
    auto* band = ds.GetRasterBand(b.source.band);
    scene_band sb;
    sb.role = b.role;
    sb.source = b.source;
    sb.type = band->GetRasterDataType();
    sb.description = band->GetDescription();
    int ok = 0;
    double const meta_scale = band->GetScale(&ok);
    double const file_scale = b.scale.value_or(ok ? meta_scale : 1.0);
    double const meta_offset = band->GetOffset(&ok);
    double const file_offset = b.offset.value_or(ok ? meta_offset : 0.0);
    sb.scale = scales.get(b.role).value_or(file_scale);
    sb.offset = offsets.get(b.role).value_or(file_offset);
    double const file_nodata = band->GetNoDataValue(&ok);
    if (auto v = nodata.get(b.role)) {
      sb.has_nodata = true;
      sb.nodata = *v;
    } else if (b.nodata) {
      sb.has_nodata = true;
      sb.nodata = *b.nodata;
    } else if (ok) {
      sb.has_nodata = true;
      sb.nodata = file_nodata;
    }
    s.bands.push_back(sb);
  }

  if (s.product) {
    auto const classes = sensors::parse_mask_spec(opt.mask);
    for (auto const& q : s.product->quality) {
      std::uint32_t bits = 0;
      for (auto const& c : q.classes)
        if (std::find(classes.begin(), classes.end(), c.name) != classes.end()) bits |= c.bits;
      if (bits == 0) continue;
      GDALDataset& ds = open(q.file, q.name);
      check_grid(q.file, ds);
      scene_mask m;
      m.name = q.name;
      m.source = {q.file, 1};
      m.by_class = q.by_class;
      m.bits = bits;
      m.type = ds.GetRasterBand(1)->GetRasterDataType();
      s.masks.push_back(m);
    }
    SINKMAP_EXPECTS(s.masks.size() <= std::size_t(kernels::max_stage_masks), runtime_failure,
                    "too many quality layers");
  }
  update_read_type(s);
  return s;
}

scene open_scene_from_product(sensors::product const& p, scene_options const& opt,
                              file_remap const& remap = {})
{
  std::vector<band_binding> bindings;
  for (auto const& b : p.bands)
    bindings.push_back({b.role, {b.file, 1}, b.scale, b.offset,
                        b.has_nodata ? std::optional<double>(b.nodata) : std::nullopt});
  return bind_scene("", bindings, p, opt, remap);
}

}  // namespace

std::vector<band_source> scene::plane_sources() const
{
  std::vector<band_source> out;
  for (auto const& b : bands) out.push_back(b.source);
  for (auto const& m : masks) out.push_back(m.source);
  for (auto const& e : extra) out.push_back(e.source);
  return out;
}

namespace {

// GDAL VRT mosaic of several rasters in GDAL's in-memory file system.
std::string build_mosaic(std::vector<std::string> const& files, std::optional<double> nodata,
                         std::string const& what)
{
  std::string const dst = vsimem_vrt_path("mosaic");
  std::vector<std::string> args;
  if (nodata) {
    std::string const v = std::to_string(*nodata);
    args = {"-srcnodata", v, "-vrtnodata", v};
  }
  gdal_string_list const argv(args);
  GDALBuildVRTOptions* o = GDALBuildVRTOptionsNew(argv.get(), nullptr);
  std::vector<char const*> names;
  for (auto const& f : files) names.push_back(f.c_str());
  take_gdal_error();
  int usage_error = 0;
  GDALDatasetH ds = GDALBuildVRT(dst.c_str(), int(names.size()), nullptr, names.data(), o, &usage_error);
  GDALBuildVRTOptionsFree(o);
  if (!ds) SINKMAP_FAIL(bad_input, what + ": cannot mosaic the inputs" + gdal_reason());
  GDALClose(ds);
  return dst;
}

// Several products of one date: one product whose files are per-band mosaics.
sensors::product mosaic_products(std::vector<sensors::product> const& ps)
{
  sensors::product out = ps.front();
  for (auto const& p : ps) {
    SINKMAP_EXPECTS(p.kind == out.kind, bad_input,
                    "cannot mosaic a " + p.kind + " product with a " + out.kind + " product");
    if (p.date != out.date)
      out.notes.push_back("inputs have different dates (" + out.date + ", " + p.date + ")");
  }
  out.bands.clear();
  for (auto const& b : ps.front().bands) {
    std::vector<std::string> files;
    for (auto const& p : ps) {
      auto it = std::find_if(p.bands.begin(), p.bands.end(), [&](auto const& x) { return x.role == b.role; });
      if (it == p.bands.end()) break;
      SINKMAP_EXPECTS(it->scale == b.scale && it->offset == b.offset, bad_input,
                      "cannot mosaic " + b.name + ": '" + p.metadata_file + "' scales it differently");
      files.push_back(it->file);
    }
    if (files.size() != ps.size()) continue;
    auto mb = b;
    mb.file = build_mosaic(files, b.has_nodata ? std::optional<double>(b.nodata) : std::nullopt, b.name);
    out.bands.push_back(mb);
  }
  out.quality.clear();
  for (auto const& q : ps.front().quality) {
    std::vector<std::string> files;
    for (auto const& p : ps)
      for (auto const& pq : p.quality)
        if (pq.name == q.name) files.push_back(pq.file);
    if (files.size() != ps.size()) continue;
    auto mq = q;
    mq.file = build_mosaic(files, q.by_class ? std::optional<double>(0) : std::nullopt, q.name);
    out.quality.push_back(mq);
  }
  out.metadata_file = ps.front().metadata_file + " (+" + std::to_string(ps.size() - 1) + " more)";
  return out;
}

}  // namespace

namespace {

// Every input file of a scene: for the target grid's default extent and the overlap check.
std::vector<std::string> input_files(std::vector<std::string> const& paths,
                                     std::vector<sensors::product> const& products,
                                     scene_options const& opt)
{
  std::vector<std::string> files;
  if (!products.empty()) {
    for (auto const& p : products)
      for (auto const& b : p.bands) files.push_back(b.file);
  } else {
    files = paths;
  }
  for (auto const& spec : opt.bands) {
    auto const b = parse_band_spec(spec, paths.empty() ? std::string() : paths.front());
    if (std::find(files.begin(), files.end(), b.source.file) == files.end()) files.push_back(b.source.file);
  }
  return files;
}

// The fill a quality layer gets outside its product: what its own format calls no data.
double quality_fill(std::string const& layer)
{
  if (layer == "QA_PIXEL") return 1;  // bit 0: fill
  return 0;                           // QA_RADSAT: no saturation; SCL: class 0, no data
}

// --grid: every band and quality file warped onto one target grid, then bound as usual.
scene open_scene_on_grid(std::vector<std::string> const& paths, std::vector<sensors::product> products,
                         scene_options const& opt)
{
  raster_grid const target = resolve_grid(opt.grid, input_files(paths, products, opt));
  std::string const resampling = parse_resampling(opt.grid.resampling);
  std::map<std::string, std::string> warped;
  auto band_remap = [&](std::string const& f) {
    auto it = warped.find(f);
    if (it == warped.end()) it = warped.emplace(f, warp_to_grid(f, target, resampling, {}, "--grid")).first;
    return it->second;
  };
  scene s;
  if (!products.empty()) {
    for (auto& p : products) {
      for (auto& b : p.bands) b.file = band_remap(b.file);
      for (auto& q : p.quality) q.file = warp_to_grid(q.file, target, "near", {true, quality_fill(q.name)}, "--grid");
    }
    s = open_scene_from_product(products.size() == 1 ? products.front() : mosaic_products(products), opt, band_remap);
  } else {
    std::vector<std::string> files;
    for (auto const& p : paths) files.push_back(band_remap(p));
    std::string const path = files.empty() ? std::string()
                             : files.size() == 1 ? files.front() : build_mosaic(files, std::nullopt, "SCENE");
    scene_options o = opt;
    s = bind_scene(path, {}, std::nullopt, o, [&](std::string const& f) {
      // The scene itself is already on the grid; other --band files are warped.
      return f == path ? f : band_remap(f);
    });
  }
  s.grid = target;
  return s;
}

}  // namespace

stac_selection stac_products(scene_options const& opt)
{
  stac_selection out;
  auto all = sensors::read_stac_items(opt.stac, {opt.resolution, !opt.scales.empty(), !opt.offsets.empty()});
  out.items = int(all.size());
  // With a target grid of a known extent (--extent or --like), items whose bbox misses it are
  // skipped: they would add nothing but reads.
  std::optional<std::array<double, 4>> grid_box;
  if (opt.grid.active() && (opt.grid.extent || !opt.grid.like.empty())) grid_box = lonlat_bounds(resolve_grid(opt.grid, {}));
  for (auto& p : all) {
    bool outside = false;
    if (grid_box && p.footprint) {
      auto const& f = *p.footprint;
      auto const& g = *grid_box;
      // A bbox across the antimeridian has west > east (RFC 7946): two longitude ranges.
      auto lon_overlap = [&](double w, double e) { return !(e < g[0] || w > g[2]); };
      bool const lon = f[0] <= f[2] ? lon_overlap(f[0], f[2]) : (lon_overlap(f[0], 180.0) || lon_overlap(-180.0, f[2]));
      outside = !lon || f[3] < g[1] || f[1] > g[3];
    }
    if (outside) ++out.outside_grid;
    else out.products.push_back(std::move(p));
  }
  SINKMAP_EXPECTS(!out.products.empty(), bad_input,
                  "--stac " + opt.stac + ": none of its " + std::to_string(out.items) + " items overlaps the --grid extent");
  return out;
}

std::string stac_selection::note(std::string const& file) const
{
  return outside_grid == 0 ? std::string()
                           : std::to_string(outside_grid) + " of " + std::to_string(items) + " STAC items of " + file +
                               " lie outside the grid's extent: skipped";
}

scene open_scene(std::vector<std::string> const& paths, scene_options const& opt)
{
  init_gdal();
  sensors::product_options const po{opt.resolution};
  std::vector<sensors::product> products;
  if (!opt.stac.empty()) {
    // STAC items in place of SCENE: one date's items, mosaicked as products of that date are.
    SINKMAP_EXPECTS(paths.empty(), bad_input, "--stac: give SCENE or --stac, not both");
    auto sel = stac_products(opt);
    products = std::move(sel.products);
    if (auto const n = sel.note(opt.stac); !n.empty()) products.front().notes.push_back(n);
    for (auto const& p : products)
      SINKMAP_EXPECTS(p.date == products.front().date, bad_input,
                      "--stac " + opt.stac + ": items of " + products.front().date + " and " + p.date +
                        " (" + p.metadata_file + "); a scene is one date: use composite for many");
    if (opt.grid.active()) return open_scene_on_grid({}, products, opt);
    return open_scene_from_product(products.size() == 1 ? products.front() : mosaic_products(products), opt);
  }
  for (auto const& p : paths)
    if (auto prod = sensors::open_product(p, po)) products.push_back(*prod);
  SINKMAP_EXPECTS(products.empty() || products.size() == paths.size(), bad_input,
                  "SCENE: mix of products and plain rasters; give one kind");
  if (opt.grid.active()) {
    if (products.empty())
      for (auto const& p : paths) open_raster(p, "scene");  // names a missing file
    return open_scene_on_grid(paths, products, opt);
  }
  if (paths.size() <= 1) {
    if (!products.empty()) return open_scene_from_product(products.front(), opt);
    return bind_scene(paths.empty() ? std::string() : paths.front(), {}, std::nullopt, opt);
  }
  if (products.empty()) {
    for (auto const& p : paths) open_raster(p, "scene");  // names a missing file
    return open_scene(build_mosaic(paths, std::nullopt, "SCENE"), opt);
  }
  return open_scene_from_product(mosaic_products(products), opt);
}

scene open_scene(std::string const& path, scene_options const& opt)
{
  return open_scene(path.empty() ? std::vector<std::string>{} : std::vector<std::string>{path}, opt);
}

void fill_decode(scene const& s, kernels::index_stage_params& p)
{
  std::fill(std::begin(p.plane_of_role), std::end(p.plane_of_role), -1);
  for (std::size_t i = 0; i < s.bands.size(); ++i) {
    auto const& b = s.bands[i];
    int const r = static_cast<int>(b.role);
    p.plane_of_role[r] = int(i);
    auto& d = p.decode_of_role[r];
    d.scale = b.scale;
    d.offset = b.offset;
    d.has_nodata = b.has_nodata ? 1 : 0;
    d.nodata = b.nodata;
  }
  for (int m = 0; m < kernels::max_stage_masks; ++m) p.masks[m] = kernels::mask_test{};
  for (std::size_t m = 0; m < s.masks.size(); ++m)
    p.masks[m] = {int(s.bands.size() + m), s.masks[m].by_class ? 1 : 0, s.masks[m].bits};
}

}  // namespace sinkmap::io
