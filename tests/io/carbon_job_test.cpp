// Stock, sink and inventory through GDAL: InVEST parity, ellipsoidal cell areas, zonal sums
// against an independent rasterize-and-sum, the sink of known maps, invariance to tiles and
// threads, and bad input.
#include "core/error.hpp"
#include "io/cell_area.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/sink_job.hpp"
#include "jobs/stock_job.hpp"
#include "models/carbon_model.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

// One polygon around the whole raster, as GeoJSON in the raster's CRS.
std::string zone_around(test::temp_dir const& tmp, test::raster_spec const& s, std::string name = "all")
{
  double const x0 = s.origin_x - 100, x1 = s.origin_x + s.pixel * s.width + 100;
  double const y1 = s.origin_y + 100, y0 = s.origin_y - s.pixel * s.height - 100;
  std::ostringstream g;
  g.precision(12);
  g << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::)"
    << s.epsg << R"("}},"features":[{"type":"Feature","properties":{"name":")" << name
    << R"("},"geometry":{"type":"Polygon","coordinates":[[[)" << x0 << "," << y0 << "],[" << x1
    << "," << y0 << "],[" << x1 << "," << y1 << "],[" << x0 << "," << y1 << "],[" << x0 << ","
    << y0 << "]]]}}]}";
  std::string const path = tmp.file("zones.geojson");
  std::ofstream(path) << g.str();
  return path;
}

jobs::run_settings quiet(int tile = 0, int threads = 0)
{
  jobs::run_settings r;
  r.quiet = true;
  r.tile = tile;
  r.threads = threads;
  return r;
}

}  // namespace

TEST(InvestParity, TotalEqualsIndependentSumOfPools)
{
  fs::path const csv = test::shared_data() / "invest-carbon/carbon_pools_willamette.csv";
  if (!fs::exists(csv)) GTEST_SKIP() << "no " << csv;
  // The table, read independently: lucode -> C_above + C_below + C_soil + C_dead.
  std::map<int, double> total_of;
  {
    std::ifstream f(csv);
    std::string line;
    std::getline(f, line);
    while (std::getline(f, line)) {
      std::vector<std::string> c;
      std::stringstream ss(line);
      for (std::string x; std::getline(ss, x, ',');) c.push_back(x);
      ASSERT_GE(c.size(), 6u);
      total_of[std::stoi(c[0])] = std::stod(c[2]) + std::stod(c[3]) + std::stod(c[4]) + std::stod(c[5]);
    }
  }
  std::vector<int> codes;
  for (auto const& [k, v] : total_of) codes.push_back(k);
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.width = 301;
  spec.height = 257;
  spec.bands = 1;
  spec.has_nodata = false;
  std::vector<std::uint16_t> lulc(std::size_t(spec.width) * spec.height);
  std::mt19937 rng(3);
  double expected = 0;
  for (auto& v : lulc) {
    v = std::uint16_t(codes[rng() % codes.size()]);
    expected += total_of[v] * spec.pixel * spec.pixel / 1e4;
  }
  test::write_u16(tmp.file("lulc.tif"), spec, lulc);

  jobs::stock_job_options o;
  o.lulc = tmp.file("lulc.tif");
  o.pools = csv.string();
  o.output = tmp.file("stock.tif");
  o.run = quiet();
  jobs::run_stock_job(o);
  jobs::inventory_job_options io;
  io.map = o.output;
  io.zones = zone_around(tmp, spec);
  io.zone_field = "name";
  io.output = tmp.file("inv.csv");
  io.run = quiet();
  auto const inv = jobs::run_inventory_job(io);
  EXPECT_NEAR(inv.total.total / expected, 1.0, 1e-9);
  EXPECT_EQ(inv.total.pixels, lulc.size());
  EXPECT_NEAR(inv.total.area_ha, lulc.size() * 0.09, 1e-6);
  EXPECT_NEAR(inv.total.co2e, expected * 44 / 12, expected * 1e-8);
  EXPECT_TRUE(fs::exists(tmp.file("inv.json")));
}

TEST(CellArea, OneDegreeCellMatchesNumericalIntegrationOnTheEllipsoid)
{
  // WGS 84. Independent: integrate M(phi) N(phi) cos(phi) dphi dlambda numerically.
  double const a = 6378137.0, inv_f = 298.257223563, f = 1 / inv_f, e2 = f * (2 - f);
  for (double lat0 : {0.0, 36.0, 60.0}) {
    double integral = 0;
    int const n = 20000;
    for (int i = 0; i < n; ++i) {
      double const phi = (lat0 + (i + 0.5) / n) * M_PI / 180;
      double const s2 = std::sin(phi) * std::sin(phi);
      double const M = a * (1 - e2) / std::pow(1 - e2 * s2, 1.5), N = a / std::sqrt(1 - e2 * s2);
      integral += M * N * std::cos(phi) * (M_PI / 180 / n);
    }
    integral *= M_PI / 180;  // 1 degree of longitude
    EXPECT_NEAR(io::ellipsoid_cell_area(lat0, lat0 + 1, 1, a, inv_f) / integral, 1.0, 1e-9) << lat0;
  }
  // A geographic grid uses it per row.
  io::raster_grid g;
  g.width = 2;
  g.height = 2;
  g.has_geotransform = true;
  g.geotransform = {117, 1, 0, 37, 0, -1};
  OGRSpatialReference srs;
  srs.importFromEPSG(4326);
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  g.crs_wkt = wkt;
  CPLFree(wkt);
  io::cell_area const ca(g);
  EXPECT_TRUE(ca.geographic());
  EXPECT_NEAR(ca.hectares(0), io::ellipsoid_cell_area(36, 37, 1, a, inv_f) / 1e4, 1e-6);
}

namespace {

// The zion stock map: NLCD classes through the default Tier 1 model.
std::string zion_stock(test::temp_dir const& tmp, int tile = 0, int threads = 0)
{
  fs::path const d = test::shared_data() / "spdatalarge-zion";
  jobs::stock_job_options o;
  o.scene_options.bands = {"red=" + (d / "landsat_b4.tif").string(), "nir=" + (d / "landsat_b5.tif").string()};
  o.carbon.landcover = (d / "nlcd2011.tif").string();
  o.output = tmp.file("zion_stock_" + std::to_string(tile) + "_" + std::to_string(threads) + ".tif");
  o.run = quiet(tile, threads);
  jobs::run_stock_job(o);
  return o.output;
}

}  // namespace

TEST(Inventory, ZionTotalsMatchIndependentRasterizeAndSum)
{
  fs::path const d = test::shared_data() / "spdatalarge-zion";
  if (!fs::exists(d)) GTEST_SKIP() << "no " << d;
  test::temp_dir tmp;
  std::string const stock = zion_stock(tmp);
  jobs::inventory_job_options o;
  o.map = stock;
  o.zones = (d / "zion.gpkg").string();
  o.zone_field = "UNIT_NAME";
  o.output = tmp.file("inv.csv");
  o.run = quiet();
  auto const inv = jobs::run_inventory_job(o);

  // Independent: gdal_rasterize the park onto the stock grid (pixel-centre rule), then sum.
  GDALDataset* src = GDALDataset::Open(stock.c_str(), GDAL_OF_RASTER);
  int const w = src->GetRasterXSize(), h = src->GetRasterYSize();
  double gt[6];
  src->GetGeoTransform(gt);
  std::vector<float> c_total(std::size_t(w) * h);
  ASSERT_EQ(src->GetRasterBand(7)->RasterIO(GF_Read, 0, 0, w, h, c_total.data(), w, h, GDT_Float32,
                                           0, 0, nullptr), CE_None);
  GDALDataset* mask = GetGDALDriverManager()->GetDriverByName("MEM")->Create("", w, h, 1, GDT_Byte, nullptr);
  mask->SetGeoTransform(gt);
  mask->SetSpatialRef(src->GetSpatialRef());
  GDALDataset* zones = GDALDataset::Open(o.zones.c_str(), GDAL_OF_VECTOR);
  char const* args[] = {"-burn", "1", nullptr};
  GDALRasterizeOptions* ro = GDALRasterizeOptionsNew(const_cast<char**>(args), nullptr);
  ASSERT_NE(GDALRasterize(nullptr, GDALDataset::ToHandle(mask), GDALDataset::ToHandle(zones), ro, nullptr), nullptr);
  GDALRasterizeOptionsFree(ro);
  std::vector<unsigned char> in(std::size_t(w) * h);
  ASSERT_EQ(mask->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, in.data(), w, h, GDT_Byte, 0, 0,
                                             nullptr), CE_None);
  double const ha = std::abs(gt[1] * gt[5]) / 1e4;
  double expected = 0;
  std::uint64_t pixels = 0;
  for (std::size_t i = 0; i < in.size(); ++i)
    if (in[i] && !std::isnan(c_total[i])) {
      expected += double(c_total[i]) * ha;
      ++pixels;
    }
  GDALClose(zones);
  GDALClose(mask);
  GDALClose(src);
  EXPECT_EQ(inv.total.pixels, pixels);
  EXPECT_NEAR(inv.total.total / expected, 1.0, 1e-9);
  EXPECT_GT(inv.rows.size(), 3u);  // several NLCD classes inside the park
}

TEST(Inventory, TotalsIdenticalForAnyTileSizeAndThreadCount)
{
  fs::path const d = test::shared_data() / "spdatalarge-zion";
  if (!fs::exists(d)) GTEST_SKIP() << "no " << d;
  test::temp_dir tmp;
  std::string const stock = zion_stock(tmp);
  std::vector<double> totals;
  for (auto [tile, threads] : {std::pair{0, 0}, {64, 1}, {256, 2}, {100000, 1}}) {
    jobs::inventory_job_options o;
    o.map = stock;
    o.zones = (d / "zion.gpkg").string();
    o.zone_field = "UNIT_NAME";
    o.output = tmp.file("inv.csv");
    o.run = quiet(tile, threads);
    totals.push_back(jobs::run_inventory_job(o).total.total);
  }
  for (double t : totals) EXPECT_EQ(t, totals.front());  // to the last digit
  // And the stock map itself is identical for tiled and untiled runs.
  auto const a = test::read_band(zion_stock(tmp, 64, 1), 7);
  auto const b = test::read_band(zion_stock(tmp, 100000, 2), 7);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_TRUE((std::isnan(a[i]) && std::isnan(b[i])) || a[i] == b[i]) << i;
}

TEST(Sink, OfTwoKnownStockMaps)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.bands = 1;
  spec.has_nodata = true;
  spec.nodata = 0;
  std::vector<std::uint16_t> t1(std::size_t(spec.width) * spec.height), t2(t1.size());
  for (std::size_t i = 0; i < t1.size(); ++i) {
    t1[i] = std::uint16_t(100 + i % 50);
    t2[i] = std::uint16_t(i % 97 == 0 ? 0 : 90 + i % 70);  // some nodata
  }
  test::write_u16(tmp.file("t1.tif"), spec, t1);
  test::write_u16(tmp.file("t2.tif"), spec, t2);
  jobs::sink_job_options o;
  o.stock_t1 = tmp.file("t1.tif");
  o.stock_t2 = tmp.file("t2.tif");
  o.years = 4;
  o.output = tmp.file("sink.tif");
  o.run = quiet();
  jobs::run_sink_job(o);
  auto const sink = test::read_band(o.output, 1), co2 = test::read_band(o.output, 2);
  for (std::size_t i = 0; i < t1.size(); ++i) {
    if (t2[i] == 0) {
      EXPECT_TRUE(std::isnan(sink[i]));
      continue;
    }
    double const s = (double(t2[i]) - double(t1[i])) / 4;
    ASSERT_FLOAT_EQ(sink[i], float(s));
    ASSERT_NEAR(co2[i], s * 44 / 12, 1e-4);
  }
  // Grids must match, naming both files.
  test::raster_spec other = spec;
  other.origin_x += 30;
  test::write_u16(tmp.file("t3.tif"), other, t1);
  o.stock_t2 = tmp.file("t3.tif");
  try {
    jobs::run_sink_job(o);
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("t1.tif"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("t3.tif"), std::string::npos);
  }
}

TEST(CarbonModel, ShippedModelsLoadAndBadFieldsAreNamed)
{
  auto const legacy = models::load_carbon_model(models::resolve_model_path("north_china_tier1"));
  auto const mangrove = legacy.class_id("mangrove");
  ASSERT_TRUE(mangrove.has_value());
  int const set = kernels::param_set(*legacy.tables, *mangrove, 0, 0);
  ASSERT_GE(set, 0);
  EXPECT_FLOAT_EQ(legacy.tables->sets[set].soil_c, 386);  // the legacy value, kept for comparison
  EXPECT_FALSE(legacy.known_errors.empty());
  EXPECT_FALSE(legacy.deprecated.empty());
  auto const lib = models::load_carbon_model(models::resolve_model_path(models::default_model_name));
  EXPECT_EQ(lib.name, "north_china_2019");
  EXPECT_EQ(lib.sha256.size(), 64u);
  test::temp_dir tmp;
  // A valid minimal model, then one broken field at a time.
  std::string const head =
    R"({"name":"x","region":{"description":"d","lon":[-180,180],"lat":[-90,90]},"soil_depth_cm":30,)"
    R"("climate_zones":{"default":"z","zones":{"z":{"id":0,"soil_climate":"z","ecological_zone":"e"}}},)";
  std::string const forest =
    R"("agb":{"form":"constant","a":{"value":100,"source":"s"},"source":"s"},"root_to_shoot":{"steps":[{"ratio":{"value":0.2,"source":"s"}}],"source":"s"},)"
    R"("dead_c":{"value":1,"source":"s"},"soil_c":{"value":1,"source":"s"})";
  struct bad {
    std::string json, field;
  };
  std::vector<bad> const cases = {
    {head + R"("classes":{"forest":{"id":1,"group":"forest","agb":{"form":"linear","index":"NDVI","a":1,"source":"s"}}}})", "classes.forest.agb.b"},
    {head + R"("classes":{"jungle":{"id":1,"group":"rainforest"}}})", "classes.jungle.group"},
    {head + R"("classes":{"forest":{"id":40,"group":"forest"}}})", "classes.forest.id"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest","agb":{"form":"cubic","source":"s"}}}})", "classes.forest.agb.form"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest","agb":{"form":"linear","index":"NDXI","a":1,"b":2,"source":"s"}}}})", "classes.forest.agb.index"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest",)" + forest + R"(,"carbon_fraction":{"value":1.7,"source":"s"}}}})", "classes.forest.carbon_fraction"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest",)" + forest + R"(,"carbon_fraction":{"value":0.47,"sd":-0.1,"source":"s"}}}})", "classes.forest.carbon_fraction.sd"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest",)" + forest + R"(,"carbon_fraction":{"value":0.47,"ci95":[0.5,0.4],"source":"s"}}}})", "classes.forest.carbon_fraction.ci95"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest",)" + forest + R"(,"carbon_fraction":{"value":0.47}}}})", "classes.forest.carbon_fraction.source"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest",)" + forest + R"(,"carbon_fraction":"@cf"}}})", "factor 'cf'"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest",)" + forest + R"(,"carbon_fraction":{"by_zone":{"other":0.5}}}}})", "no entry for 'z'"},
    {head + R"("classes":{"water":{"id":1,"group":"other","agb":{"form":"none","source":"s"}}}})", "classes.water.soil_c"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest","agb":{"form":"linear","index":"NDVI","a":1,"b":2,"covariance":[[1,2],[2,1]],"source":"s"}}}})", "positive semi-definite"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest","agb":{"form":"constant","a":1e39,"source":"s"}}}})", "classes.forest.agb.a"},
    {head + R"("classes":{"forest":{"id":1,"group":"forest","agb":{"form":"exponential","index":"NDVI","a":1,"b":1000,"source":"s"}}}})", "(no stand holds a million)"},
    {R"({"name":"x","classes":{}})", "region"},
    {R"({"name": )", "not valid JSON"},
  };
  for (auto const& c : cases) {
    std::ofstream(tmp.file("m.json")) << c.json;
    try {
      models::load_carbon_model(tmp.file("m.json"));
      FAIL() << c.json;
    } catch (bad_input const& e) {
      std::string const m = e.what();
      EXPECT_NE(m.find("m.json"), std::string::npos) << m;
      EXPECT_NE(m.find(c.field), std::string::npos) << m;
    }
  }
}

TEST(Landcover, CodeWithoutCrosswalkEntryIsNamed)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.bands = 1;
  spec.has_nodata = false;
  std::vector<std::uint16_t> codes(std::size_t(spec.width) * spec.height, 10);  // WorldCover tree cover
  codes[5] = 37;  // not a WorldCover code
  // Byte land cover: write as uint16 then translate.
  test::write_u16(tmp.file("lc16.tif"), spec, codes);
  GDALDataset* in = GDALDataset::Open(tmp.file("lc16.tif").c_str(), GDAL_OF_RASTER);
  char const* args[] = {"-ot", "Byte", nullptr};
  GDALTranslateOptions* to = GDALTranslateOptionsNew(const_cast<char**>(args), nullptr);
  GDALClose(GDALTranslate(tmp.file("worldcover_lc.tif").c_str(), GDALDataset::ToHandle(in), to, nullptr));
  GDALTranslateOptionsFree(to);
  GDALClose(in);
  test::raster_spec scene = spec;
  scene.bands = 4;
  test::write_u16(tmp.file("scene.tif"), scene, test::random_planes(scene));
  jobs::stock_job_options o;
  o.scenes = {tmp.file("scene.tif")};
  o.scene_options.bands = {"red=3", "nir=4"};
  o.carbon.landcover = tmp.file("worldcover_lc.tif");
  o.output = tmp.file("stock.tif");
  o.run = quiet();
  try {
    jobs::run_stock_job(o);
    FAIL();
  } catch (bad_input const& e) {
    std::string const m = e.what();
    EXPECT_NE(m.find("37"), std::string::npos) << m;
    EXPECT_NE(m.find("esa_worldcover"), std::string::npos) << m;
  }
  EXPECT_FALSE(fs::exists(o.output));
}

