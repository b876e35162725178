// The Monte Carlo through the yearly accounting against answers worked by hand: one draw per
// iteration serves every year, so (a) an uncertain stock of a class that stays gives every
// year the same SD and its sinks an SD of exactly 0 (the errors cancel), and (b) an uncertain
// growth rate G_W accumulates: the stock's SD after y years is area x y x sd(G) x (1 + R) x CF,
// every interval's sink has SD area x sd(G) x (1 + R) x CF, and the means add up: mean(stock
// t2) - mean(stock t1) = mean(sink) x years.
#include "jobs/accounting_montecarlo.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

using namespace sinkmap;
using json = nlohmann::json;

namespace {

constexpr int width = 40, height = 30;
constexpr double pixel_ha = 0.09;
constexpr double area = width * height * pixel_ha;

// A forest class with a young (<= 20 years) and an old AGB, R 0.2, CF 0.5, no DOM or soil.
json model(json young_agb, json growth)
{
  auto src = [](json v) { return v.is_number() ? json{{"value", v}, {"source", "test"}} : v; };
  return {{"name", "acc_mc_test"},
          {"version", "1"},
          {"region", {{"description", "anywhere"}, {"lon", {-180, 180}}, {"lat", {-90, 90}}}},
          {"soil_depth_cm", 30},
          {"climate_zones", {{"default", "z"}, {"default_reason", "test"}, {"zones", {{"z", {{"id", 0}, {"soil_climate", "z"}, {"ecological_zone", "e"}}}}}}},
          {"age_classes", {{"boundary_years", 20}, {"default", "young"}, {"default_reason", "test"}, {"young", "young"}, {"old", "old"}}},
          {"classes",
           {{"forest", {{"id", 1}, {"group", "forest"},
                        {"agb", {{"form", "constant"}, {"a", {{"by_age", {{"young", src(young_agb)}, {"old", src(100.0)}}}}}, {"source", "test"}}},
                        {"root_to_shoot", {{"steps", {{{"ratio", src(0.2)}}}}, {"source", "test"}}},
                        {"carbon_fraction", src(0.5)}, {"dead_c", src(0.0)}, {"soil_c", src(0.0)},
                        {"growth", {{"by_age", {{"young", src(growth)}, {"old", src(0.0)}}}}}}}}}};
}

struct series {
  test::temp_dir tmp;
  std::string model_file, zones;
  std::vector<std::string> maps;

  series(json const& m, double agb, int years)
  {
    GDALAllRegister();
    model_file = tmp.file("model.json");
    std::ofstream(model_file) << m.dump();
    for (int y = 0; y < years; ++y) maps.push_back(observed(2020 + y, agb));
    std::ostringstream g;
    g.precision(12);
    g << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[)"
      << R"({"type":"Feature","properties":{"name":"all"},"geometry":{"type":"Polygon","coordinates":[[[500000,)"
      << 4000000 - 30.0 * height << "],[" << 500000 + 30.0 * width << "," << 4000000 - 30.0 * height << "],["
      << 500000 + 30.0 * width << ",4000000],[500000,4000000],[500000," << 4000000 - 30.0 * height << "]]]}}]}";
    zones = tmp.file("zones.geojson");
    std::ofstream(zones) << g.str();
  }

  // An observed stock as the run writes it: all forest at AGB `agb`.
  std::string observed(int year, double agb) const
  {
    std::string const path = tmp.file("observed_" + std::to_string(year) + ".tif");
    GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), width, height, 6, GDT_Float32, nullptr);
    double gt[6] = {500000, 30, 0, 4000000, 0, -30};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(32650);
    ds->SetSpatialRef(&srs);
    char const* names[6] = {"c_above", "c_below", "c_dead", "c_soil", "c_total", "ecosystem_class"};
    float const v[6] = {float(agb * 0.5), float(agb * 0.2 * 0.5), 0, 0, float(agb * 0.6), 1};
    for (int b = 0; b < 6; ++b) {
      std::vector<float> plane(std::size_t(width) * height, v[b]);
      auto* band = ds->GetRasterBand(b + 1);
      band->SetDescription(names[b]);
      EXPECT_EQ(band->RasterIO(GF_Write, 0, 0, width, height, plane.data(), width, height, GDT_Float32, 0, 0, nullptr), CE_None);
    }
    GDALClose(ds);
    return path;
  }

  jobs::accounting_mc_totals run(int iterations, int tile = 0, int threads = 0) const
  {
    jobs::accounting_job_options o;
    o.observed = maps;
    for (std::size_t y = 0; y < maps.size(); ++y) o.years.push_back(2020 + int(y));
    o.carbon.model = model_file;
    o.run.quiet = true;
    o.run.tile = tile;
    o.run.threads = threads;
    uncertainty::mc_options mc;
    mc.iterations = iterations;
    mc.seed = 3;
    io::zone_set const z(zones, "name", io::grid_of_file(maps.front()));
    return jobs::run_accounting_montecarlo(o, mc, z);
  }
};

uncertainty::mc_summary whole(uncertainty::mc_totals const& t, int value = 0)
{
  return t.rows.at({"*", "*"}).at(std::size_t(value));
}

}  // namespace

