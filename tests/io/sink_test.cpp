// The IPCC sink methods on hand-computed pixels (forest remaining forest, forest -> cropland,
// cropland -> forest, a disturbed forest pixel, an imagery-model class under auto), the soil
// part (SOC_new - SOC_old) / D, tile invariance; and the trend against an independent
// Theil-Sen / Mann-Kendall computation on a synthetic cube with ties and gaps and on MODIS EVI
// (2001-2016) turned into stocks by a linear model.
#include "core/error.hpp"
#include "jobs/sink_inventory.hpp"
#include "jobs/sink_job.hpp"
#include "jobs/trend_job.hpp"
#include "models/carbon_model.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <nlohmann/json.hpp>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

// A stock map written band by band, as sinkmap stock writes it (band names and metadata).
void write_stock(std::string const& path, int w, int h, std::map<std::string, std::vector<float>> const& bands,
                 std::map<std::string, std::string> const& metadata)
{
  GDALAllRegister();
  std::vector<std::string> const order = {"agb", "bgb", "c_above", "c_below", "c_dead", "c_soil",
                                          "c_total", "ecosystem_class", "nbr"};
  int n = 0;
  for (auto const& b : order) n += bands.count(b) ? 1 : 0;
  GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), w, h, n, GDT_Float32, nullptr);
  double gt[6] = {500000, 30, 0, 4000000, 0, -30};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromEPSG(32650);
  ds->SetSpatialRef(&srs);
  int k = 1;
  for (auto const& name : order) {
    if (!bands.count(name)) continue;
    auto* b = ds->GetRasterBand(k++);
    b->SetDescription(name.c_str());
    b->SetNoDataValue(NAN);
    auto v = bands.at(name);
    EXPECT_EQ(b->RasterIO(GF_Write, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0, nullptr), CE_None);
    if (name == "ecosystem_class") b->SetMetadataItem("classes", metadata.at("SINKMAP_CLASSES").c_str());
  }
  for (auto const& [key, value] : metadata) ds->SetMetadataItem(key.c_str(), value.c_str());
  GDALClose(ds);
}

// Pools of a Tier 1 class of north_china_2019 (warm temperate dry, young, HAC soils).
struct pools {
  float agb, c_above, c_below, c_dead, c_soil, cls;
  float total() const { return c_above + c_below + c_dead + c_soil; }
};
pools forest()  // natural broadleaf: AGB 90.9, R 0.225, CF 0.47, litter 28.2, SOC 38
{
  return {90.9f, 90.9f * 0.47f, 90.9f * 0.225f * 0.47f, 28.2f, 38.0f, 1};
}
pools cropland()  // annual: 5.0 Mg C/ha total biomass (R 0), no DOM, SOC 38 x 0.80
{
  return {10.0f, 5.0f, 0.0f, 0.0f, 30.4f, 11};
}

struct two_years {
  test::temp_dir tmp;
  std::string s1, s2;
  static int constexpr w = 5, h = 1;
  // Pixels: 0 forest -> forest, 1 forest -> cropland, 2 cropland -> forest, 3 disturbed forest,
  // 4 nodata in year 2.
  two_years()
  {
    auto const f = forest(), c = cropland();
    pools const p1[w] = {f, f, c, f, f}, p2[w] = {f, c, f, f, f};
    float const nbr1[w] = {0.6f, 0.6f, 0.3f, 0.62f, 0.6f}, nbr2[w] = {0.58f, 0.1f, 0.6f, 0.2f, 0.6f};
    for (int y = 0; y < 2; ++y) {
      pools const* p = y == 0 ? p1 : p2;
      std::map<std::string, std::vector<float>> b;
      for (int i = 0; i < w; ++i) {
        b["agb"].push_back(p[i].agb);
        b["bgb"].push_back(p[i].agb * (p[i].cls == 1 ? 0.225f : 0.0f));
        b["c_above"].push_back(p[i].c_above);
        b["c_below"].push_back(p[i].c_below);
        b["c_dead"].push_back(p[i].c_dead);
        b["c_soil"].push_back(p[i].c_soil);
        b["c_total"].push_back(y == 1 && i == 4 ? NAN : p[i].total());
        b["ecosystem_class"].push_back(p[i].cls);
        b["nbr"].push_back(y == 0 ? nbr1[i] : nbr2[i]);
      }
      auto const m = models::load_carbon_model(models::resolve_model_path("north_china_2019"));
      std::map<std::string, std::string> const md = {{"SINKMAP_MODEL_FILE", "north_china_2019"},
                                                     {"SINKMAP_MODEL_SHA256", m.sha256},
                                                     {"SINKMAP_YEAR", y == 0 ? "2015" : "2020"},
                                                     {"SINKMAP_CLASSES", jobs::class_table_text(m)}};
      std::string const path = tmp.file("stock_" + std::to_string(y) + ".tif");
      write_stock(path, w, h, b, md);
      (y == 0 ? s1 : s2) = path;
    }
  }
  std::vector<float> sink(std::string const& method, double d = 20, int tile = 0)
  {
    jobs::sink_job_options o;
    o.stock_t1 = s1;
    o.stock_t2 = s2;
    o.method = method;
    o.transition_years = d;
    o.output = tmp.file("sink.tif");
    o.run.quiet = true;
    o.run.tile = tile;
    jobs::run_sink_job(o);
    return test::read_all(o.output);
  }
};

}  // namespace

