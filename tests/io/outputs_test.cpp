// Outputs people open: unit types, class names and colours read back by GDAL; the GeoPackage
// inventory with one feature per zone equal to the CSV; the Dezhou counties' Chinese names
// unchanged through CSV, JSON, GeoPackage and report.html; the report linking only files that
// exist and holding each zone's total; a headless Chromium rendering that is not blank.
#include "io/geotiff_writer.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/run_config.hpp"
#include "jobs/run_job.hpp"
#include "jobs/stock_job.hpp"
#include "report/html.hpp"
#include "report/report_language.hpp"
#include "report/warning_translation.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

std::string read_text(std::string const& path)
{
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// CSV rows as (zone, class) -> column -> text (no quoted commas in these tests).
std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> read_csv(std::string const& path)
{
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  std::vector<std::string> head;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) head.push_back(c);
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> out;
  while (std::getline(f, line)) {
    std::stringstream ls(line);
    std::vector<std::string> cells;
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    std::map<std::string, std::string> row;
    for (std::size_t k = 0; k < head.size() && k < cells.size(); ++k) row[head[k]] = cells[k];
    out[{cells.at(0), cells.at(1)}] = row;
  }
  return out;
}

// An ESA WorldCover-coded land-cover map (EPSG:4326) over Dezhou: tree, crop, built, water
// and grass in bands, so every county holds several classes.
std::string dezhou_landcover(test::temp_dir const& tmp)
{
  GDALAllRegister();
  std::string const path = tmp.file("lc_dezhou.tif");
  int const w = 200, h = 180;
  GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), w, h, 1, GDT_Byte, nullptr);
  double gt[6] = {115.7, 0.01, 0, 38.1, 0, -0.01};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromEPSG(4326);
  ds->SetSpatialRef(&srs);
  std::vector<unsigned char> v(std::size_t(w) * h);
  unsigned char const codes[5] = {10, 40, 40, 50, 30};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) v[std::size_t(y) * w + x] = (x + 3 * y) % 97 == 0 ? 80 : codes[(x / 7 + y / 11) % 5];
  EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, w, h, v.data(), w, h, GDT_Byte, 0, 0, nullptr), CE_None);
  GDALClose(ds);
  return path;
}

}  // namespace

