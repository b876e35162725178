// Landsat C2L2 and Sentinel-2 L2A products: NDVI and NDMI against an independent computation
// (raw DNs read here with GDAL, the documented scale, offset and QA/SCL classes, in double),
// masked pixel counts, MTL encodings, mosaics, and bad products.
#include "core/error.hpp"
#include "jobs/index_job.hpp"
#include "sensors/metadata_map.hpp"
#include "sensors/product.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

jobs::index_job_options job(std::vector<std::string> scenes, std::string const& out,
                            std::string mask = "default")
{
  jobs::index_job_options o;
  o.scenes = std::move(scenes);
  o.indices = {"NDVI,NDMI"};
  o.output = out;
  o.scene_options.mask = std::move(mask);
  o.run.quiet = true;
  return o;
}

std::vector<double> read_raw(std::string const& path)
{
  auto v = test::read_band(path, 1);
  return {v.begin(), v.end()};
}

struct agreement {
  std::size_t valid = 0, close = 0, nan_ours = 0, nan_ref = 0;
};

// Compares our NDVI (band 1) and NDMI (band 2) with the reference computed from raw DNs.
void compare(std::string const& out, std::vector<double> const& red, std::vector<double> const& nir,
             std::vector<double> const& swir1, std::vector<bool> const& masked, double scale,
             double offset, std::vector<agreement>& result)
{
  auto const ndvi = test::read_band(out, 1);
  auto const ndmi = test::read_band(out, 2);
  result.assign(2, {});
  for (std::size_t i = 0; i < red.size(); ++i) {
    bool const fill = red[i] == 0 || nir[i] == 0 || swir1[i] == 0;
    double const R = red[i] * scale + offset, N = nir[i] * scale + offset,
                 S = swir1[i] * scale + offset;
    double const ref[2] = {(N - R) / (N + R), (N - S) / (N + S)};
    float const ours[2] = {ndvi[i], ndmi[i]};
    for (int b = 0; b < 2; ++b) {
      bool const ref_nan = masked[i] || fill || !std::isfinite(ref[b]);
      result[b].nan_ref += ref_nan;
      result[b].nan_ours += std::isnan(ours[b]);
      if (ref_nan || std::isnan(ours[b])) continue;
      ++result[b].valid;
      result[b].close += std::abs(double(ours[b]) - ref[b]) <= 1e-6;
    }
  }
}

std::string const crop_id = "LC08_L2SP_001070_20190114_20200830_02_T2";

void check_landsat(fs::path const& dir, std::string const& id, std::string const& mask_spec,
                   std::uint32_t qa_bits, bool radsat)
{
  auto const f = [&](std::string const& s) { return (dir / (id + "_" + s + ".TIF")).string(); };
  test::temp_dir tmp;
  jobs::run_index_job(job({dir.string()}, tmp.file("vi.tif"), mask_spec));

  auto const red = read_raw(f("SR_B4")), nir = read_raw(f("SR_B5")), swir1 = read_raw(f("SR_B6"));
  auto const qa = read_raw(f("QA_PIXEL")), sat = read_raw(f("QA_RADSAT"));
  std::vector<bool> masked(qa.size());
  std::size_t qa_masked = 0;
  for (std::size_t i = 0; i < qa.size(); ++i) {
    masked[i] = (std::uint32_t(qa[i]) & qa_bits) != 0 || (radsat && (std::uint32_t(sat[i]) & 0x7Fu) != 0);
    qa_masked += masked[i];
  }
  std::vector<agreement> a;
  compare(tmp.file("vi.tif"), red, nir, swir1, masked, 2.75e-5, -0.2, a);
  for (int b = 0; b < 2; ++b) {
    SCOPED_TRACE(id + (b ? " NDMI" : " NDVI"));
    EXPECT_EQ(a[b].nan_ours, a[b].nan_ref);  // masked and nodata pixels, exactly
    if (a[b].valid) EXPECT_GE(double(a[b].close) / double(a[b].valid), 0.9999);
  }
  if (qa_bits != 0) EXPECT_GT(qa_masked, 0u);
}

fs::path const landsat_root = test::shared_data() / "stactools-landsat-c2l2";

}  // namespace

TEST(LandsatProduct, BundledCropMatchesIndependentComputation)
{
  // Always on: the crop in data-samples/ (its MTL is the full product's; files are found by name).
  check_landsat(test::source_dir() / "data-samples/landsat8-c2l2-001070-crop", crop_id, "default",
                0x3F, true);
}

TEST(LandsatProduct, ThreeProductsMatchIndependentComputation)
{
  if (!fs::exists(landsat_root)) GTEST_SKIP() << "no " << landsat_root;
  for (auto const* id : {"LC08_L2SP_001070_20190114_20200830_02_T2",
                         "LC08_L2SP_008059_20191201_20200825_02_T1",
                         "LC08_L2SP_017036_20130419_20200913_02_T2"})
    check_landsat(landsat_root / id, id, "default", 0x3F, true);
}