TEST(Sink, EachRuleOnAHandComputedPixel)
{
  two_years t;
  auto const v = t.sink("auto");
  std::size_t const n = two_years::w;
  auto band = [&](int b, int i) { return v[std::size_t(b) * n + std::size_t(i)]; };
  double const years = 5;  // 2015 -> 2020, from the maps' metadata
  auto const f = forest(), c = cropland();
  // Remaining forest: gains = G_W (1 + R) CF, G_W 3.3 (Table 4.9 proxy, continental <= 20 y).
  double const gains = 3.3 * (1 + 0.225) * 0.47;
  EXPECT_NEAR(band(0, 0), gains, 1e-5);
  EXPECT_EQ(band(4, 0), 2.0f);  // gain-loss
  EXPECT_EQ(band(5, 0), 0.0f);  // dNBR 0.02: not disturbed
  // Forest -> cropland: biomass and DOM at once over 5 years, soil over D = 20 years.
  double const bio_f = f.c_above + f.c_below, bio_c = c.c_above + c.c_below;
  double const to_crop = (bio_c + c.c_dead - bio_f - f.c_dead) / years + (c.c_soil - f.c_soil) / 20.0;
  EXPECT_NEAR(band(0, 1), to_crop, 1e-4);
  EXPECT_EQ(band(4, 1), 3.0f);  // conversion
  EXPECT_NEAR(band(2, 1) - band(3, 1), band(0, 1), 1e-5);  // gains - losses = net
  // Cropland -> forest: the same the other way.
  EXPECT_NEAR(band(0, 2), -to_crop, 1e-4);
  EXPECT_EQ(band(6, 2), 11.0f);
  EXPECT_EQ(band(7, 2), 1.0f);
  // Disturbed forest: dNBR 0.42 > 0.27; loss = B_W (1 + R) CF f_d / years.
  double const loss = 90.9 * 1.225 * 0.47 * 1.0 / years;
  EXPECT_EQ(band(5, 3), 1.0f);
  EXPECT_NEAR(band(3, 3), loss, 1e-4);
  EXPECT_NEAR(band(0, 3), gains - loss, 1e-4);
  EXPECT_NEAR(band(1, 3), (gains - loss) * 44 / 12, 1e-4);
  // Nodata in one year: no sink, mapped only where both years are.
  EXPECT_TRUE(std::isnan(band(0, 4)));
  EXPECT_EQ(band(4, 4), 0.0f);
  // Stock difference everywhere: Tier 1 forest remaining forest has exactly zero sink.
  auto const sd = t.sink("stock-difference");
  EXPECT_EQ(sd[0], 0.0f);
  EXPECT_NEAR(sd[1], (c.total() - f.total()) / years, 1e-4);
  EXPECT_EQ(sd[4 * n + 1], 1.0f);
}

TEST(Sink, SoilPartIsTheStockDifferenceOverTheTransitionPeriod)
{
  two_years t;
  auto const d20 = t.sink("auto", 20), d10 = t.sink("auto", 10);
  double const dsoc = cropland().c_soil - forest().c_soil;  // forest -> cropland
  // Only the soil part depends on D: net(D) = rest + dSOC / D.
  EXPECT_NEAR(d10[1] - d20[1], dsoc / 10 - dsoc / 20, 1e-5);
  EXPECT_NEAR(d10[0], d20[0], 1e-7);  // remaining forest has no soil part
}

TEST(Sink, TilesDoNotChangeTheSinkAndTheInventorySplitsGainsAndLosses)
{
  two_years t;
  auto const a = t.sink("auto", 20, 0), b = t.sink("auto", 20, 2);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_TRUE((std::isnan(a[i]) && std::isnan(b[i])) || a[i] == b[i]) << i;
}