TEST(Outputs, UnitTypesClassNamesAndColoursReadBack)
{
  test::temp_dir tmp;
  jobs::stock_job_options o;
  o.carbon.landcover = (test::source_dir() / "data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2021_v200_crop_Map.tif").string();
  o.output = tmp.file("stock.tif");
  o.run.quiet = true;
  auto const r = jobs::run_stock_job(o);
  GDALDatasetUniquePtr ds(GDALDataset::Open(o.output.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  std::map<std::string, std::string> want = {{"agb", "Mg/ha"},      {"bgb", "Mg/ha"},      {"c_above", "Mg C/ha"},
                                             {"c_below", "Mg C/ha"}, {"c_dead", "Mg C/ha"}, {"c_soil", "Mg C/ha"},
                                             {"c_total", "Mg C/ha"}, {"ecosystem_class", ""}};
  for (int b = 1; b <= ds->GetRasterCount(); ++b) {
    auto* band = ds->GetRasterBand(b);
    ASSERT_TRUE(want.count(band->GetDescription())) << band->GetDescription();
    EXPECT_EQ(std::string(band->GetUnitType()), want[band->GetDescription()]) << band->GetDescription();
  }
  for (char const* key : {"SINKMAP_VERSION", "SINKMAP_INPUTS", "SINKMAP_MODEL_SHA256", "SINKMAP_CLIMATE_ZONE",
                          "SINKMAP_SOIL_DEPTH_CM", "SINKMAP_CROSSWALK"})
    EXPECT_NE(ds->GetMetadataItem(key), nullptr) << key;
  EXPECT_NE(std::string(ds->GetMetadataItem("SINKMAP_INPUTS")).find("sha256 "), std::string::npos);

  // The class raster: Byte, 0 = nodata, the model's class names, a colour per class.
  ASSERT_EQ(r.class_raster, tmp.file("stock_classes.tif"));
  CPLSetThreadLocalConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "NO");
  GDALDatasetUniquePtr cls(GDALDataset::Open(r.class_raster.c_str(), GDAL_OF_RASTER));
  CPLSetThreadLocalConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", nullptr);
  ASSERT_TRUE(cls);
  cls->GetMetadata();
  auto* b = cls->GetRasterBand(1);
  EXPECT_EQ(b->GetRasterDataType(), GDT_Byte);
  int has = 0;
  EXPECT_EQ(b->GetNoDataValue(&has), 0.0);
  EXPECT_TRUE(has);
  char** names = b->GetCategoryNames();
  ASSERT_NE(names, nullptr);
  EXPECT_STREQ(names[1], "natural_forest_broadleaf");
  EXPECT_STREQ(names[11], "annual_cropland");
  ASSERT_NE(b->GetColorTable(), nullptr);
  GDALColorEntry const* forest = b->GetColorTable()->GetColorEntry(1);
  EXPECT_GT(forest->c2, forest->c1);  // green
  // The same classes as the float band, pixel for pixel.
  auto const f = test::read_band(o.output, 8);
  std::vector<unsigned char> u(f.size());
  ASSERT_EQ(b->RasterIO(GF_Read, 0, 0, cls->GetRasterXSize(), cls->GetRasterYSize(), u.data(), cls->GetRasterXSize(),
                        cls->GetRasterYSize(), GDT_Byte, 0, 0, nullptr),
            CE_None);
  for (std::size_t i = 0; i < f.size(); ++i) ASSERT_EQ(u[i], std::isnan(f[i]) ? 0 : int(f[i])) << i;
}

TEST(Outputs, GdalUnitTypeOfUnitsItems)
{
  EXPECT_EQ(io::gdal_unit_type("Mg C / ha / yr"), "Mg C/ha/yr");
  EXPECT_EQ(io::gdal_unit_type("t CO2 / ha / yr"), "t CO2/ha/yr");
  EXPECT_EQ(io::gdal_unit_type("Mg dry matter / ha"), "Mg/ha");
  EXPECT_EQ(io::gdal_unit_type("class id"), "");
  EXPECT_EQ(io::gdal_unit_type("unitless (index)"), "");
}

TEST(Outputs, DezhouCountiesKeepTheirNamesThroughEveryFormat)
{
  fs::path const zones = test::shared_data() / "china-admin-shandong-dezhou/dezhou_districts_amap2020.geojson";
  if (!fs::exists(zones)) GTEST_SKIP() << "no " << zones;
  test::temp_dir tmp;
  std::string const lc = dezhou_landcover(tmp);
  std::ofstream(tmp.file("run.toml")) << "output = \"out\"\nmodel = \"north_china_2019\"\ncrosswalk = \"esa_worldcover\"\n"
                                      << "quicklooks = false\n[zones]\nfile = \"" << zones.string()
                                      << "\"\nfield = \"name\"\n[uncertainty]\niterations = 50\n"
                                      << "[[years]]\nyear = 2020\nlandcover = \"lc_dezhou.tif\"\n"
                                      << "[[years]]\nyear = 2021\nlandcover = \"lc_dezhou.tif\"\n";
  auto const cfg = jobs::load_run_config(tmp.file("run.toml"));
  jobs::run_settings run;
  run.quiet = true;
  auto const out = jobs::run_one_map(cfg, run, {});

  // The names, read with OGR from the zones file.
  std::set<std::string> names;
  {
    GDALDatasetUniquePtr z(GDALDataset::Open(zones.string().c_str(), GDAL_OF_VECTOR));
    for (auto const& f : *z->GetLayer(0)) names.insert(f->GetFieldAsString("name"));
  }
  ASSERT_EQ(names.size(), 11u);
  EXPECT_TRUE(names.count("\xE5\xBE\xB7\xE5\x9F\x8E\xE5\x8C\xBA"));  // 德城区

  std::string const dir = cfg.output_dir;
  // The first year: where the accounting starts and the Monte Carlo gives intervals.
  auto const csv = read_csv(dir + "/inventory_2020.csv");
  std::string const json = read_text(dir + "/inventory_2020.json");
  std::string const html = read_text(dir + "/report.html");
  for (auto const& n : names) {
    ASSERT_TRUE(csv.count({n, "*"})) << n;
    EXPECT_NE(json.find("\"" + n + "\""), std::string::npos) << n;
    EXPECT_NE(html.find(n), std::string::npos) << n;
  }

  // GeoPackage: one feature per zone (its polygon), totals equal to the CSV; the class table.
  GDALDatasetUniquePtr g(GDALDataset::Open((dir + "/inventory_2020.gpkg").c_str(), GDAL_OF_VECTOR));
  ASSERT_TRUE(g);
  OGRLayer* zl = g->GetLayerByName("zones");
  ASSERT_NE(zl, nullptr);
  EXPECT_EQ(zl->GetFeatureCount(), 11);
  std::set<std::string> seen;
  for (auto const& f : *zl) {
    std::string const n = f->GetFieldAsString("zone");
    seen.insert(n);
    ASSERT_TRUE(csv.count({n, "*"})) << n;
    EXPECT_NEAR(f->GetFieldAsDouble("carbon_mgc"), std::stod(csv.at({n, "*"}).at("carbon_mgc")), 1e-5) << n;
    EXPECT_NEAR(f->GetFieldAsDouble("carbon_mgc_p97_5"), std::stod(csv.at({n, "*"}).at("carbon_mgc_p97_5")), 1e-5) << n;
    ASSERT_NE(f->GetGeometryRef(), nullptr);
    EXPECT_GT(f->GetFieldAsDouble("mapped_fraction"), 0.5) << n;
  }
  EXPECT_EQ(seen, names);
  OGRLayer* tl = g->GetLayerByName("inventory");
  ASSERT_NE(tl, nullptr);
  EXPECT_EQ(tl->GetFeatureCount(), GIntBig(csv.size()));  // every CSV row, the total row included

  // The report: each zone's stock total as the CSV has it (rounded to Mg C), links to files
  // that exist only, embedded images only.
  for (auto const& n : names) {
    double const total = std::stod(csv.at({n, "*"}).at("carbon_mgc"));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", total);
    EXPECT_NE(html.find("<td>" + std::string(buf) + "</td>"), std::string::npos) << n << " " << buf;
  }
  int links = 0;
  for (std::string const attr : {"href=\"", "src=\""})
    for (std::size_t p = html.find(attr); p != std::string::npos; p = html.find(attr, p + 1)) {
      std::size_t const b = p + attr.size(), e = html.find('"', b);
      std::string const target = html.substr(b, e - b);
      if (target.rfind("data:", 0) == 0) continue;
      ++links;
      EXPECT_TRUE(fs::exists(fs::path(dir) / target)) << target;
    }
  EXPECT_GT(links, 5);
  EXPECT_NE(html.find("95 % interval"), std::string::npos);
  for (auto const& f : out.files) EXPECT_TRUE(fs::exists(f)) << f;
}

TEST(Outputs, ReportRendersInHeadlessChromium)
{
  std::string browser;
  for (char const* b : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (fs::exists(b)) browser = b;
  if (browser.empty()) GTEST_SKIP() << "no Chromium installed";
  test::temp_dir tmp;
  std::ofstream(tmp.file("run.toml"))
    << "output = \"out\"\nquicklooks = false\n[zones]\nfile = \""
    << (test::source_dir() / "data-samples/worldcover-n00e006-crop/zones.geojson").string()
    << "\"\nfield = \"name\"\n[[years]]\nyear = 2020\nlandcover = \""
    << (test::source_dir() / "data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2020_v100_crop_Map.tif").string()
    << "\"\n[[years]]\nyear = 2021\nlandcover = \""
    << (test::source_dir() / "data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2021_v200_crop_Map.tif").string()
    << "\"\n";
  auto const cfg = jobs::load_run_config(tmp.file("run.toml"));
  jobs::run_settings run;
  run.quiet = true;
  jobs::run_one_map(cfg, run, {});
  std::string const png = tmp.file("shot.png");
  std::string const cmd = browser + " --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,2400 "
                          "--screenshot=" + png + " file://" + cfg.output_dir + "/report.html > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  GDALDatasetUniquePtr ds(GDALDataset::Open(png.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  int const w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
  std::vector<unsigned char> red(std::size_t(w) * h);
  ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, red.data(), w, h, GDT_Byte, 0, 0, nullptr), CE_None);
  std::size_t dark = 0;
  for (unsigned char v : red) dark += v < 200;
  EXPECT_GT(double(dark) / red.size(), 0.02) << "the screenshot is (nearly) blank";
}

