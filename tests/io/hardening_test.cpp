// Regression tests of the hostile-user findings: numbers that cannot be right are refused with
// a message naming the file, field or code (never summed as 0 or turned into NaN silently);
// outputs never replace an input; partial files of dead runs are swept; a run folder is locked.
#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "io/atomic_output.hpp"
#include "io/invest_pools.hpp"
#include "io/map_metadata.hpp"
#include "io/zones.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/run_config.hpp"
#include "jobs/run_job.hpp"
#include "jobs/stock_job.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <fstream>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

// A float map (UTM 50N, 30 m) with the given values, c_total-named.
std::string float_map(test::temp_dir const& tmp, std::string const& name, std::vector<float> const& v, int w, int h,
                      GDALDataType type = GDT_Float32, bool nodata_nan = true)
{
  GDALAllRegister();
  std::string const path = tmp.file(name);
  GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), w, h, 1, type, nullptr);
  double gt[6] = {500000, 30, 0, 4000000, 0, -30};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromEPSG(32650);
  ds->SetSpatialRef(&srs);
  auto* b = ds->GetRasterBand(1);
  b->SetDescription("c_total");
  if (nodata_nan) b->SetNoDataValue(NAN);
  std::vector<float> copy = v;
  EXPECT_EQ(b->RasterIO(GF_Write, 0, 0, w, h, copy.data(), w, h, GDT_Float32, 0, 0, nullptr), CE_None);
  GDALClose(ds);
  return path;
}

std::string zone_over(test::temp_dir const& tmp, int w, int h)
{
  std::string const path = tmp.file("zones.geojson");
  std::ofstream(path) << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},)"
                      << R"("features":[{"type":"Feature","properties":{"name":"z"},"geometry":{"type":"Polygon","coordinates":[[[)"
                      << 500000 << "," << 4000000 - 30 * h << "],[" << 500000 + 30 * w << "," << 4000000 - 30 * h << "],["
                      << 500000 + 30 * w << ",4000000],[500000,4000000],[500000," << 4000000 - 30 * h << "]]]}}]}";
  return path;
}

template <typename F>
std::string bad_input_message(F&& f)
{
  try {
    f();
  } catch (bad_input const& e) {
    return e.what();
  }
  return "(no bad_input)";
}

}  // namespace

TEST(Hardening, InventoryRefusesInfiniteAndImpossiblyLargePixels)
{
  test::temp_dir tmp;
  for (float bad : {INFINITY, -INFINITY, 1e30f, 3e38f}) {
    std::vector<float> v(12, 50.0f);
    v[5] = bad;
    v[7] = bad;
    jobs::inventory_job_options o;
    o.map = float_map(tmp, "m.tif", v, 4, 3);
    o.zones = zone_over(tmp, 4, 3);
    o.zone_field = "name";
    o.output = tmp.file("inv.csv");
    o.run.quiet = true;
    std::string const m = bad_input_message([&] { jobs::run_inventory_job(o); });
    EXPECT_NE(m.find("has 2 pixels"), std::string::npos) << bad << ": " << m;
    EXPECT_NE(m.find("m.tif"), std::string::npos) << m;
    EXPECT_FALSE(fs::exists(tmp.file("inv.csv")));
  }
}

TEST(Hardening, InvestCodesAndPoolValuesThatCannotBeRight)
{
  test::temp_dir tmp;
  std::ofstream(tmp.file("pools.csv")) << "lucode,C_above,C_below,C_soil,C_dead\n1,10,2,30,1\n2,5,1,20,0\n";
  auto run = [&](std::vector<float> const& codes) {
    jobs::stock_job_options o;
    o.lulc = float_map(tmp, "lulc.tif", codes, 4, 1, GDT_Float32, false);
    o.pools = tmp.file("pools.csv");
    o.output = tmp.file("s.tif");
    o.run.quiet = true;
    return bad_input_message([&] { jobs::run_stock_job(o); });
  };
  EXPECT_NE(run({1, 2, 7, 7}).find("code(s) 7 (2 pixels) with no row in --pools"), std::string::npos);
  EXPECT_NE(run({1, 2, 300, 1}).find("300 (1 pixels)"), std::string::npos);
  EXPECT_NE(run({1, -3, 1, 1}).find("-3 (1 pixels)"), std::string::npos);
  EXPECT_NE(run({1, 1.5f, 1, 1}).find("1.5 (1 pixels)"), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp.file("s.tif")));
  std::ofstream(tmp.file("pools.csv")) << "lucode,C_above,C_below,C_soil,C_dead\n1,1e39,2,30,1\n";
  std::string const m = bad_input_message([&] { io::read_invest_pools(tmp.file("pools.csv")); });
  EXPECT_NE(m.find("line 2 field C_above"), std::string::npos) << m;
}