TEST(Inventory, ZonesWithNoOverlapSaySo)
{
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.bands = 1;
  test::write_u16(tmp.file("map.tif"), spec, test::random_planes(spec));
  test::raster_spec far = spec;
  far.origin_x += 1e6;
  jobs::inventory_job_options o;
  o.map = tmp.file("map.tif");
  o.zones = zone_around(tmp, far);
  o.zone_field = "name";
  o.output = tmp.file("inv.csv");
  o.run = quiet();
  try {
    jobs::run_inventory_job(o);
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("overlaps"), std::string::npos) << e.what();
  }
  o.zones = zone_around(tmp, spec);
  o.zone_field = "nom";
  EXPECT_THROW(jobs::run_inventory_job(o), bad_input);
}

TEST(Inventory, NegativeStockPixelsAreRefusedNotSummed)
{
  // A one-band map whose unit says it is a carbon stock, with one negative pixel: refused, naming
  // the map and the count. The same values as a flux (Mg C/ha/yr) are summed.
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.bands = 1;
  spec.width = 8;
  spec.height = 8;
  std::string const map = tmp.file("stock.tif");
  test::write_u16(tmp.file("u16.tif"), spec, std::vector<std::uint16_t>(64, 5));
  {  // the same grid as Float32
    GDALDatasetUniquePtr src(GDALDataset::Open(tmp.file("u16.tif").c_str(), GDAL_OF_RASTER));
    char const* args[] = {"-ot", "Float32", nullptr};
    GDALTranslateOptions* opts = GDALTranslateOptionsNew(const_cast<char**>(args), nullptr);
    GDALClose(GDALTranslate(map.c_str(), GDALDataset::ToHandle(src.get()), opts, nullptr));
    GDALTranslateOptionsFree(opts);
  }
  auto set = [&](char const* unit, float first) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(map.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
    ds->GetRasterBand(1)->SetUnitType(unit);
    ds->GetRasterBand(1)->DeleteNoDataValue();
    float v = first;
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 1, 1, &v, 1, 1, GDT_Float32, 0, 0, nullptr), CE_None);
  };
  jobs::inventory_job_options o;
  o.map = map;
  o.zones = zone_around(tmp, spec);
  o.zone_field = "name";
  o.output = tmp.file("inv.csv");
  o.run = quiet();
  set("Mg C/ha", -3);
  try {
    jobs::run_inventory_job(o);
    ADD_FAILURE() << "a negative stock was summed";
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("stock.tif"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1 negative pixels"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp.file("inv.csv")));
  set("Mg C/ha/yr", -3);
  EXPECT_NO_THROW(jobs::run_inventory_job(o));
}