namespace sinkmap {
namespace {

std::string read_text(std::string const& path)
{
  std::ifstream f(path);
  return {std::istreambuf_iterator<char>(f), {}};
}

// The sample run in English and in Chinese (lang = "zh"), into two folders.
std::pair<std::string, std::string> english_and_chinese_reports(test::temp_dir const& tmp)
{
  for (std::string const lang : {"en", "zh"})
    std::ofstream(tmp.file(lang + ".toml"))
      << "output = \"" << lang << "\"\nlang = \"" << lang << "\"\nquicklooks = false\ncube = false\n[zones]\nfile = \""
      << (test::source_dir() / "data-samples/worldcover-n00e006-crop/zones.geojson").string()
      << "\"\nfield = \"name\"\n[[years]]\nyear = 2020\nlandcover = \""
      << (test::source_dir() / "data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2020_v100_crop_Map.tif").string()
      << "\"\n[[years]]\nyear = 2021\nlandcover = \""
      << (test::source_dir() / "data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2021_v200_crop_Map.tif").string()
      << "\"\n";
  jobs::run_settings run;
  run.quiet = true;
  jobs::run_one_map(jobs::load_run_config(tmp.file("en.toml")), run, {});
  jobs::run_one_map(jobs::load_run_config(tmp.file("zh.toml")), run, {});
  return {tmp.file("en/report.html"), tmp.file("zh/report.html")};
}

}  // namespace

TEST(Outputs, ChineseReportHoldsTheEnglishReportsNumbersInChinese)
{
  test::temp_dir tmp;
  auto const [en_path, zh_path] = english_and_chinese_reports(tmp);
  std::string const en = read_text(en_path), zh = read_text(zh_path);
  EXPECT_NE(zh.find("<html lang=\"zh-CN\">"), std::string::npos);
  for (char const* term : {"碳储量", "碳汇", "吨碳", "吨二氧化碳当量", "公顷", "分区统计", "警告"})
    EXPECT_NE(zh.find(term), std::string::npos) << term;
  EXPECT_NE(zh.find("Noto Sans CJK SC"), std::string::npos);
  // Every zone's stock and sink total, as the inventories hold them, is in both reports.
  std::ifstream mf(tmp.file("zh/run.json"));
  auto const m = nlohmann::json::parse(mf);
  int zones = 0;
  for (auto const& key : {std::pair{"years", "inventory"}, {"sinks", "inventory"}}) {
    for (auto const& e : m[key.first]) {
      std::string const csv = e[key.second];
      std::ifstream f(std::string(csv).replace(csv.size() - 4, 4, ".json"));
      auto const inv = nlohmann::json::parse(f);
      bool const sink = std::string(key.first) == "sinks";
      for (auto const& row : inv["rows"]) {
        if (row["class"] != "*") continue;
        std::string const v = report::number(row[sink ? "sink_mgc_per_yr" : "carbon_mgc"].get<double>(), sink ? 1 : 0);
        EXPECT_NE(zh.find("<td>" + v + "</td>"), std::string::npos) << row.dump();
        EXPECT_NE(en.find("<td>" + v + "</td>"), std::string::npos) << row.dump();
        ++zones;
      }
    }
  }
  EXPECT_GT(zones, 2);
  // Every warning of the run (the region check, the product versions, ...) is in Chinese.
  ASSERT_FALSE(m["warnings"].empty());
  report::report_language zh_lang("zh");
  {  // the model's region in both languages, as the run gives it to its report
    std::ifstream f(test::source_dir() / "models/carbon/north_china_2019.json");
    auto const model = nlohmann::json::parse(f);
    zh_lang.texts_zh[model["region"]["description"]] = model["region"]["description_zh"];
  }
  for (auto const& w : m["warnings"]) {
    auto const t = report::warning_in_chinese(w.get<std::string>(), zh_lang);
    EXPECT_TRUE(t.complete) << w;
    EXPECT_NE(zh.find(report::escape_html(t.text)), std::string::npos) << t.text;
  }
  for (char const* english : {"lies outside the region", "different product versions", "尚无译文"})
    EXPECT_EQ(zh.find(english), std::string::npos) << english;
  EXPECT_NE(zh.find("位于模型 north_china_2019 的适用区域"), std::string::npos);
  EXPECT_NE(zh.find("华北：暖温带的山东"), std::string::npos);  // the model's region_zh
  EXPECT_EQ(zh.find("warm-temperate Shandong"), std::string::npos);
  // Class names come from the model's name_zh; no fixed English heading is left.
  EXPECT_NE(zh.find("其他阔叶人工林"), std::string::npos);  // plantation_broadleaf, the default forest
  for (char const* english : {"<h2>Totals</h2>", "<h2>Warnings</h2>", "<h2>Zones</h2>", ">area (ha)<", ">IPCC category<"})
    EXPECT_EQ(zh.find(english), std::string::npos) << english;
  // The GeoPackage keeps its field names and carries Chinese aliases.
  GDALDatasetUniquePtr g(GDALDataset::Open(tmp.file("zh/inventory_2021.gpkg").c_str(), GDAL_OF_VECTOR));
  ASSERT_TRUE(g);
  EXPECT_GE(g->GetLayerByName("zones")->GetLayerDefn()->GetFieldIndex("carbon_mgc"), 0);
  OGRLayer* aliases = g->ExecuteSQL("SELECT name FROM gpkg_data_columns WHERE table_name = 'zones' AND column_name = "
                                    "'carbon_mgc'", nullptr, nullptr);
  ASSERT_TRUE(aliases);
  std::unique_ptr<OGRFeature> a(aliases->GetNextFeature());
  ASSERT_TRUE(a);
  EXPECT_STREQ(a->GetFieldAsString(0), "碳储量（吨碳）");
  g->ReleaseResultSet(aliases);
  EXPECT_EQ(report::report_language("zh").category_name("cropland_to_forest"), "耕地转为林地");
  EXPECT_EQ(report::report_language("zh").category_name("forest_remaining"), "林地保持林地");
}

TEST(Outputs, EveryWarningSentenceHasItsChineseForm)
{
  // One instance of every sentence of the catalogue, with the places runs put before them: each
  // is translated whole (numbers, names and paths kept), and an unknown sentence is not.
  report::report_language zh("zh");
  zh.class_names_zh["plantation_poplar"] = "杨树人工林";
  std::vector<std::pair<std::string, std::string>> const cases = {
    {"year 2008, year 2009, accounting: the map's centre (lon -106.914, lat 40.288) lies outside the region of model "
     "north_china_2019 (lon 110..123.5, lat 31.5..43: North China: plains (IPCC rows)); its factors may not apply here",
     "2008 年、2009 年、碳核算：地图中心（经度 -106.914，纬度 40.288）位于模型 north_china_2019 的适用区域（经度 110–123.5，"
     "纬度 31.5–43：North China: plains (IPCC rows)）之外，其参数可能不适用于此地"},
    {"year 2020: 12 pixels are class plantation_poplar, which the region of model m does not have: a coastal class",
     "2020 年：12 个像元属于 杨树人工林，模型 m 的适用区域内没有该类：a coastal class"},
    {"year 2020 stock: zone 'north' is only 93.2 % mapped (93.2 of 100.0 ha; 6.8 ha nodata in the map, 0.0 ha outside "
     "it): its totals cover part of the zone",
     "2020 年碳储量：区域 'north' 仅 93.2% 有制图（100.0 公顷中的 93.2 公顷；图中无数据 6.8 公顷，图外 0.0 公顷）：其合计只覆盖该区域的一部分"},
    {"year 2020 uncertainty: zone north, class plantation_poplar: 40 pixel-iterations had no value (a drawn class "
     "without parameters there, or an index outside its model's range); those iterations' totals lack them",
     "2020 年不确定性：区域 north、杨树人工林：40 个像元迭代没有值（抽到的类别在该处没有参数，或指数超出其模型的取值范围）；这些迭代的合计不含它们"},
    {"sink 2020-2021: the Monte Carlo mean sink 12.5 Mg C/yr differs from the deterministic 10.1 by more than 3 "
     "standard errors: skewed or clipped draws (a wide normal cut at zero, growth capped at the mature stock) move it; "
     "report the deterministic sink with the interval, or review the model's distributions",
     "2020–2021 年碳汇：蒙特卡洛碳汇均值 12.5 吨碳/年与确定性值 10.1 相差超过 3 个标准误：偏斜或截断的抽样（在零处截断的宽正态分布、"
     "生长在成熟林储量处封顶）会使其偏移；请报告确定性碳汇及其区间，或检查模型的参数分布"},
    {"forest biomass carbon density 2008: 9.21 Mg C/ha in the map, 22.26 Mg C/ha in Shandong Province (provincial "
     "totals) (2004-2008): ratio 0.41, outside 0.5-2.0: the map and the forest inventory disagree",
     "2008 年森林生物量碳密度：图中 9.21 吨碳/公顷，Shandong Province (provincial totals)（2004–2008 年）为 22.26 吨碳/公顷，"
     "比值 0.41，超出 0.5–2.0：地图与森林资源清查结果不一致"},
    {"forest inventory xiaoban.gpkg: 2 ha inside its polygons are not forest on the 2020 land-cover map (they keep the "
     "map's class; per zone in run.json forest_inventory.agreement)",
     "森林资源清查 xiaoban.gpkg：其小班内有 2 公顷在 2020 年土地覆盖图上不是森林（保留地图的类别；各区域见 run.json 的 forest_inventory.agreement）"},
    {"harvest: /data/removals.csv: zone west year 2030 is outside the years this run books (2017 to 2018): not used",
     "采伐统计：/data/removals.csv：区域 west 的 2030 年不在本次运行记账的年份内（2017–2018 年）：未使用"},
    {"harvest: zone west map 2017: 1000.000000 m3 of removals but no forest that stays forest there: not booked",
     "采伐统计：区域 west（2017 年地图）：有 1000.000000 立方米采伐量，但该处没有保持为林地的森林：未记账"},
    {"wetland area of zone 'delta' changed from 10.00 ha (2016) to 4.00 ha (2017), 60 % of the larger: flooding, a dry "
     "year or map noise can do this; check before reporting it as a land-use change",
     "区域 'delta' 的湿地面积由 10.00 公顷（2016 年）变为 4.00 公顷（2017 年），为较大值的 60%：洪水、干旱年份或制图噪声都可能造成这种变化；"
     "作为土地利用变化上报前请核实"},
  };
  for (auto const& [en, expect] : cases) {
    auto const t = report::warning_in_chinese(en, zh);
    EXPECT_TRUE(t.complete) << en;
    EXPECT_EQ(t.text, expect);
  }
  // Every pattern of the catalogue, instantiated with sample values and a place before it, is
  // translated whole: no placeholder or English sentence is left.
  for (auto const& pattern : report::warning_catalogue_patterns()) {
    std::string en = "year 2020: ";
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] != '{') {
        en += pattern[i];
        continue;
      }
      std::size_t const close = pattern.find('}', i);
      std::string const kind = pattern.substr(i + 1, close - i - 1);
      en += kind == "n" ? "12.5" : kind == "c" ? "plantation_poplar" : kind == "*" ? "free text" : "name_x";
      i = close;
    }
    auto const t = report::warning_in_chinese(en, zh);
    EXPECT_TRUE(t.complete) << en;
    EXPECT_EQ(t.text.find('{'), std::string::npos) << t.text;
    EXPECT_EQ(t.text.rfind("2020 年：", 0), 0u) << t.text;
  }
  auto const unknown = report::warning_in_chinese("year 2020: a sentence nobody wrote down", zh);
  EXPECT_FALSE(unknown.complete);
  EXPECT_EQ(unknown.text, "2020 年：a sentence nobody wrote down");
  EXPECT_GE(report::warning_catalogue_patterns().size(), 30u);
}