TEST(Hardening, LandCoverClassWithoutParametersIsNamedOrUnmappedOnRequest)
{
  // A model that has forest but not cropland, and a land-cover map holding both.
  test::temp_dir tmp;
  std::ofstream(tmp.file("m.json"))
    << R"({"name":"x","region":{"description":"d","lon":[-180,180],"lat":[-90,90]},"soil_depth_cm":30,)"
    << R"("climate_zones":{"default":"z","zones":{"z":{"id":0,"soil_climate":"z","ecological_zone":"e"}}},)"
    << R"("crosswalks":{"cw":"cw.json"},"classes":{"forest":{"id":1,"group":"forest",)"
    << R"("agb":{"form":"constant","a":{"value":100,"source":"s"},"source":"s"},)"
    << R"("root_to_shoot":{"steps":[{"ratio":{"value":0.2,"source":"s"}}],"source":"s"},)"
    << R"("carbon_fraction":{"value":0.5,"source":"s"},"dead_c":{"value":1,"source":"s"},"soil_c":{"value":1,"source":"s"}},)"
    << R"("cropland":{"id":2,"group":"cropland","agb":{"form":"constant","a":{"notation":"NA","reason":"none"},"source":"s"},)"
    << R"("soil_c":{"notation":"NA","reason":"none"}}}})";
  std::ofstream(tmp.file("cw.json")) << R"({"name":"cw","source":"t","legend":{"1":"f","2":"c","0":"n"},"nodata":[0],"codes":{"1":"forest","2":"cropland"}})";
  test::raster_spec spec;
  spec.width = 4;
  spec.height = 1;
  spec.bands = 1;
  spec.has_nodata = false;
  test::write_u16(tmp.file("lc.tif"), spec, {1, 2, 2, 1});
  jobs::stock_job_options o;
  o.carbon.model = tmp.file("m.json");
  o.carbon.landcover = tmp.file("lc.tif");
  o.carbon.crosswalk = "cw";
  o.output = tmp.file("s.tif");
  o.run.quiet = true;
  std::string const m = bad_input_message([&] { jobs::run_stock_job(o); });
  EXPECT_NE(m.find("cropland (2 pixels)"), std::string::npos) << m;
  EXPECT_NE(m.find("--unmapped-classes"), std::string::npos) << m;
  EXPECT_FALSE(fs::exists(o.output));
  o.carbon.unmapped_classes = true;
  auto const r = jobs::run_stock_job(o);
  bool warned = false;
  for (auto const& w : r.warnings) warned |= w.find("cropland (2 pixels)") != std::string::npos;
  EXPECT_TRUE(warned);
  auto const total = test::read_band(o.output, 7);
  EXPECT_FALSE(std::isnan(total[0]));
  EXPECT_TRUE(std::isnan(total[1]));
}

TEST(Hardening, OutputsNeverReplaceAnInputOrADevice)
{
  test::temp_dir tmp;
  std::string const in = float_map(tmp, "in.tif", std::vector<float>(12, 1.0f), 4, 3);
  note_input(in);
  fs::create_symlink(in, tmp.file("alias.tif"));
  EXPECT_NE(bad_input_message([&] { io::temp_path_for(in); }).find("is an input"), std::string::npos);
  EXPECT_NE(bad_input_message([&] { io::temp_path_for(tmp.file("alias.tif")); }).find("is an input"), std::string::npos);
  EXPECT_NE(bad_input_message([&] { io::temp_path_for("/dev/null"); }).find("not a regular file"), std::string::npos);
  EXPECT_NE(bad_input_message([&] { io::temp_path_for(tmp.path.string()); }).find("not a regular file"), std::string::npos);
}

TEST(Hardening, PartialsOfDeadRunsAreSweptAndLiveOnesKept)
{
  test::temp_dir tmp;
  // PID 2^22 + 1 is above Linux's default pid_max: no such process.
  std::string const dead = tmp.file(".out.sinkmap-partial-4194305.tif");
  std::string const alive = tmp.file(".out.sinkmap-partial-" + std::to_string(::getppid()) + ".tif");
  std::ofstream(dead) << "x";
  std::ofstream(alive) << "x";
  io::write_text_atomically(tmp.file("out.tif"), "done");
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive));
  EXPECT_TRUE(fs::exists(tmp.file("out.tif")));
}