TEST(LandsatProduct, MaskChoosesClasses)
{
  fs::path const dir = test::source_dir() / "data-samples/landsat8-c2l2-001070-crop";
  check_landsat(dir, crop_id, "cloud,shadow", (1u << 3) | (1u << 4), false);
  check_landsat(dir, crop_id, "none", 0, false);
  EXPECT_THROW(sensors::parse_mask_spec("clouds"), bad_input);
}

TEST(LandsatProduct, MtlTextXmlAndJsonAgree)
{
  fs::path const dir = test::source_dir() / "data-samples/landsat8-c2l2-001070-crop";
  std::string const id = "LC08_L2SP_001070_20190114_20200830_02_T2";
  std::vector<sensors::product> ps;
  for (auto const* ext : {"_MTL.txt", "_MTL.xml", "_MTL.json"}) {
    auto p = sensors::open_product((dir / (id + ext)).string());
    ASSERT_TRUE(p.has_value()) << ext;
    ps.push_back(*p);
  }
  for (auto const& p : ps) {
    EXPECT_EQ(p.platform, "LANDSAT_8");
    EXPECT_EQ(p.date, "2019-01-14");
    ASSERT_EQ(p.bands.size(), 7u);
    for (std::size_t b = 0; b < 7; ++b) {
      EXPECT_EQ(p.bands[b].file, ps[0].bands[b].file);
      EXPECT_DOUBLE_EQ(p.bands[b].scale, 2.75e-5);
      EXPECT_DOUBLE_EQ(p.bands[b].offset, -0.2);
    }
  }
}

TEST(LandsatProduct, MissingBandFileAndCorruptMtlAreNamed)
{
  fs::path const src = test::source_dir() / "data-samples/landsat8-c2l2-001070-crop";
  std::string const id = "LC08_L2SP_001070_20190114_20200830_02_T2";
  test::temp_dir tmp;
  for (auto const& e : fs::directory_iterator(src))
    if (e.path().filename().string().find("SR_B4") == std::string::npos)
      fs::copy_file(e.path(), tmp.path / e.path().filename());
  try {
    sensors::open_product(tmp.path.string());
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find(id + "_SR_B4.TIF"), std::string::npos) << e.what();
  }
  // A corrupt MTL: the reflectance scale of band 5 is not a number.
  fs::copy_file(src / (id + "_SR_B4.TIF"), tmp.path / (id + "_SR_B4.TIF"));
  std::string const mtl = (tmp.path / (id + "_MTL.txt")).string();
  std::ifstream in(mtl);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  in.close();
  auto const at = text.find("REFLECTANCE_MULT_BAND_5 = 2.75e-05");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 34, "REFLECTANCE_MULT_BAND_5 = two");
  std::ofstream(mtl) << text;
  try {
    sensors::open_product(mtl);
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("REFLECTANCE_MULT_BAND_5"), std::string::npos) << e.what();
  }
}

namespace {
fs::path sentinel2_safe()
{
  fs::path const root = test::shared_data() / "stactools-s2l2a-t29unu";
  if (!fs::exists(root)) return {};
  for (auto const& e : fs::directory_iterator(root))
    if (e.path().extension() == ".SAFE") return e.path();
  return {};
}
}  // namespace

TEST(Sentinel2Product, MatchesIndependentComputationAndSclMask)
{
  fs::path const safe = sentinel2_safe();
  if (safe.empty()) GTEST_SKIP() << "no Sentinel-2 sample";
  auto const p = sensors::open_product(safe.string());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->platform, "Sentinel-2A");
  EXPECT_EQ(p->date, "2022-10-05");
  ASSERT_FALSE(p->notes.empty());  // R10m/R20m absent, B8A stands in for B08
  test::temp_dir tmp;
  jobs::run_index_job(job({safe.string()}, tmp.file("vi.tif")));

  fs::path r60;
  for (auto const& e : fs::recursive_directory_iterator(safe))
    if (e.path().filename() == "R60m") r60 = e.path();
  auto const band = [&](std::string const& b) {
    for (auto const& e : fs::directory_iterator(r60))
      if (e.path().filename().string().find("_" + b + "_60m") != std::string::npos)
        return read_raw(e.path().string());
    return std::vector<double>{};
  };
  auto const red = band("B04"), nir = band("B8A"), swir1 = band("B11"), scl = band("SCL");
  std::vector<bool> masked(scl.size());
  std::size_t scl_masked = 0;
  for (std::size_t i = 0; i < scl.size(); ++i) {
    int const c = int(scl[i]);
    masked[i] = c == 0 || c == 1 || c == 3 || c == 8 || c == 9 || c == 10 || c == 11;
    scl_masked += masked[i];
  }
  std::vector<agreement> a;
  compare(tmp.file("vi.tif"), red, nir, swir1, masked, 1e-4, -0.1, a);
  for (int b = 0; b < 2; ++b) {
    EXPECT_EQ(a[b].nan_ours, a[b].nan_ref);
    EXPECT_GT(a[b].valid, 100000u);
    EXPECT_GE(double(a[b].close) / double(a[b].valid), 0.9999);
  }
  EXPECT_GT(scl_masked, 0u);
}