TEST(Outputs, ChineseReportRendersInHeadlessChromium)
{
  std::string browser;
  for (char const* b : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (fs::exists(b)) browser = b;
  if (browser.empty()) GTEST_SKIP() << "no Chromium installed";
  // A CJK font the report's font stack names must be installed, or Chromium draws empty boxes
  // (also dark pixels): fontconfig must know one for Chinese.
  std::string fonts;
  {
    FILE* p = popen("fc-list :lang=zh family 2>/dev/null", "r");
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) fonts += buf;
    if (p) pclose(p);
  }
  ASSERT_NE(fonts.find("Noto Sans CJK"), std::string::npos) << "no Noto Sans CJK font (Debian fonts-noto-cjk): " << fonts;
  test::temp_dir tmp;
  auto const zh = english_and_chinese_reports(tmp).second;
  std::string const png = tmp.file("shot.png");
  std::string const cmd = browser + " --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,1400 "
                          "--screenshot=" + png + " file://" + zh + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  GDALDatasetUniquePtr ds(GDALDataset::Open(png.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  int const w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
  std::vector<unsigned char> red(std::size_t(w) * h);
  ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, red.data(), w, h, GDT_Byte, 0, 0, nullptr), CE_None);
  std::size_t dark = 0;
  for (unsigned char v : red) dark += v < 200;
  EXPECT_GT(double(dark) / red.size(), 0.02) << "the screenshot is (nearly) blank";
}

}  // namespace sinkmap

