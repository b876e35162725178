// sinkmap index through GDAL: rsgislib's reference rasters, tiled == untiled, 1 == all threads,
// georeferencing, nodata, separate band files, bad input, no partial output.
#include "core/error.hpp"
#include "io/geotiff_writer.hpp"
#include "jobs/index_job.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <thread>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

jobs::index_job_options job(std::string scene, std::vector<std::string> bands,
                            std::vector<std::string> indices, std::string out)
{
  jobs::index_job_options o;
  if (!scene.empty()) o.scenes = {std::move(scene)};
  o.scene_options.bands = std::move(bands);
  o.indices = std::move(indices);
  o.output = std::move(out);
  o.run.quiet = true;
  return o;
}

bool bitwise_equal(std::vector<float> const& a, std::vector<float> const& b)
{
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    bool const nan_a = std::isnan(a[i]), nan_b = std::isnan(b[i]);
    if (nan_a != nan_b || (!nan_a && std::memcmp(&a[i], &b[i], 4) != 0)) return false;
  }
  return true;
}

std::string const aber = "rsgislib-s2-aber";

}  // namespace

// rsgislib's own reference rasters (python_tests/data/imagecalc/calcindices). Band numbers as in
// rsgislib's test: NDVI red=3 nir=8; NDWI (Gao) nir=8 swir1=9 is sinkmap's NDMI; GNDWI green=2
// nir=8 is McFeeters' NDWI; NBR nir=8 swir2=10; NDSI green=2 swir1=9 is MNDWI.
TEST(IndexJob, MatchesRsgislibReferenceRasters)
{
  if (!test::have_shared(aber)) GTEST_SKIP() << "no ../shared/data/" << aber;
  auto const dir = test::shared_data() / aber;
  test::temp_dir tmp;
  auto const out = tmp.file("ref.tif");
  jobs::run_index_job(job((dir / "sen2_20210527_aber_subset.tif").string(),
                          {"green=2", "red=3", "nir=8", "swir1=9", "swir2=10"},
                          {"NDVI,NDMI,NDWI,NBR,MNDWI"}, out));
  char const* refs[] = {"ndvi", "ndwi", "gndwi", "nbr", "ndsi"};
  for (int b = 0; b < 5; ++b) {
    auto const ref = test::read_band(
      (dir / "calcindices_ref" / ("sen2_20210527_aber_subset_" + std::string(refs[b]) + "_ref.tif"))
        .string(),
      1);
    auto const ours = test::read_band(out, b + 1);
    ASSERT_EQ(ref.size(), ours.size());
    std::size_t compared = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
      if (ref[i] == -999.f) {
        EXPECT_TRUE(std::isnan(ours[i]));
        continue;
      }
      ASSERT_NEAR(ours[i], ref[i], 1e-6) << refs[b] << " pixel " << i;
      ++compared;
    }
    EXPECT_EQ(compared, ref.size()) << refs[b];
  }
}

TEST(IndexJob, TiledEqualsWholeSceneAndOneThreadEqualsAll)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.width = 300;
  spec.height = 270;
  spec.bands = 6;
  spec.block = 64;
  test::write_u16(tmp.file("scene.tif"), spec, test::random_planes(spec));
  std::vector<std::string> const bands = {"blue=1", "green=2", "red=3", "nir=4", "swir1=5", "swir2=6"};
  std::vector<std::string> const all = {"NDVI,EVI,EVI2,SAVI,MSAVI2,NDWI,MNDWI,NDMI,NBR,GNDVI,kNDVI,NIRv"};

  auto run = [&](int tile, int threads, std::string const& name) {
    auto o = job(tmp.file("scene.tif"), bands, all, tmp.file(name));
    o.scene_options.scales = {"2.75e-5"};
    o.scene_options.offsets = {"-0.2"};
    o.run.tile = tile;
    o.run.threads = threads;
    o.run.device = pipeline::device_kind::cpu;
    jobs::run_index_job(o);
    return test::read_all(tmp.file(name));
  };
  int const cores = int(std::max(2u, std::thread::hardware_concurrency()));
  auto const whole = run(100000, 1, "whole.tif");
  EXPECT_TRUE(bitwise_equal(run(64, 1, "t64.tif"), whole));
  EXPECT_TRUE(bitwise_equal(run(256, 1, "t256.tif"), whole));
  EXPECT_TRUE(bitwise_equal(run(64, cores, "t64n.tif"), whole));
  EXPECT_TRUE(bitwise_equal(run(0, cores, "planned.tif"), whole));
  std::size_t nan = 0;
  for (float v : whole) nan += std::isnan(v);
  EXPECT_GT(nan, 0u);  // DN 0 is the file's nodata
}