TEST(Sentinel2Product, ResolutionPicksTheGridAndResamples)
{
  fs::path const safe = sentinel2_safe();
  if (safe.empty()) GTEST_SKIP() << "no Sentinel-2 sample";
  sensors::product_options o;
  o.resolution = 20;
  auto const p = sensors::open_product(safe.string(), o);
  ASSERT_TRUE(p.has_value());
  bool resampled = false;
  for (auto const& n : p->notes) resampled |= n.find("resampled from 60 m (bilinear)") != std::string::npos;
  EXPECT_TRUE(resampled);
  auto ds = GDALDataset::Open(p->bands.front().file.c_str(), GDAL_OF_RASTER);
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->GetRasterXSize(), 5490);
  GDALClose(ds);
  o.resolution = 30;
  EXPECT_THROW(sensors::open_product(safe.string(), o), bad_input);
}

TEST(Sentinel2Product, CorruptMetadataNamesTheField)
{
  fs::path const safe = sentinel2_safe();
  if (safe.empty()) GTEST_SKIP() << "no Sentinel-2 sample";
  test::temp_dir tmp;
  std::ifstream in(safe / "MTD_MSIL2A.xml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto const at = text.find("<BOA_QUANTIFICATION_VALUE");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("<BOA_QUANTIFICATION_VALUE").size(), "<BOA_QUANTIFICATION_VALUX");
  auto const close = text.find("</BOA_QUANTIFICATION_VALUE>");
  text.replace(close, std::string("</BOA_QUANTIFICATION_VALUE>").size(), "</BOA_QUANTIFICATION_VALUX>");
  std::ofstream(tmp.file("MTD_MSIL2A.xml")) << text;
  try {
    sensors::open_product(tmp.file("MTD_MSIL2A.xml"));
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("BOA_QUANTIFICATION_VALUE"), std::string::npos) << e.what();
  }
}

TEST(Mosaic, SixteenTilesEqualEachTileProcessedAlone)
{
  fs::path const dir = test::shared_data() / "rsgislib-s2-aber/s2_tiles";
  if (!fs::exists(dir)) GTEST_SKIP() << "no " << dir;
  std::vector<std::string> tiles;
  for (int t = 0; t < 16; ++t)
    tiles.push_back((dir / ("sen2_20210527_aber_tile" + std::to_string(t) + ".tif")).string());
  std::vector<std::string> const bands = {"red=3", "nir=8", "swir1=9"};
  test::temp_dir tmp;
  auto o = job(tiles, tmp.file("mosaic.tif"));
  o.scene_options.bands = bands;
  jobs::run_index_job(o);

  GDALDataset* m = GDALDataset::Open(tmp.file("mosaic.tif").c_str(), GDAL_OF_RASTER);
  ASSERT_TRUE(m);
  double mgt[6];
  m->GetGeoTransform(mgt);
  int const mw = m->GetRasterXSize();
  GDALClose(m);
  auto const mosaic = test::read_band(tmp.file("mosaic.tif"), 1);
  std::size_t compared = 0;
  for (auto const& t : tiles) {
    auto one = job({t}, tmp.file("one.tif"));
    one.scene_options.bands = bands;
    jobs::run_index_job(one);
    GDALDataset* d = GDALDataset::Open(tmp.file("one.tif").c_str(), GDAL_OF_RASTER);
    double gt[6];
    d->GetGeoTransform(gt);
    int const w = d->GetRasterXSize(), h = d->GetRasterYSize();
    GDALClose(d);
    int const x0 = int(std::lround((gt[0] - mgt[0]) / mgt[1]));
    int const y0 = int(std::lround((gt[3] - mgt[3]) / mgt[5]));
    auto const v = test::read_band(tmp.file("one.tif"), 1);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        float const a = v[std::size_t(y) * w + x];
        float const b = mosaic[std::size_t(y0 + y) * mw + x0 + x];
        if (std::isnan(a)) continue;  // tiles may overlap: a neighbour's valid pixel wins
        ASSERT_EQ(a, b) << t << " at " << x << "," << y;
        ++compared;
      }
  }
  EXPECT_GT(compared, 800000u);
}

TEST(Products, DeeplyNestedMtlJsonIsBadInputNotACrash)
{
  // 100,000 levels of nesting once overflowed the stack; now the depth is bounded.
  sinkmap::test::temp_dir tmp;
  std::string const path = tmp.file("LC08_L2SP_001070_20190114_20200829_02_T1_MTL.json");
  {
    std::ofstream f(path);
    for (int i = 0; i < 100000; ++i) f << "{\"a\":";
    f << "1";
    for (int i = 0; i < 100000; ++i) f << "}";
  }
  try {
    sinkmap::sensors::read_mtl(path);
    FAIL();
  } catch (sinkmap::bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("nested more than"), std::string::npos) << e.what();
  }
}