TEST(Outputs, ARunWarnsWhenAYearsMonteCarloMeanDriftsFromItsTotal)
{
  // The plantations' litter given an SD far above its value (a wide normal cut at zero): the
  // Monte Carlo mean of every year's stock moves above the deterministic total, and the run says
  // so for each year, as it does for the sinks.
  test::temp_dir tmp;
  nlohmann::json model = [] {
    std::ifstream f(test::source_dir() / "models/carbon/north_china_2019.json");
    return nlohmann::json::parse(f);
  }();
  fs::path const dir = test::source_dir() / "models/carbon";
  for (auto& [name, p] : model["crosswalks"].items()) p = (dir / p.get<std::string>()).lexically_normal().string();
  model["climate_zones"]["map"]["file"] = (dir / model["climate_zones"]["map"]["file"].get<std::string>()).lexically_normal().string();
  model["factors"]["litter_plantation_other"] = {{"value", 1.37}, {"sd", 100}, {"source", "test: a wide normal cut at zero"}};
  std::ofstream(tmp.file("wide.json")) << model.dump();
  fs::path const wc = test::source_dir() / "data-samples/worldcover-n00e006-crop";
  std::ofstream(tmp.file("run.toml"))
    << "output = \"out\"\nmodel = \"" << tmp.file("wide.json") << "\"\nquicklooks = false\ncube = false\n"
    << "[uncertainty]\niterations = 64\n[zones]\nfile = \"" << (wc / "zones.geojson").string() << "\"\nfield = \"name\"\n"
    << "[[years]]\nyear = 2020\nlandcover = \"" << (wc / "ESA_WorldCover_10m_2020_v100_crop_Map.tif").string() << "\"\n"
    << "[[years]]\nyear = 2021\nlandcover = \"" << (wc / "ESA_WorldCover_10m_2021_v200_crop_Map.tif").string() << "\"\n";
  jobs::run_settings run;
  run.quiet = true;
  jobs::run_one_map(jobs::load_run_config(tmp.file("run.toml")), run, {});
  std::ifstream mf(tmp.file("out/run.json"));
  auto const m = nlohmann::json::parse(mf);
  for (std::string const year : {"2020", "2021"}) {
    bool warned = false;
    for (auto const& w : m["warnings"]) {
      std::string const s = w.get<std::string>();
      warned |= s.find("year " + year + " uncertainty: zone *, class *: the Monte Carlo mean") != std::string::npos;
    }
    EXPECT_TRUE(warned) << year << ": " << m["warnings"].dump();
  }
}