TEST(IndexJob, OutputKeepsGridAndDeclaresNodataAndNames)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  test::write_u16(tmp.file("scene.tif"), spec, test::random_planes(spec));
  jobs::run_index_job(job(tmp.file("scene.tif"), {"red=3", "nir=4"}, {"NDVI,SAVI"}, tmp.file("o.tif")));

  GDALDataset* in = GDALDataset::Open(tmp.file("scene.tif").c_str(), GDAL_OF_RASTER);
  GDALDataset* out = GDALDataset::Open(tmp.file("o.tif").c_str(), GDAL_OF_RASTER);
  ASSERT_TRUE(in && out);
  double a[6], b[6];
  in->GetGeoTransform(a);
  out->GetGeoTransform(b);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(a[i], b[i]);
  EXPECT_TRUE(in->GetSpatialRef()->IsSame(out->GetSpatialRef()));
  EXPECT_EQ(out->GetRasterXSize(), spec.width);
  EXPECT_EQ(out->GetRasterCount(), 2);
  EXPECT_STREQ(out->GetRasterBand(1)->GetDescription(), "NDVI");
  EXPECT_STREQ(out->GetRasterBand(2)->GetDescription(), "SAVI");
  EXPECT_STREQ(out->GetRasterBand(2)->GetMetadataItem("constants"), "L=0.5");
  EXPECT_EQ(out->GetRasterBand(1)->GetRasterDataType(), GDT_Float32);
  int has = 0;
  EXPECT_TRUE(std::isnan(out->GetRasterBand(1)->GetNoDataValue(&has)));
  EXPECT_TRUE(has);
  EXPECT_STREQ(out->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
  int bx = 0, by = 0;
  out->GetRasterBand(1)->GetBlockSize(&bx, &by);
  EXPECT_EQ(bx, 256);
  GDALClose(in);
  GDALClose(out);
  // Nothing but the result is left in the folder.
  int files = 0;
  for (auto const& e : fs::directory_iterator(tmp.path)) files += e.is_regular_file();
  EXPECT_EQ(files, 2);
}

TEST(IndexJob, SeparateBandFilesEqualOneStack)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  auto const planes = test::random_planes(spec);
  test::write_u16(tmp.file("stack.tif"), spec, planes);
  test::raster_spec one = spec;
  one.bands = 1;
  std::size_t const n = std::size_t(spec.width) * spec.height;
  for (int b = 0; b < 4; ++b)
    test::write_u16(tmp.file("B" + std::to_string(b + 1) + ".tif"), one,
                    {planes.begin() + b * n, planes.begin() + (b + 1) * n});
  jobs::run_index_job(job(tmp.file("stack.tif"), {"blue=1", "red=3", "nir=4"}, {"EVI"}, tmp.file("a.tif")));
  jobs::run_index_job(job("", {"blue=" + tmp.file("B1.tif"), "red=" + tmp.file("B3.tif"),
                               "nir=" + tmp.file("B4.tif") + ":1"},
                          {"EVI"}, tmp.file("b.tif")));
  EXPECT_TRUE(bitwise_equal(test::read_all(tmp.file("a.tif")), test::read_all(tmp.file("b.tif"))));
}

