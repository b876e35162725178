// A forest management inventory (sub-compartment polygons) over a generated land cover: each
// polygon's biomass equals its growing stock through the model's volume_to_biomass (B = aV + b,
// roots included, or V x BCEF_S), ages advance from the survey year, land cover and inventory
// disagreements are measured per zone, and every bad field is refused naming the polygon.
#include "core/error.hpp"
#include "gdal/gdal_session.hpp"
#include "inventory/forest_inventory_agreement.hpp"
#include "io/forest_inventory.hpp"
#include "jobs/carbon_inputs.hpp"
#include "jobs/montecarlo_job.hpp"
#include "jobs/run_job.hpp"
#include "jobs/stock_job.hpp"
#include "models/carbon_model.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>

#include <cmath>
#include <fstream>
#include <utility>
#include <optional>
#include <string>
#include <vector>

namespace sinkmap {
namespace {

using nlohmann::json;

// The land cover: 8 x 4 pixels of 100 m (1 ha), ESA WorldCover codes (10 tree cover, 40 cropland).
test::raster_spec grid_spec()
{
  test::raster_spec s;
  s.width = 8;
  s.height = 4;
  s.bands = 1;
  s.pixel = 100;
  s.has_nodata = false;
  return s;
}

std::vector<std::uint16_t> landcover()
{
  return {10, 10, 10, 40, 10, 10, 10, 10,  //
          10, 10, 10, 40, 10, 10, 10, 10,  //
          10, 10, 40, 40, 40, 40, 10, 10,  //
          10, 10, 40, 40, 40, 40, 10, 10};
}

struct stand {
  int col0, row0, cols, rows;  // pixels covered
  std::string type, origin, age, volume;  // as the inventory writes them ("" = null)
  std::string increment = "";             // net annual volume increment, m3/ha/yr
};

// Writes the stands as a GeoPackage layer "xiaoban" in UTM 50N; numeric fields as Real unless
// `text_fields` (then every field is a string, as some bureaus keep them).
std::string write_inventory(test::temp_dir const& tmp, std::string const& name, std::vector<stand> const& stands,
                            bool text_fields = false)
{
  GDALAllRegister();
  auto const s = grid_spec();
  std::string const path = tmp.file(name);
  auto* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  OGRSpatialReference srs;
  srs.importFromEPSG(s.epsg);
  OGRLayer* layer = ds->CreateLayer("xiaoban", &srs, wkbPolygon, nullptr);
  OGRFieldType const num = text_fields ? OFTString : OFTReal;
  for (auto [f, t] : {std::pair{"树种", OFTString}, {"起源", OFTString}, {"林龄", num}, {"蓄积", num}, {"生长量", num}}) {
    OGRFieldDefn d(f, t);
    layer->CreateField(&d);
  }
  for (auto const& st : stands) {
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("树种", st.type.c_str());
    if (!st.origin.empty()) f.SetField("起源", st.origin.c_str());
    auto set = [&](char const* field, std::string const& v) {
      if (v.empty()) f.SetFieldNull(f.GetFieldIndex(field));
      else if (text_fields) f.SetField(field, v.c_str());
      else f.SetField(field, std::stod(v));
    };
    set("林龄", st.age);
    set("蓄积", st.volume);
    set("生长量", st.increment);
    double const x0 = s.origin_x + st.col0 * s.pixel, x1 = x0 + st.cols * s.pixel;
    double const y1 = s.origin_y - st.row0 * s.pixel, y0 = y1 - st.rows * s.pixel;
    OGRLinearRing ring;
    for (auto [x, y] : {std::pair{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}) ring.addPoint(x, y);
    OGRPolygon poly;
    poly.addRing(&ring);
    f.SetGeometry(&poly);
    EXPECT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
  }
  return path;
}

std::vector<stand> survey()
{
  return {{0, 0, 2, 2, "杨树", "人工", "8", "60"},      // poplar, B = aV + b
          {2, 0, 2, 2, "油松", "人工", "30", "120"},    // Chinese pine; its column 3 is cropland on the map
          {4, 0, 2, 2, "硬阔类", "天然", "40", "80"},   // natural broadleaf: V x BCEF_S
          {0, 2, 2, 2, "刺槐", "人工", "18", ""}};      // black locust, no volume: Tier 1 by age
}

io::forest_inventory_options options(std::string const& file)
{
  io::forest_inventory_options o;
  o.file = file;
  o.year = 2020;
  o.type_field = "树种";
  o.origin_field = "起源";
  o.age_field = "林龄";
  o.volume_field = "蓄积";
  return o;
}

json model_json()
{
  std::ifstream f(test::source_dir() / "models/carbon/north_china_2019.json");
  return json::parse(f);
}

struct stock_map {
  std::vector<float> agb, bgb, cls;
  float at(std::vector<float> const& v, int col, int row) const { return v[std::size_t(row * grid_spec().width + col)]; }
};

/// The number of the band named `name` in raster `f` (-1: no such file).
int band_of(std::string const& f, char const* name)
{
  GDALDatasetUniquePtr ds(GDALDataset::Open(f.c_str(), GDAL_OF_RASTER));
  return ds ? io::band_named(*ds, name) : -1;
}

stock_map run_stock(test::temp_dir const& tmp, std::string const& inventory, int map_year)
{
  test::write_u16(tmp.file("lc_worldcover.tif"), grid_spec(), landcover());
  jobs::stock_job_options o;
  o.carbon.landcover = tmp.file("lc_worldcover.tif");
  o.carbon.forest_inventory = options(inventory);
  o.carbon.map_year = map_year;
  o.output = tmp.file("stock_" + std::to_string(map_year) + ".tif");
  o.run.quiet = true;
  jobs::run_stock_job(o);
  stock_map m;
  m.agb = test::read_band(o.output, 1);
  m.bgb = test::read_band(o.output, 2);
  m.cls = test::read_band(o.output, 8);
  return m;
}

}  // namespace

TEST(ForestInventory, EachPolygonsBiomassIsItsGrowingStockThroughTheModelsConversion)
{
  test::temp_dir tmp;
  auto const inv = write_inventory(tmp, "xiaoban.gpkg", survey());
  auto const m = run_stock(tmp, inv, 2020);
  json const lib = model_json();
  auto const& cls = lib["classes"];
  auto linear = [&](std::string const& c, double v) {
    auto const& vb = cls[c]["volume_to_biomass"];
    EXPECT_EQ(vb["output"], "total_biomass");
    return vb["a"]["value"].get<double>() * v + vb["b"]["value"].get<double>();
  };
  // Poplar: the stand's total biomass (roots included) is a V + b, split, never expanded again.
  for (auto [c, r] : {std::pair{0, 0}, {1, 0}, {0, 1}, {1, 1}}) {
    EXPECT_EQ(m.at(m.cls, c, r), cls["plantation_poplar"]["id"].get<float>());
    EXPECT_NEAR(m.at(m.agb, c, r) + m.at(m.bgb, c, r), linear("plantation_poplar", 60), 1e-4);
    EXPECT_GT(m.at(m.bgb, c, r), 0.0f);
  }
  // 0.6251 x 60 + 11.462 (Zhang et al. 2018 Table 1, Populus), by hand.
  EXPECT_NEAR(m.at(m.agb, 0, 0) + m.at(m.bgb, 0, 0), 48.968, 1e-3);
  // Chinese pine where the map says forest; the map's cropland keeps its class.
  EXPECT_NEAR(m.at(m.agb, 2, 0) + m.at(m.bgb, 2, 0), linear("plantation_pinus_tabuliformis", 120), 1e-4);
  EXPECT_EQ(m.at(m.cls, 3, 0), cls["annual_cropland"]["id"].get<float>());
  // Natural broadleaf through the IPCC BCEF_S table: AGB = V x BCEF_S of V's growing-stock level.
  double bcef = NAN;
  for (auto const& st : lib["factors"]["bcef_temperate_hardwoods"]["steps"])
    if (!st.contains("growing_stock_below") || 80 < st["growing_stock_below"].get<double>()) {
      bcef = st["bcef_s"]["value"];
      break;
    }
  EXPECT_EQ(bcef, 1.4);  // Table 4.5, temperate hardwoods, 41-100 m3/ha
  EXPECT_EQ(m.at(m.cls, 4, 0), cls["natural_forest_broadleaf"]["id"].get<float>());
  EXPECT_NEAR(m.at(m.agb, 4, 0), 80 * bcef, 1e-4);
  // Forest outside every polygon keeps the land-cover default class (ESA tree cover -> planted
  // broadleaf) and its Tier 1 young stock.
  EXPECT_EQ(m.at(m.cls, 7, 3), cls["plantation_broadleaf"]["id"].get<float>());
  EXPECT_NEAR(m.at(m.agb, 7, 3), cls["plantation_broadleaf"]["agb"]["a"]["by_age"]["young"]["value"].get<double>(), 1e-4);
}

TEST(ForestInventory, AgesAdvanceFromTheSurveyYear)
{
  // Black locust of 18 years in 2020 without a volume: the Tier 1 young row in 2020, the old
  // row (> 20 years) in 2024.
  test::temp_dir tmp;
  auto const inv = write_inventory(tmp, "xiaoban.gpkg", survey());
  json const a = model_json()["classes"]["plantation_robinia"]["agb"]["a"]["by_age"];
  auto const y2020 = run_stock(tmp, inv, 2020), y2024 = run_stock(tmp, inv, 2024);
  EXPECT_NEAR(y2020.at(y2020.agb, 0, 2), a["young"]["value"].get<double>(), 1e-4);
  EXPECT_NEAR(y2024.at(y2024.agb, 0, 2), a["old"]["value"].get<double>(), 1e-4);
  EXPECT_NE(a["young"]["value"], a["old"]["value"]);
  // The poplar's growing stock is the survey's in both years.
  EXPECT_EQ(y2020.at(y2020.agb, 0, 0), y2024.at(y2024.agb, 0, 0));
}

TEST(ForestInventory, DisagreementWithTheLandCoverIsMeasuredPerZone)
{
  test::temp_dir tmp;
  auto const inv_file = write_inventory(tmp, "xiaoban.gpkg", survey());
  auto const m = run_stock(tmp, inv_file, 2020);
  (void)m;
  auto const model = jobs::load_model({});
  io::raster_grid const grid = io::grid_of_file(tmp.file("stock_2020.tif"));
  auto const inv = io::read_forest_inventory(options(inv_file), model);
  EXPECT_EQ(inv.stands.size(), 4u);
  EXPECT_EQ(inv.without_volume, 1u);
  io::burn_forest_inventory(options(inv_file), inv, grid, tmp.file("inv.tif"));
  // Two zones: the west half (columns 0-3) and the east half (4-7).
  auto const s = grid_spec();
  std::ofstream(tmp.file("zones.geojson"))
    << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[)"
    << R"({"type":"Feature","properties":{"name":"west"},"geometry":{"type":"Polygon","coordinates":[[[500000,3999600],[500400,3999600],[500400,4000000],[500000,4000000],[500000,3999600]]]}},)"
    << R"({"type":"Feature","properties":{"name":"east"},"geometry":{"type":"Polygon","coordinates":[[[500400,3999600],[500800,3999600],[500800,4000000],[500400,4000000],[500400,3999600]]]}}]})";
  (void)s;
  io::zone_set const zones(tmp.file("zones.geojson"), "name", grid);
  io::cell_area const areas(grid);
  auto const rows = zonal::forest_inventory_agreement(tmp.file("stock_2020.tif"), tmp.file("inv.tif"),
                                                      model.tables->group_of, zones, areas);
  ASSERT_EQ(rows.size(), 3u);
  // West: poplar 4 ha, pine 2 ha and black locust 4 ha on map forest; the pine's cropland column
  // 2 ha; no map forest outside the polygons. East: broadleaf 4 ha; 8 ha of map forest outside.
  EXPECT_EQ(rows[0].zone, "west");
  EXPECT_NEAR(rows[0].both_ha, 10, 1e-9);
  EXPECT_NEAR(rows[0].inventory_only_ha, 2, 1e-9);
  EXPECT_NEAR(rows[0].landcover_only_ha, 0, 1e-9);
  EXPECT_NEAR(rows[1].both_ha, 4, 1e-9);
  EXPECT_NEAR(rows[1].inventory_only_ha, 0, 1e-9);
  EXPECT_NEAR(rows[1].landcover_only_ha, 8, 1e-9);
  EXPECT_EQ(rows[2].zone, "*");
  EXPECT_NEAR(rows[2].both_ha, 14, 1e-9);
}

TEST(ForestInventory, EconomicForestIsPerennialCroplandAndAgreesWithTheMapsTreeCover)
{
  // An orchard stand (经济林, China's forest category of fruit and other economic trees) on the
  // map's tree cover: IPCC counts perennial woody crops as cropland (2006 V4 Ch. 5 p. 5.6), so
  // its pixels take perennial_cropland with its Tier 1 biomass, and the stand agrees with the map.
  test::temp_dir tmp;
  auto stands = survey();
  stands.push_back({6, 0, 2, 2, "经济林", "人工", "10", ""});
  auto const inv_file = write_inventory(tmp, "xiaoban.gpkg", stands);
  auto const m = run_stock(tmp, inv_file, 2020);
  json const lib = model_json();
  float const perennial = lib["classes"]["perennial_cropland"]["id"].get<float>();
  for (auto [c, r] : {std::pair{6, 0}, {7, 0}, {6, 1}, {7, 1}}) EXPECT_EQ(m.at(m.cls, c, r), perennial) << c << "," << r;
  EXPECT_EQ(m.at(m.cls, 6, 2), lib["classes"]["plantation_broadleaf"]["id"].get<float>());  // outside: map default
  auto const model = jobs::load_model({});
  io::raster_grid const grid = io::grid_of_file(tmp.file("stock_2020.tif"));
  auto const inv = io::read_forest_inventory(options(inv_file), model);
  io::burn_forest_inventory(options(inv_file), inv, grid, tmp.file("inv.tif"));
  std::ofstream(tmp.file("all.geojson"))
    << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[)"
    << R"({"type":"Feature","properties":{"name":"all"},"geometry":{"type":"Polygon","coordinates":[[[500000,3999600],[500800,3999600],[500800,4000000],[500000,4000000],[500000,3999600]]]}}]})";
  io::zone_set const zones(tmp.file("all.geojson"), "name", grid);
  io::cell_area const areas(grid);
  auto const rows = zonal::forest_inventory_agreement(tmp.file("stock_2020.tif"), tmp.file("inv.tif"),
                                                      model.tables->group_of, zones, areas);
  // The 14 ha of the first test plus the orchard's 4 ha agree; 4 ha of map forest stay outside.
  EXPECT_NEAR(rows.back().both_ha, 18, 1e-9);
  EXPECT_NEAR(rows.back().inventory_only_ha, 2, 1e-9);
  EXPECT_NEAR(rows.back().landcover_only_ha, 4, 1e-9);
}

TEST(ForestInventory, BadFieldsAreRefusedNamingThePolygonAndField)
{
  test::temp_dir tmp;
  auto const model = jobs::load_model({});
  auto message = [&](std::vector<stand> const& stands, std::optional<io::forest_inventory_options> o = std::nullopt) {
    static int n = 0;
    auto const file = write_inventory(tmp, "bad" + std::to_string(n++) + ".gpkg", stands, true);
    try {
      (void)io::read_forest_inventory(o ? *o : options(file), model);
    } catch (bad_input const& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  stand const ok{0, 0, 1, 1, "杨树", "人工", "8", "60"};
  auto with = [&](std::string type, std::string origin, std::string age, std::string vol) {
    return std::vector<stand>{ok, {1, 0, 1, 1, type, origin, age, vol}};
  };
  // Polygon 2 (the second feature of a GeoPackage layer) is named with the field at fault.
  EXPECT_NE(message(with("杨树", "人工", "8", "-5")).find("polygon 2: field 蓄积: growing stock -5"), std::string::npos);
  EXPECT_NE(message(with("杨树", "人工", "8", "abc")).find("polygon 2: field 蓄积: 'abc' is not a number"), std::string::npos)
    << message(with("杨树", "人工", "8", "abc"));
  EXPECT_NE(message(with("杨树", "人工", "-3", "60")).find("polygon 2: field 林龄: age -3 at the 2020 survey"), std::string::npos);
  EXPECT_NE(message(with("银杏", "人工", "8", "60")).find("polygon 2: field 树种: '银杏' is neither a code nor a label"),
            std::string::npos);
  EXPECT_NE(message(with("杨树", "飞播", "8", "60")).find("polygon 2: field 起源: origin '飞播'"), std::string::npos);
  // A volume increment that cannot be a net annual increment in m3/ha/yr.
  auto with_increment = [&](std::string inc) {
    stand bad{1, 0, 1, 1, "杨树", "人工", "8", "60"};
    bad.increment = inc;
    return std::vector<stand>{ok, bad};
  };
  auto increment_options = [&](std::string const& f) {
    auto o = options(f);
    o.increment_field = "生长量";
    return o;
  };
  for (auto [inc, expect] : {std::pair<std::string, std::string>{"-2", "polygon 2: field 生长量: volume increment -2 is not"},
                             {"450", "polygon 2: field 生长量: volume increment 450 is not a net annual increment in m3/ha/yr"},
                             {"x", "polygon 2: field 生长量: 'x' is not a number"}}) {
    static int k = 0;
    auto const f = write_inventory(tmp, "inc" + std::to_string(k++) + ".gpkg", with_increment(inc), true);
    std::string got = "no error";
    try {
      (void)io::read_forest_inventory(increment_options(f), model);
    } catch (bad_input const& e) {
      got = e.what();
    }
    EXPECT_NE(got.find(expect), std::string::npos) << got;
  }
  // A field the layer lacks is named with the layer's fields.
  auto const file = write_inventory(tmp, "fields.gpkg", {ok}, true);
  auto o = options(file);
  o.volume_field = "XJ";
  auto const missing = message({ok}, o);
  EXPECT_NE(missing.find("forest_inventory.volume_field"), std::string::npos) << missing;
  EXPECT_NE(missing.find("has no field 'XJ' (its fields: 树种, 起源, 林龄, 蓄积, 生长量)"), std::string::npos) << missing;
}

TEST(VolumeToBiomass, TotalBiomassIsSplitByTheStepwiseRatioAndKeptWhole)
{
  // Root-to-shoot 0.4 below AGB 50, 0.2 above: B = 63 -> AGB 45 (45 x 1.4 = 63). B = 66 fits
  // both steps (47.1 at 0.4, 55 at 0.2): the first step that fits wins.
  kernels::class_params m;
  m.rs_steps = 2;
  m.rs_below[0] = 50;
  m.rs_below[1] = INFINITY;
  m.rs_ratio[0] = 0.4f;
  m.rs_ratio[1] = 0.2f;
  m.vb_form = kernels::volume_form::linear;
  m.vb_a = 0.5f;
  m.vb_b = 3.0f;
  m.vb_total = 1;
  kernels::bcef_tables b{};
  float agb, bgb;
  ASSERT_TRUE(kernels::biomass_from_volume(m, b, 1, 120.0f, agb, bgb));  // B = 63
  EXPECT_FLOAT_EQ(agb, 45.0f);
  EXPECT_FLOAT_EQ(agb + bgb, 63.0f);
  ASSERT_TRUE(kernels::biomass_from_volume(m, b, 1, 200.0f, agb, bgb));  // B = 103 -> 103 / 1.2
  EXPECT_NEAR(agb, 103.0 / 1.2, 1e-4);
  EXPECT_FLOAT_EQ(agb + bgb, 103.0f);
  ASSERT_TRUE(kernels::biomass_from_volume(m, b, 1, 126.0f, agb, bgb));  // B = 66
  EXPECT_NEAR(agb, 66.0 / 1.4, 1e-4);
  // Rising ratios leave a gap (0.2 below 50, 0.4 above: B in (60, 70) fits neither step): AGB is
  // the bound, the roots the rest.
  std::swap(m.rs_ratio[0], m.rs_ratio[1]);
  ASSERT_TRUE(kernels::biomass_from_volume(m, b, 1, 124.0f, agb, bgb));  // B = 65
  EXPECT_FLOAT_EQ(agb, 50.0f);
  EXPECT_FLOAT_EQ(agb + bgb, 65.0f);
  std::swap(m.rs_ratio[0], m.rs_ratio[1]);
  // No growing stock, no stand; no volume, no conversion (the land cover's biomass applies).
  ASSERT_TRUE(kernels::biomass_from_volume(m, b, 1, 0.0f, agb, bgb));
  EXPECT_EQ(agb + bgb, 0.0f);
  EXPECT_FALSE(kernels::biomass_from_volume(m, b, 1, NAN, agb, bgb));
  // AGB output: the ratio expands it.
  m.vb_total = 0;
  ASSERT_TRUE(kernels::biomass_from_volume(m, b, 1, 40.0f, agb, bgb));  // AGB 23
  EXPECT_FLOAT_EQ(agb, 23.0f);
  EXPECT_FLOAT_EQ(bgb, 23.0f * 0.4f);
  // BCEF form: the level of V.
  m.vb_form = kernels::volume_form::bcef_table;
  b.steps[1] = 2;
  b.below[1][0] = 20;
  b.below[1][1] = INFINITY;
  b.s[1][0] = 3.0f;
  b.s[1][1] = 1.7f;
  ASSERT_TRUE(kernels::biomass_from_volume(m, b, 1, 10.0f, agb, bgb));
  EXPECT_FLOAT_EQ(agb, 30.0f);
  ASSERT_TRUE(kernels::biomass_from_volume(m, b, 1, 30.0f, agb, bgb));
  EXPECT_FLOAT_EQ(agb, 51.0f);
  EXPECT_FALSE(kernels::biomass_from_volume(m, b, 2, 30.0f, agb, bgb));  // class 2 has no table
}

}  // namespace sinkmap

namespace sinkmap {

TEST(ForestInventory, ARunStartsItsAccountingFromTheInventoryAndReportsTheDisagreement)
{
  test::temp_dir tmp;
  auto const inv = write_inventory(tmp, "xiaoban.gpkg", survey());
  test::write_u16(tmp.file("lc_worldcover.tif"), grid_spec(), landcover());
  std::ofstream(tmp.file("county.geojson"))
    << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[)"
    << R"({"type":"Feature","properties":{"name":"county"},"geometry":{"type":"Polygon","coordinates":[[[500000,3999600],[500800,3999600],[500800,4000000],[500000,4000000],[500000,3999600]]]}}]})";
  std::string const toml = tmp.file("run.toml");
  std::ofstream(toml) << "output = \"" << tmp.file("out") << "\"\nquicklooks = false\ncube = false\n"
                      << "[zones]\nfile = \"" << tmp.file("county.geojson") << "\"\nfield = \"name\"\n"
                      << "[forest_inventory]\nfile = \"xiaoban.gpkg\"\nyear = 2020\ntype_field = \"树种\"\n"
                      << "origin_field = \"起源\"\nage_field = \"林龄\"\nvolume_field = \"蓄积\"\n"
                      << "[uncertainty]\niterations = 16\n"
                      << "[[years]]\nyear = 2020\nlandcover = \"lc_worldcover.tif\"\n"
                      << "[[years]]\nyear = 2022\nlandcover = \"lc_worldcover.tif\"\n";
  jobs::run_settings quiet;
  quiet.quiet = true;
  auto const out = jobs::run_one_map(jobs::load_run_config(toml), quiet, {});
  std::ifstream mf(out.manifest);
  json const m = json::parse(mf);
  ASSERT_TRUE(m.contains("forest_inventory")) << m.dump();
  auto const& all = m["forest_inventory"]["agreement"].back();
  EXPECT_EQ(all["zone"], "*");
  EXPECT_NEAR(all["forest_in_both_ha"].get<double>(), 14, 1e-9);
  EXPECT_NEAR(all["inventory_not_landcover_forest_ha"].get<double>(), 2, 1e-9);
  EXPECT_NEAR(all["landcover_forest_outside_inventory_ha"].get<double>(), 8, 1e-9);
  bool warned = false;
  for (auto const& w : m["warnings"]) warned |= w.get<std::string>().find("2 ha inside its polygons are not forest") != std::string::npos;
  EXPECT_TRUE(warned) << m["warnings"].dump();
  // The accounting starts from the poplar's growing stock: biomass carbon (a V + b) CF in 2020,
  // and grows from there.
  json const lib = model_json();
  double const cf = lib["factors"]["cf_forest"]["value"];
  auto const s20 = test::read_band(tmp.file("out/stock_2020.tif"), 1), b20 = test::read_band(tmp.file("out/stock_2020.tif"), 2);
  auto const s22 = test::read_band(tmp.file("out/stock_2022.tif"), 1), b22 = test::read_band(tmp.file("out/stock_2022.tif"), 2);
  EXPECT_NEAR(s20[0] + b20[0], 48.968 * cf, 1e-3);
  EXPECT_GT(s22[0] + b22[0], s20[0] + b20[0]);
  // The Monte Carlo recomputes the inventory pixels from their volume (exact coefficients here):
  // its mean 2020 total stays at the map's.
  ASSERT_TRUE(m["years"][0].contains("uncertainty")) << m["years"][0].dump();
  EXPECT_FALSE(std::filesystem::exists(tmp.file("out/.forest_inventory.tif")));  // a temporary, not published
  auto const& y0 = m["years"][0];
  EXPECT_NEAR(y0["total_mgc_mean"].get<double>(), y0["total_mgc"].get<double>(),
              3 * y0["total_mgc_sd"].get<double>() / std::sqrt(16.0));
}


TEST(ForestInventory, StandsGrowByTheirVolumeIncrementInTheAccounting)
{
  // 2020 and 2022 maps with the survey's net annual increments: the poplar's total biomass grows
  // by a x I a year (the slope of B = a V + b: 0.6251 x 8 m3/ha/yr), the natural broadleaf's AGB
  // by I x BCEF_I (Eq. 2.10; 80 m3/ha: AGB 112, / BCEF_S 1.4 = 80 m3/ha, the 41-100 level) with
  // its roots, the black locust without an increment at its IPCC rate; the state carries each
  // increment.
  test::temp_dir tmp;
  auto stands = survey();
  stands[0].increment = "8";
  stands[2].increment = "3";
  write_inventory(tmp, "xiaoban.gpkg", stands);
  test::write_u16(tmp.file("lc_worldcover.tif"), grid_spec(), landcover());
  std::ofstream(tmp.file("county.geojson"))
    << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[)"
    << R"({"type":"Feature","properties":{"name":"county"},"geometry":{"type":"Polygon","coordinates":[[[500000,3999600],[500800,3999600],[500800,4000000],[500000,4000000],[500000,3999600]]]}}]})";
  std::string const toml = tmp.file("run.toml");
  std::ofstream(toml) << "output = \"" << tmp.file("out") << "\"\nquicklooks = false\ncube = false\nstatistics_check = false\n"
                      << "[zones]\nfile = \"" << tmp.file("county.geojson") << "\"\nfield = \"name\"\n"
                      << "[forest_inventory]\nfile = \"xiaoban.gpkg\"\nyear = 2020\ntype_field = \"树种\"\n"
                      << "origin_field = \"起源\"\nage_field = \"林龄\"\nvolume_field = \"蓄积\"\nincrement_field = \"生长量\"\n"
                      << "[[years]]\nyear = 2020\nlandcover = \"lc_worldcover.tif\"\n"
                      << "[[years]]\nyear = 2022\nlandcover = \"lc_worldcover.tif\"\n";
  jobs::run_settings quiet;
  quiet.quiet = true;
  jobs::run_one_map(jobs::load_run_config(toml), quiet, {});
  json const lib = model_json();
  double const cf = lib["factors"]["cf_forest"]["value"];
  auto biomass = [&](std::string const& f, int col, int row) {
    auto const a = test::read_band(tmp.file(f), 1), b = test::read_band(tmp.file(f), 2);
    std::size_t const i = std::size_t(row * grid_spec().width + col);
    return double(a[i]) + double(b[i]);
  };
  auto const& poplar_fit = lib["classes"]["plantation_poplar"]["volume_to_biomass"];
  double const a = poplar_fit["a"]["value"];
  EXPECT_NEAR(biomass("out/stock_2022.tif", 0, 0) - biomass("out/stock_2020.tif", 0, 0), 2 * a * 8 * cf, 1e-3);
  double bcef_i = NAN;
  for (auto const& st : lib["factors"]["bcef_temperate_hardwoods"]["steps"])
    if (!st.contains("growing_stock_below") || 80 < st["growing_stock_below"].get<double>()) {
      bcef_i = st["bcef_i"]["value"];
      break;
    }
  EXPECT_EQ(bcef_i, 0.9);  // Table 4.5, temperate hardwoods, 41-100 m3/ha (EFDB), as the model cites it
  double r = NAN;
  for (auto const& st : lib["classes"]["natural_forest_broadleaf"]["root_to_shoot"]["steps"])
    if (!st.contains("agb_at_most") || 115 <= st["agb_at_most"].get<double>()) {
      r = st["ratio"]["value"];
      break;
    }
  EXPECT_NEAR(biomass("out/stock_2022.tif", 4, 0) - biomass("out/stock_2020.tif", 4, 0), 2 * 3 * bcef_i * (1 + r) * cf, 1e-3);
  // The events say which stands grew by their increment (2048); the state keeps the increments.
  auto const events = test::read_band(tmp.file("out/sink_2020_2022.tif"), band_of(tmp.file("out/sink_2020_2022.tif"), "events"));
  EXPECT_EQ(int(events[0]) & 2048, 2048);
  EXPECT_EQ(int(events[std::size_t(2 * grid_spec().width)]) & 2048, 0);  // black locust: no increment
  auto const state = tmp.file("out/state_2022.tif");
  auto const inc = test::read_band(state, band_of(state, "volume_increment"));
  EXPECT_EQ(inc[0], 8.0f);
  EXPECT_EQ(inc[4], 3.0f);
  EXPECT_TRUE(std::isnan(inc[std::size_t(2 * grid_spec().width)]));
}


TEST(ForestInventory, TheBundledCountySampleAddsUpAndReportsInChinese)
{
  // data-samples/run-inventory.toml (generated by scripts/samples/gen_county_forest_inventory.py):
  // the stocks change by the sinks, the stands with an increment grow by it, the poplar stand
  // cut after 2020 is a confirmed conversion in 2022, the young stand the map calls cropland is
  // 7.2 ha (80 pixels of 0.09 ha) in the east township, and every warning is in Chinese.
  test::temp_dir tmp;
  auto cfg = jobs::load_run_config((test::source_dir() / "data-samples/run-inventory.toml").string());
  cfg.output_dir = tmp.file("out");
  cfg.mc.iterations = 16;
  jobs::run_settings quiet;
  quiet.quiet = true;
  auto const out = jobs::run_one_map(cfg, quiet, {});
  std::ifstream mf(out.manifest);
  json const m = json::parse(mf);
  ASSERT_EQ(m["years"].size(), 3u);
  for (std::size_t t = 0; t < 2; ++t) {
    double const d = m["years"][t + 1]["total_mgc"].get<double>() - m["years"][t]["total_mgc"].get<double>();
    EXPECT_NEAR(m["sinks"][t]["total_mgc_per_yr"].get<double>(), d, 1e-6 * std::abs(m["years"][t]["total_mgc"].get<double>()));
  }
  EXPECT_GT(m["sinks"][1]["losses_mgc_per_yr"].get<double>(), 0);  // the clear-cut, booked in 2022
  auto const& east = m["forest_inventory"]["agreement"][1];
  EXPECT_EQ(east["zone"], "东镇");
  EXPECT_NEAR(east["inventory_not_landcover_forest_ha"].get<double>(), 7.2, 1e-6);
  std::string const sink = tmp.file("out/sink_2021_2022.tif");
  auto const events = test::read_band(sink, band_of(sink, "events"));
  // Stand 0101 (columns 2-13, rows 2-11) grows by its increment; stand 0102 (16-25) was cut.
  int const w = 60;
  EXPECT_EQ(int(events[std::size_t(5 * w + 5)]) & 2048, 2048);
  EXPECT_EQ(int(events[std::size_t(5 * w + 20)]) & 1, 1);
  std::string const zh = [&] {
    std::ifstream f(tmp.file("out/report.html"));
    return std::string(std::istreambuf_iterator<char>(f), {});
  }();
  EXPECT_NE(zh.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_EQ(zh.find("尚无译文"), std::string::npos);
  EXPECT_NE(zh.find("其小班内有 7 公顷"), std::string::npos);
  EXPECT_NE(zh.find("山东省（全省合计）（2009–2013 年）为 27.24 吨碳/公顷"), std::string::npos);  // the table's region_zh
}


TEST(ForestInventory, TheMonteCarloOfAFinishedMapReadsTheInventoryItRecords)
{
  // `sinkmap inventory --uncertainty` on a stock map made with an inventory: the map's record
  // names the inventory and its fields, so the Monte Carlo burns it again and equals the one
  // given the inventory explicitly, to the last digit; without it the poplar stand would take
  // the map's Tier 1 class (the totals differ).
  test::temp_dir tmp;
  auto const inv = write_inventory(tmp, "xiaoban.gpkg", survey());
  // A 2024 map of the 2020 survey: the ages advance by the recorded map year (the black locust
  // of 18 years is old by then).
  (void)run_stock(tmp, inv, 2024);
  std::string const map = tmp.file("stock_2024.tif");
  uncertainty::mc_options mc;
  mc.iterations = 32;
  mc.seed = 3;
  jobs::run_settings run;
  run.quiet = true;
  auto const recorded = uncertainty::run_stock_montecarlo(map, {}, {}, mc, run);
  jobs::carbon_input_options given;
  given.forest_inventory = options(inv);
  given.map_year = 2024;
  auto const explicit_ = uncertainty::run_stock_montecarlo(map, {}, given, mc, run);
  ASSERT_TRUE(recorded.rows.count({"*", "plantation_poplar"}));
  auto const& a = recorded.rows.at({"*", "*"}).at(0);
  auto const& b = explicit_.rows.at({"*", "*"}).at(0);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.sd, b.sd);
  given.map_year = 2020;  // the survey's own year: the black locust is young, the totals differ
  EXPECT_NE(uncertainty::run_stock_montecarlo(map, {}, given, mc, run).rows.at({"*", "*"}).at(0).mean, a.mean);
  // The poplar stand's mean stays near its growing-stock biomass (exact a and b; R, CF, litter
  // and soil drawn): 4 ha x (48.968 CF + litter + soil), within the draws' spread.
  json const lib = model_json();
  double const cf = lib["factors"]["cf_forest"]["value"];
  auto const& poplar = recorded.rows.at({"*", "plantation_poplar"}).at(0);
  EXPECT_GT(poplar.mean, 4 * 48.968 * cf);
}

}  // namespace sinkmap