TEST(AccountingMonteCarlo, AStockErrorOfAClassThatStaysCancelsInItsSinks)
{
  // Young AGB 50 +- 5 (one draw per iteration), no growth: every year's stock has SD
  // area x 5 x 1.2 x 0.5, the sinks are exactly 0 in every iteration.
  series s(model(json{{"value", 50}, {"sd", 5}, {"source", "t"}}, 0.0), 50, 3);
  auto const t = s.run(3000);
  ASSERT_EQ(t.stocks.size(), 3u);
  ASSERT_EQ(t.sinks.size(), 2u);
  double const sd = area * 5 * 1.2 * 0.5;
  for (auto const& y : t.stocks) {
    EXPECT_NEAR(whole(y).sd, sd, 0.04 * sd);
    EXPECT_NEAR(whole(y).mean, area * 30, 0.01 * area * 30);
    EXPECT_EQ(whole(y).sd, whole(t.stocks[0]).sd);  // the same draws every year
  }
  for (auto const& k : t.sinks) {
    EXPECT_EQ(whole(k).sd, 0.0);
    EXPECT_EQ(whole(k).mean, 0.0);
  }
  EXPECT_EQ(t.stocks[1].rows.count({"all", "forest"}), 1u);  // rows by zone and class
}

TEST(AccountingMonteCarlo, AGrowthErrorAccumulatesOverTheYearsAndTheMeansAddUp)
{
  // Young AGB 50 (certain), G_W 2 +- 0.5 drawn once per iteration: after y years the stock's SD
  // is area x y x 0.5 x 1.2 x 0.5; each yearly sink's SD area x 0.3.
  series s(model(50.0, json{{"value", 2}, {"sd", 0.5}, {"source", "t"}}), 50, 4);
  auto const t = s.run(3000);
  EXPECT_EQ(whole(t.stocks[0]).sd, 0.0);
  for (int y = 1; y < 4; ++y) {
    double const sd = area * y * 0.5 * 0.6;
    EXPECT_NEAR(whole(t.stocks[std::size_t(y)]).sd, sd, 0.04 * sd) << y;
    EXPECT_NEAR(whole(t.sinks[std::size_t(y - 1)]).sd, area * 0.3, 0.04 * area * 0.3) << y;
    EXPECT_NEAR(whole(t.sinks[std::size_t(y - 1)]).mean, area * 2 * 0.6, 0.02 * area * 2 * 0.6) << y;
    // Gains carry the whole sink here (value 1: gains; 2: losses = 0).
    EXPECT_NEAR(whole(t.sinks[std::size_t(y - 1)], 1).mean, whole(t.sinks[std::size_t(y - 1)]).mean,
                1e-6 * whole(t.sinks[std::size_t(y - 1)]).mean);
    EXPECT_EQ(whole(t.sinks[std::size_t(y - 1)], 2).mean, 0.0);
    double const step = whole(t.stocks[std::size_t(y)]).mean - whole(t.stocks[std::size_t(y - 1)]).mean;
    EXPECT_NEAR(step, whole(t.sinks[std::size_t(y - 1)]).mean, 1e-6 * whole(t.stocks[std::size_t(y)]).mean) << y;
  }
  // The whole series: each iteration's stock rises by area x G x 0.6 a year, so its mean annual
  // sink and its least-squares stock trend are both area x G x 0.6: mean area x 1.2, SD area x 0.3,
  // the same in every iteration's two estimates (to rounding).
  ASSERT_FALSE(t.series.empty());
  auto const& all = *std::find_if(t.series.begin(), t.series.end(), [](auto const& x) { return x.zone == "*"; });
  EXPECT_EQ(all.from, 2020);
  EXPECT_EQ(all.to, 2023);
  EXPECT_NEAR(all.mean_annual_sink.mean, area * 1.2, 0.02 * area * 1.2);
  EXPECT_NEAR(all.mean_annual_sink.sd, area * 0.3, 0.04 * area * 0.3);
  ASSERT_TRUE(all.stock_trend.has_value());
  EXPECT_NEAR(all.stock_trend->mean, all.mean_annual_sink.mean, 1e-6 * all.mean_annual_sink.mean);
  EXPECT_NEAR(all.stock_trend->sd, all.mean_annual_sink.sd, 1e-5 * all.mean_annual_sink.sd);
  // The series sink equals the mean of the interval sinks here (one-year intervals).
  double mean_of_sinks = 0;
  for (auto const& k : t.sinks) mean_of_sinks += whole(k).mean / double(t.sinks.size());
  EXPECT_NEAR(all.mean_annual_sink.mean, mean_of_sinks, 1e-6 * mean_of_sinks);

  // Exact fixed-point sums: small tiles and two threads give the same digits.
  auto const a = s.run(200), b = s.run(200, 8, 2);
  for (std::size_t y = 0; y < a.stocks.size(); ++y) {
    EXPECT_EQ(whole(a.stocks[y]).mean, whole(b.stocks[y]).mean);
    EXPECT_EQ(whole(a.stocks[y]).sd, whole(b.stocks[y]).sd);
    EXPECT_EQ(whole(a.stocks[y]).p97_5, whole(b.stocks[y]).p97_5);
  }
}