TEST(Hardening, ARunFolderHeldByALiveRunIsRefused)
{
  test::temp_dir tmp;
  fs::create_directories(tmp.file("out"));
  // Another run holds the lock: here a descriptor of this test with flock() on the file.
  std::ofstream(tmp.file("out/.sinkmap-run.lock")) << 4242 << "\n";
  int const holder = ::open(tmp.file("out/.sinkmap-run.lock").c_str(), O_RDWR);
  ASSERT_GE(holder, 0);
  ASSERT_EQ(::flock(holder, LOCK_EX | LOCK_NB), 0);
  std::ofstream(tmp.file("run.toml")) << "output = \"out\"\n[zones]\nfile = \""
                                      << (test::source_dir() / "data-samples/worldcover-n00e006-crop/zones.geojson").string()
                                      << "\"\nfield = \"name\"\n[[years]]\nyear = 2021\nlandcover = \""
                                      << (test::source_dir() / "data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2021_v200_crop_Map.tif").string()
                                      << "\"\n";
  auto const cfg = jobs::load_run_config(tmp.file("run.toml"));
  jobs::run_settings run;
  run.quiet = true;
  std::string const m = bad_input_message([&] { jobs::run_one_map(cfg, run, {}); });
  EXPECT_NE(m.find("in use by another sinkmap run (process 4242"), std::string::npos) << m;
  EXPECT_FALSE(fs::exists(tmp.file("out/stock_2021.tif")));
  ::close(holder);  // the holder is gone (a crash drops its flock the same way)
  // A lock file left behind is taken over, even when the PID in it is a live process now (the
  // parent of this test: a reused PID).
  std::ofstream(tmp.file("out/.sinkmap-run.lock")) << ::getppid() << "\n";
  jobs::run_one_map(cfg, run, {});
  EXPECT_TRUE(fs::exists(tmp.file("out/run.json")));
  EXPECT_FALSE(fs::exists(tmp.file("out/.sinkmap-run.lock")));
}

TEST(Hardening, ConfigIntegersDoNotWrap)
{
  test::temp_dir tmp;
  std::ofstream(tmp.file("run.toml")) << "output = \"o\"\n[zones]\nfile = \"z.gpkg\"\nfield = \"n\"\n"
                                      << "[[years]]\nyear = 4294969317\nlandcover = \"lc.tif\"\n";
  std::string const m = bad_input_message([&] { jobs::load_run_config(tmp.file("run.toml")); });
  EXPECT_NE(m.find("line 6"), std::string::npos) << m;
  EXPECT_NE(m.find("year"), std::string::npos) << m;
}

TEST(Hardening, ZoneFilesThatAreEmptyMultiLayeredOrOverlappingAreSaidSo)
{
  test::temp_dir tmp;
  std::string const map = float_map(tmp, "m.tif", std::vector<float>(12, 50.0f), 4, 3);
  io::raster_grid const grid = io::grid_of_file(map);
  std::ofstream(tmp.file("empty.geojson")) << R"({"type":"FeatureCollection","features":[]})";
  EXPECT_NE(bad_input_message([&] { io::zone_set(tmp.file("empty.geojson"), "name", grid); }).find("has no features"),
            std::string::npos);
  // Two overlapping squares (the second shifted by one pixel).
  std::ofstream(tmp.file("ov.geojson"))
    << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[)"
    << R"({"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[500000,3999910],[500090,3999910],[500090,4000000],[500000,4000000],[500000,3999910]]]}},)"
    << R"({"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Polygon","coordinates":[[[500030,3999910],[500120,3999910],[500120,4000000],[500030,4000000],[500030,3999910]]]}}]})";
  io::zone_set const ov(tmp.file("ov.geojson"), "name", grid);
  ASSERT_EQ(ov.notes().size(), 1u);
  EXPECT_NE(ov.notes()[0].find("'A' and 'B'"), std::string::npos) << ov.notes()[0];
  // Neighbours that only touch are not overlapping.
  std::ofstream(tmp.file("touch.geojson"))
    << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[)"
    << R"({"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[500000,3999910],[500060,3999910],[500060,4000000],[500000,4000000],[500000,3999910]]]}},)"
    << R"({"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Polygon","coordinates":[[[500060,3999910],[500120,3999910],[500120,4000000],[500060,4000000],[500060,3999910]]]}}]})";
  EXPECT_TRUE(io::zone_set(tmp.file("touch.geojson"), "name", grid).notes().empty());
}

TEST(Hardening, RecordedYearsAreWholeYearsOrRefusedByFile)
{
  // std::atof made "20x1" the year 20 and "abc" the year 0; every job now reads a map's year
  // through io::recorded_year.
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.width = 2;
  spec.height = 1;
  spec.bands = 1;
  std::string const f = tmp.file("y.tif");
  test::write_u16(f, spec, {1, 2});
  auto year_of = [&](char const* v) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(f.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
    if (v) ds->SetMetadataItem("SINKMAP_YEAR", v);
    return io::recorded_year(*ds, f);
  };
  EXPECT_FALSE(year_of(nullptr).has_value());
  EXPECT_EQ(year_of("2021"), 2021);
  for (char const* bad : {"20x1", "abc", "2020.5", "-3", "99999999999"}) {
    try {
      year_of(bad);
      ADD_FAILURE() << bad;
    } catch (bad_input const& e) {
      EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("not a year"), std::string::npos) << e.what();
    }
  }
}