TEST(Sink, AnImageryModelClassUsesTheStockDifferenceUnderAuto)
{
  // A model whose forest AGB comes from NDVI: where both years are that class, auto takes the
  // stock difference (the maps measure the stock), not gain-loss.
  two_years t;
  auto j = [] {
    std::ifstream f(models::resolve_model_path("north_china_2019"));
    return nlohmann::json::parse(f);
  }();
  j["classes"]["natural_forest_broadleaf"]["agb"] = {{"form", "linear"}, {"index", "NDVI"}, {"a", -20}, {"b", 200},
                                                     {"source", "test"}};
  std::string const model = t.tmp.file("imagery.json");
  // The copy lives elsewhere: its relative file paths are made absolute.
  auto const absolute = [](nlohmann::json& p) { p = (test::source_dir() / "models/carbon" / p.get<std::string>()).lexically_normal().string(); };
  for (auto& [name, p] : j["crosswalks"].items()) absolute(p);
  absolute(j["climate_zones"]["map"]["file"]);
  std::ofstream(model) << j.dump();
  jobs::sink_job_options o;
  o.stock_t1 = t.s1;
  o.stock_t2 = t.s2;
  o.carbon.model = model;
  o.output = t.tmp.file("sink_img.tif");
  o.run.quiet = true;
  auto const r = jobs::run_sink_job(o);
  auto const v = test::read_all(o.output);
  std::size_t const n = two_years::w;
  EXPECT_EQ(v[4 * n + 0], 1.0f);  // stock difference
  EXPECT_EQ(v[0], 0.0f);          // the same stock in both years
  EXPECT_EQ(v[4 * n + 1], 3.0f);  // a conversion stays a conversion
  bool sha_warned = false;
  for (auto const& w : r.warnings) sha_warned |= w.find("SHA-256") != std::string::npos;
  EXPECT_TRUE(sha_warned);  // not the model the maps were made with
}

TEST(Sink, ProductVersionsAreWarnedAbout)
{
  EXPECT_TRUE(jobs::product_version_warning("ESA_WorldCover_10m_2020_v100_Map.tif", "ESA_WorldCover_10m_2021_v200_Map.tif").has_value());
  EXPECT_FALSE(jobs::product_version_warning("clcd_2020.tif", "clcd_2021.tif").has_value());
  EXPECT_FALSE(jobs::product_version_warning("lc_v2_2020.tif", "lc_v2_2021.tif").has_value());
}

namespace {

// Independent Theil-Sen and Mann-Kendall in double: every pairwise slope sorted, ties counted
// with a map, p from glibc's erfc.
void reference_trend(std::vector<double> const& t, std::vector<double> const& x, double& slope, double& p)
{
  std::size_t const n = x.size();
  std::vector<double> s;
  long S = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      s.push_back((x[j] - x[i]) / (t[j] - t[i]));
      S += (x[j] > x[i]) - (x[j] < x[i]);
    }
  std::sort(s.begin(), s.end());
  std::size_t const m = s.size();
  slope = m % 2 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
  std::map<double, int> groups;
  for (double v : x) ++groups[v];
  double ties = 0;
  for (auto const& [v, g] : groups) ties += double(g) * (g - 1) * (2.0 * g + 5);
  double const dn = double(n);
  double const var = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18;
  double const z = S > 0 ? (S - 1) / std::sqrt(var) : S < 0 ? (S + 1) / std::sqrt(var) : 0.0;
  p = std::erfc(std::abs(z) / std::sqrt(2.0));
}

void write_float(std::string const& path, int w, int h, std::vector<float> const& v, double const* gt,
                 char const* wkt, char const* year)
{
  GDALAllRegister();
  GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), w, h, 1, GDT_Float32, nullptr);
  ds->SetGeoTransform(const_cast<double*>(gt));
  ds->SetProjection(wkt);
  ds->GetRasterBand(1)->SetDescription("c_total");
  ds->GetRasterBand(1)->SetNoDataValue(NAN);
  auto copy = v;
  EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, w, h, copy.data(), w, h, GDT_Float32, 0, 0, nullptr), CE_None);
  ds->SetMetadataItem("SINKMAP_YEAR", year);
  GDALClose(ds);
}