TEST(IndexJob, MissingRoleNamesIndexAndRoleAndWritesNothing)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  test::write_u16(tmp.file("scene.tif"), spec, test::random_planes(spec));
  try {
    jobs::run_index_job(job(tmp.file("scene.tif"), {"red=3", "nir=4"}, {"NDVI,EVI"}, tmp.file("o.tif")));
    FAIL() << "expected bad_input";
  } catch (bad_input const& e) {
    std::string const m = e.what();
    EXPECT_NE(m.find("EVI"), std::string::npos) << m;
    EXPECT_NE(m.find("'blue'"), std::string::npos) << m;
  }
  EXPECT_FALSE(fs::exists(tmp.file("o.tif")));
}

TEST(IndexJob, MismatchedGridsNameBothFiles)
{
  test::temp_dir tmp;
  test::raster_spec a, b;
  a.bands = b.bands = 1;
  b.origin_x += 15;  // half a pixel off
  test::write_u16(tmp.file("red.tif"), a, test::random_planes(a));
  test::write_u16(tmp.file("nir.tif"), b, test::random_planes(b));
  try {
    jobs::run_index_job(job("", {"red=" + tmp.file("red.tif"), "nir=" + tmp.file("nir.tif")},
                            {"NDVI"}, tmp.file("o.tif")));
    FAIL();
  } catch (bad_input const& e) {
    std::string const m = e.what();
    EXPECT_NE(m.find("red.tif"), std::string::npos) << m;
    EXPECT_NE(m.find("nir.tif"), std::string::npos) << m;
  }
  test::raster_spec c = a;
  c.epsg = 32651;
  test::write_u16(tmp.file("nir51.tif"), c, test::random_planes(c));
  try {
    jobs::run_index_job(job("", {"red=" + tmp.file("red.tif"), "nir=" + tmp.file("nir51.tif")},
                            {"NDVI"}, tmp.file("o.tif")));
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("CRS"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp.file("o.tif")));
}

TEST(IndexJob, MissingFileAndBadBandNumberAreNamed)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  test::write_u16(tmp.file("scene.tif"), spec, test::random_planes(spec));
  try {
    jobs::run_index_job(job(tmp.file("nope.tif"), {"red=3"}, {"NDVI"}, tmp.file("o.tif")));
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("nope.tif"), std::string::npos);
  }
  try {
    jobs::run_index_job(job(tmp.file("scene.tif"), {"red=3", "nir=9"}, {"NDVI"}, tmp.file("o.tif")));
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("band 9"), std::string::npos) << e.what();
  }
}

TEST(IndexJob, CogHasOverviewsAndCogLayout)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.width = spec.height = 700;
  spec.block = 256;
  test::write_u16(tmp.file("scene.tif"), spec, test::random_planes(spec));
  auto o = job(tmp.file("scene.tif"), {"red=3", "nir=4"}, {"NDVI"}, tmp.file("cog.tif"));
  o.output_options.cog = true;
  jobs::run_index_job(o);
  GDALDataset* ds = GDALDataset::Open(tmp.file("cog.tif").c_str(), GDAL_OF_RASTER);
  ASSERT_TRUE(ds);
  EXPECT_STREQ(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");
  EXPECT_GE(ds->GetRasterBand(1)->GetOverviewCount(), 1);
  GDALClose(ds);
  int files = 0;
  for (auto const& e : fs::directory_iterator(tmp.path)) files += e.is_regular_file();
  EXPECT_EQ(files, 2);
}

TEST(GeotiffWriter, UncommittedOutputLeavesNothing)
{
  test::temp_dir tmp;
  io::raster_grid g;
  g.width = g.height = 10;
  {
    io::geotiff_writer w(tmp.file("o.tif"), g, {{"NDVI", {}}}, {});
    EXPECT_TRUE(fs::exists(w.temp_path()));
  }
  EXPECT_TRUE(fs::is_empty(tmp.path));
}