void check_trend(std::vector<std::string> const& maps, std::vector<std::vector<float>> const& values,
                 std::vector<double> const& years, int w, int h, test::temp_dir const& tmp, int tile = 0)
{
  jobs::trend_job_options o;
  o.maps = maps;
  o.output = tmp.file("trend.tif");
  o.run.quiet = true;
  o.run.tile = tile;
  jobs::run_trend_job(o);
  auto const slope = test::read_band(o.output, 1), p = test::read_band(o.output, 2), nn = test::read_band(o.output, 3);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < std::size_t(w) * h; ++i) {
    std::vector<double> t, x;
    for (std::size_t k = 0; k < maps.size(); ++k)
      if (!std::isnan(values[k][i])) {
        t.push_back(years[k]);
        x.push_back(values[k][i]);
      }
    ASSERT_EQ(nn[i], float(x.size())) << i;
    if (x.size() < 3) {
      ASSERT_TRUE(std::isnan(slope[i]) && std::isnan(p[i])) << i;
      continue;
    }
    double rs = 0, rp = 0;
    // The tool computes the pairwise slopes in float; compare in those terms.
    std::vector<double> xf;
    for (double v : x) xf.push_back(double(float(v)));
    reference_trend(t, xf, rs, rp);
    ASSERT_NEAR(slope[i], rs, 1e-5 * std::max(1.0, std::abs(rs))) << i;
    ASSERT_NEAR(p[i], rp, 1e-6) << i;
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

}  // namespace

TEST(Trend, EqualsAnIndependentComputationOnACubeWithTiesAndGaps)
{
  test::temp_dir tmp;
  int const w = 23, h = 17, years = 9;
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> coarse(0, 6);  // few distinct values: many ties
  std::uniform_real_distribution<double> gap(0, 1);
  std::vector<std::vector<float>> values(years, std::vector<float>(std::size_t(w) * h));
  std::vector<std::string> maps;
  std::vector<double> yrs;
  double const gt[6] = {500000, 30, 0, 4000000, 0, -30};
  OGRSpatialReference srs;
  srs.importFromEPSG(32650);
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  for (int k = 0; k < years; ++k) {
    int const year = 2010 + k + (k > 4 ? 1 : 0);  // a missing year: uneven spacing
    for (std::size_t i = 0; i < values[k].size(); ++i) {
      double v = i % 3 == 0 ? 50 + 2.0 * k + coarse(rng) : i % 3 == 1 ? 80 - 0.5 * k + coarse(rng) : double(coarse(rng));
      if (gap(rng) < 0.2) v = NAN;  // gaps: cloud, no clear observation
      values[k][i] = float(v);
    }
    maps.push_back(tmp.file("m" + std::to_string(k) + ".tif"));
    write_float(maps.back(), w, h, values[k], gt, wkt, std::to_string(year).c_str());
    yrs.push_back(year);
  }
  CPLFree(wkt);
  check_trend(maps, values, yrs, w, h, tmp);
  check_trend(maps, values, yrs, w, h, tmp, 8);  // tiles do not change it
}

TEST(Trend, ModisEviStocksOfSinop2001To2016)
{
  fs::path const cube = test::shared_data() / "sits-mod13q1-sinop/sinop-crop-evi.tif";
  if (!fs::exists(cube)) GTEST_SKIP() << "no " << cube;
  test::temp_dir tmp;
  std::vector<std::string> dates;
  {
    std::ifstream f(test::shared_data() / "sits-mod13q1-sinop/mod13Q1-timeline-2000-2017.csv");
    for (std::string line; std::getline(f, line);) dates.push_back(line.substr(0, 10));
  }
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(cube.string().c_str(), GDAL_OF_RASTER));
  int const w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
  double gt[6];
  ds->GetGeoTransform(gt);
  char const* wkt = ds->GetProjectionRef();
  // Annual stock = 20 + 150 x mean EVI of the year's valid composites (a linear model).
  std::vector<std::vector<float>> values;
  std::vector<std::string> maps;
  std::vector<double> years;
  for (int year = 2001; year <= 2016; ++year) {
    std::vector<double> sum(std::size_t(w) * h, 0.0);
    std::vector<int> cnt(sum.size(), 0);
    std::vector<std::int16_t> buf(sum.size());
    for (std::size_t b = 0; b < dates.size(); ++b) {
      if (std::stoi(dates[b].substr(0, 4)) != year) continue;
      ASSERT_EQ(ds->GetRasterBand(int(b) + 1)->RasterIO(GF_Read, 0, 0, w, h, buf.data(), w, h, GDT_Int16, 0, 0, nullptr), CE_None);
      for (std::size_t i = 0; i < buf.size(); ++i)
        if (buf[i] != -3000) {
          sum[i] += buf[i] * 0.0001;
          ++cnt[i];
        }
    }
    std::vector<float> v(sum.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = cnt[i] ? float(20 + 150 * sum[i] / cnt[i]) : NAN;
    values.push_back(v);
    maps.push_back(tmp.file("stock_" + std::to_string(year) + ".tif"));
    write_float(maps.back(), w, h, v, gt, wkt, std::to_string(year).c_str());
    years.push_back(year);
  }
  check_trend(maps, values, years, w, h, tmp);
}
