// The Monte Carlo (IPCC Approach 2) against answers worked by hand: a class-level uncertain
// stock gives an SD that does not average out over area; independent per-pixel residuals give
// the SD of a sum; Approach 1 (IPCC 2006 Vol. 1 Eq. 3.1 and 3.2) of a linear chain agrees; a
// two-class confusion matrix gives its binomial mean and SD; a class that stays has an exactly
// certain stock-difference sink (both years share the draws), while an uncertain growth rate
// gives the gain-loss sink its analytic SD; a lognormal keeps the mean at the value. Same seed,
// same totals to the last digit for any tile size and thread count; inventory columns; bad input.
#include "core/error.hpp"
#include "jobs/inventory_job.hpp"
#include "models/carbon_model.hpp"
#include "test_rasters.hpp"
#include "jobs/montecarlo_job.hpp"
#include "uncertainty/parameter_draws.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

using namespace sinkmap;
using json = nlohmann::json;

namespace {

constexpr int width = 64, height = 48;
constexpr double pixel_ha = 0.09;  // 30 m pixels

// A model with a forest class and a cropland class whose numbers the tests choose.
json model_json(json forest_agb, json rs, json cf, json soil, json growth = 0.0)
{
  auto num = [](json v) { return v.is_number() ? json{{"value", v}, {"source", "test"}} : v; };
  if (!forest_agb.contains("form")) forest_agb = {{"form", "constant"}, {"a", num(forest_agb)}, {"source", "test"}};
  return {{"name", "mc_test"},
          {"version", "1"},
          {"region", {{"description", "anywhere"}, {"lon", {-180, 180}}, {"lat", {-90, 90}}}},
          {"soil_depth_cm", 30},
          {"climate_zones", {{"default", "z"}, {"zones", {{"z", {{"id", 0}, {"soil_climate", "z"}, {"ecological_zone", "e"}}}}}}},
          {"classes",
           {{"forest", {{"id", 1}, {"group", "forest"}, {"agb", forest_agb},
                        {"root_to_shoot", {{"steps", {{{"ratio", num(rs)}}}}, {"source", "test"}}},
                        {"carbon_fraction", num(cf)}, {"dead_c", num(0.0)}, {"soil_c", num(soil)},
                        {"growth", num(growth)}}},
            {"cropland", {{"id", 2}, {"group", "cropland"}, {"agb", {{"form", "none"}, {"source", "test"}}},
                          {"soil_c", num(50.0)}}}}}};
}

struct scene {
  test::temp_dir tmp;
  std::string model;

  explicit scene(json const& m)
  {
    model = tmp.file("model.json");
    std::ofstream(model) << m.dump();
  }

  // A stock map as sinkmap stock writes it: c_total, ecosystem_class, agb_input, metadata.
  std::string stock(std::string const& name, std::vector<float> const& cls, std::vector<float> const& x,
                    std::vector<float> const& total, int year = 2020) const
  {
    GDALAllRegister();
    std::string const path = tmp.file(name);
    GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), width, height, 3, GDT_Float32, nullptr);
    double gt[6] = {500000, 30, 0, 4000000, 0, -30};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(32650);
    ds->SetSpatialRef(&srs);
    auto const m = models::load_carbon_model(model);
    char const* names[3] = {"c_total", "ecosystem_class", "agb_input"};
    std::vector<float> const* planes[3] = {&total, &cls, &x};
    for (int b = 0; b < 3; ++b) {
      auto* band = ds->GetRasterBand(b + 1);
      band->SetDescription(names[b]);
      band->SetNoDataValue(NAN);
      auto v = *planes[b];
      EXPECT_EQ(band->RasterIO(GF_Write, 0, 0, width, height, v.data(), width, height, GDT_Float32, 0, 0, nullptr), CE_None);
    }
    ds->GetRasterBand(2)->SetMetadataItem("classes", jobs::class_table_text(m).c_str());
    ds->GetRasterBand(3)->SetMetadataItem("index", "NDVI");
    ds->SetMetadataItem("SINKMAP_MODEL_FILE", model.c_str());
    ds->SetMetadataItem("SINKMAP_MODEL_SHA256", m.sha256.c_str());
    ds->SetMetadataItem("SINKMAP_YEAR", std::to_string(year).c_str());
    GDALClose(ds);
    return path;
  }

  // Two zones: the west and east halves of the map.
  std::string zones() const
  {
    std::ostringstream g;
    g.precision(12);
    double const x0 = 500000, xm = x0 + 30.0 * width / 2, x1 = x0 + 30.0 * width;
    double const y1 = 4000000, y0 = y1 - 30.0 * height;
    auto poly = [&](char const* name, double a, double b) {
      g << R"({"type":"Feature","properties":{"name":")" << name << R"("},"geometry":{"type":"Polygon","coordinates":[[[)"
        << a << "," << y0 << "],[" << b << "," << y0 << "],[" << b << "," << y1 << "],[" << a << "," << y1 << "],["
        << a << "," << y0 << "]]]}}";
    };
    g << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[)";
    poly("west", x0, xm);
    g << ",";
    poly("east", xm, x1);
    g << "]}";
    std::string const path = tmp.file("zones.geojson");
    std::ofstream(path) << g.str();
    return path;
  }
};

std::vector<float> filled(float v) { return std::vector<float>(std::size_t(width) * height, v); }

jobs::run_settings quiet(int tile = 0, int threads = 0)
{
  jobs::run_settings r;
  r.quiet = true;
  r.tile = tile;
  r.threads = threads;
  r.device = pipeline::device_kind::cpu;
  return r;
}

jobs::carbon_input_options with_model(std::string const& model)
{
  jobs::carbon_input_options c;
  c.model = model;
  return c;
}

uncertainty::mc_options iterations(int n, std::uint64_t seed = 11)
{
  uncertainty::mc_options o;
  o.iterations = n;
  o.seed = seed;
  return o;
}

uncertainty::mc_summary const& whole(uncertainty::mc_totals const& t, int acc = 0)
{
  return t.rows.at({"*", "*"}).at(std::size_t(acc));
}

}  // namespace

TEST(MonteCarlo, ClassLevelStockSdIsAreaTimesSdTimesOnePlusRTimesCf)
{
  // Forest AGB {"value": 100, "sd": 10}, R = 0.2, CF = 0.5, no DOM or soil: every pixel's
  // carbon is AGB x 1.2 x 0.5, with one AGB draw per iteration for the whole map.
  scene s(model_json(json{{"value", 100}, {"sd", 10}, {"source", "t"}}, 0.2, 0.5, 0.0));
  std::string const map = s.stock("stock.tif", filled(1), filled(NAN), filled(60));
  auto const t = uncertainty::run_stock_montecarlo(map, {}, with_model(s.model), iterations(4000), quiet());
  double const area = width * height * pixel_ha;
  auto const& w = whole(t);
  EXPECT_NEAR(w.sd, area * 10 * 1.2 * 0.5, 0.03 * area * 10 * 1.2 * 0.5);
  EXPECT_NEAR(w.mean, area * 60, 0.01 * area * 60);
  // The 95 % interval of a normal: mean +- 1.96 SD.
  EXPECT_NEAR(w.p2_5, area * 60 - 1.96 * area * 6, 0.05 * area * 6 * 1.96);
  EXPECT_NEAR(w.p97_5, area * 60 + 1.96 * area * 6, 0.05 * area * 6 * 1.96);
  // The class row carries it all.
  EXPECT_EQ(t.rows.at({"*", "forest"})[0].sd, w.sd);
}

TEST(MonteCarlo, PerPixelResidualsGiveTheSdOfASum)
{
  // AGB = 20 + 100 x NDVI with a residual SD of 15 Mg/ha, drawn per pixel: the total's SD is
  // sqrt(N) x 15 x (1 + R) x CF x area of a pixel (the model's coefficients are exact).
  json const agb = {{"form", "linear"}, {"index", "NDVI"}, {"a", 20}, {"b", 100}, {"residual_sd", 15}, {"source", "t"}};
  scene s(model_json(agb, 0.2, 0.5, 0.0));
  std::string const map = s.stock("stock.tif", filled(1), filled(0.5f), filled(70 * 0.6f));
  auto const t = uncertainty::run_stock_montecarlo(map, {}, with_model(s.model), iterations(2000), quiet());
  double const n = width * height;
  double const want_sd = std::sqrt(n) * 15 * 1.2 * 0.5 * pixel_ha;
  EXPECT_NEAR(whole(t).sd, want_sd, 0.05 * want_sd);
  EXPECT_NEAR(whole(t).mean, n * pixel_ha * 42, 3 * want_sd / std::sqrt(2000.0) + 1e-6 * n * 42);
  EXPECT_NE(t.notes.front().find("residuals per pixel"), std::string::npos) << t.notes.front();
}

TEST(MonteCarlo, AgreesWithApproachOneOnALinearChain)
{
  // C = AGB (1 + R) CF + SOC per hectare, all four uncertain and independent. Approach 1:
  // U(product)^2 = sum of relative U^2 (IPCC 2006 Vol. 1 Eq. 3.1), then the sum rule (Eq. 3.2)
  // for SOC. With CVs of 10 % and less the two agree within the Monte Carlo's own error.
  json const agb = {{"value", 100}, {"sd", 10}, {"source", "t"}};
  json const rs = {{"value", 0.2}, {"sd", 0.02}, {"source", "t"}};
  json const cf = {{"value", 0.5}, {"sd", 0.02}, {"source", "t"}};
  json const soc = {{"value", 40}, {"sd", 4}, {"source", "t"}};
  scene s(model_json(agb, rs, cf, soc));
  std::string const map = s.stock("stock.tif", filled(1), filled(NAN), filled(100));
  auto const t = uncertainty::run_stock_montecarlo(map, {}, with_model(s.model), iterations(4000), quiet());
  double const area = width * height * pixel_ha;
  double const bio = 100 * 1.2 * 0.5;
  double const u_bio = std::sqrt(std::pow(0.10, 2) + std::pow(0.02 / 1.2, 2) + std::pow(0.02 / 0.5, 2));
  double const sd_ha = std::sqrt(std::pow(bio * u_bio, 2) + 16.0);
  EXPECT_NEAR(whole(t).sd, area * sd_ha, 0.04 * area * sd_ha);
  EXPECT_NEAR(whole(t).mean, area * (bio + 40), 0.01 * area * (bio + 40));
}

TEST(MonteCarlo, TwoClassConfusionMatrixHasItsBinomialMeanAndSd)
{
  // Every pixel is mapped forest (60 Mg C/ha, exact); the confusion matrix says 80 % of
  // forest-mapped pixels are forest and 20 % cropland (50 Mg C/ha). Per pixel: mean 58, and the
  // total's SD is area x 10 x sqrt(N x 0.8 x 0.2).
  scene s(model_json(100.0, 0.2, 0.5, 0.0));
  std::string const map = s.stock("stock.tif", filled(1), filled(NAN), filled(60));
  std::ofstream(s.tmp.file("confusion.csv")) << "map,forest,cropland\nforest,80,20\ncropland,0,100\n";
  auto mc = iterations(2000);
  mc.confusion = s.tmp.file("confusion.csv");
  auto const t = uncertainty::run_stock_montecarlo(map, {}, with_model(s.model), mc, quiet());
  double const n = width * height;
  EXPECT_NEAR(whole(t).mean, n * pixel_ha * 58, 0.001 * n * pixel_ha * 58);
  double const sd = pixel_ha * 10 * std::sqrt(n * 0.8 * 0.2);
  EXPECT_NEAR(whole(t).sd, sd, 0.05 * sd);
  // A label the model does not know: bad input naming the file and the label.
  std::ofstream(s.tmp.file("bad.csv")) << "map,forest,paddy\nforest,80,20\n";
  mc.confusion = s.tmp.file("bad.csv");
  try {
    uncertainty::run_stock_montecarlo(map, {}, with_model(s.model), mc, quiet());
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv line 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'paddy'"), std::string::npos) << e.what();
  }
  // Matrices that cannot be right, each refused naming the file, line and column.
  for (auto const& [body, expect] : std::vector<std::pair<std::string, std::string>>{
         {"map,forest,cropland\nforest,80,-2\n", "line 2 column 3: a count cannot be negative"},
         {"map,forest,cropland\nforest,80,1e308\n", "line 2 column 3: 1e308 is not a count"},
         {"map,forest,cropland\nforest,80,inf\n", "line 2 column 3"},
         {"map,forest,cropland\n", "no rows after the header"},
         {"map,forest,cropland\nforest,80,20\nforest,70,30\n", "line 3 column 1: the row of map class forest is given twice"},
         {"map,forest,forest\nforest,80,20\n", "line 1 column 3: reference class forest is also column 2"},
         {"map,forest,cropland\nforest,0,0\n", "the row of class forest has no count"}}) {
    std::ofstream(s.tmp.file("m.csv")) << body;
    mc.confusion = s.tmp.file("m.csv");
    try {
      uncertainty::run_stock_montecarlo(map, {}, with_model(s.model), mc, quiet());
      ADD_FAILURE() << body;
    } catch (bad_input const& e) {
      EXPECT_NE(std::string(e.what()).find("m.csv"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(expect), std::string::npos) << e.what();
    }
  }
}

TEST(MonteCarlo, SameSeedSameDigitsForAnyTileAndThreadCount)
{
  json const agb = {{"form", "linear"}, {"index", "NDVI"}, {"a", 20}, {"b", 100}, {"residual_sd", 15}, {"source", "t"}};
  scene s(model_json(agb, json{{"value", 0.2}, {"sd", 0.03}, {"source", "t"}}, 0.5, 0.0));
  std::vector<float> cls = filled(1), x(std::size_t(width) * height), total = filled(0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = 0.2f + 0.6f * float(i % 97) / 97.0f;
    if (i % 5 == 0) cls[i] = 2;
    if (i % 31 == 0) total[i] = NAN;  // unmapped pixels stay out
  }
  std::string const map = s.stock("stock.tif", cls, x, total);
  std::string const zones = s.zones();
  auto run = [&](int tile, int threads, std::uint64_t seed) {
    return uncertainty::run_stock_montecarlo(map, {zones, "name"}, with_model(s.model), iterations(200, seed),
                                             quiet(tile, threads));
  };
  auto const a = run(64, 1, 5), b = run(16, 2, 5), c = run(1024, 0, 5), d = run(16, 2, 6);
  ASSERT_EQ(a.rows.size(), 7u);  // 2 zones x (2 classes + subtotal) + the total
  for (auto const& [key, v] : a.rows) {
    for (std::size_t k = 0; k < v.size(); ++k) {
      EXPECT_EQ(v[k].mean, b.rows.at(key)[k].mean) << key.first << "/" << key.second;
      EXPECT_EQ(v[k].sd, b.rows.at(key)[k].sd);
      EXPECT_EQ(v[k].p2_5, c.rows.at(key)[k].p2_5);
      EXPECT_EQ(v[k].p97_5, c.rows.at(key)[k].p97_5);
    }
  }
  EXPECT_NE(whole(a).mean, whole(d).mean);  // another seed, other draws
  // Zone rows add up to the total (exact integers underneath).
  EXPECT_NEAR(a.rows.at({"west", "*"})[0].mean + a.rows.at({"east", "*"})[0].mean, whole(a).mean,
              1e-9 * std::abs(whole(a).mean));
}

TEST(MonteCarlo, SinkSharesDrawsBetweenYearsAndPropagatesGrowth)
{
  // Forest stays forest. Stock difference: the AGB draw is the same in both years, so the sink
  // is exactly 0 in every iteration. Gain-loss: G = 2 +- 0.5 Mg/ha/yr gives a sink SD of
  // area x 0.5 x (1 + R) x CF per year.
  json const agb = {{"value", 100}, {"sd", 10}, {"source", "t"}};
  json const growth = {{"value", 2}, {"sd", 0.5}, {"source", "t"}};
  scene s(model_json(agb, 0.2, 0.5, 0.0, growth));
  std::string const m1 = s.stock("s1.tif", filled(1), filled(NAN), filled(60), 2015);
  std::string const m2 = s.stock("s2.tif", filled(1), filled(NAN), filled(60), 2020);
  uncertainty::mc_sink_options o;
  o.stock_t1 = m1;
  o.stock_t2 = m2;
  o.method = "stock-difference";
  auto const named = with_model("");  // the maps name it
  auto const diff = uncertainty::run_sink_montecarlo(o, {}, named, iterations(500), quiet());
  EXPECT_EQ(whole(diff).sd, 0.0);
  EXPECT_EQ(whole(diff).mean, 0.0);
  o.method = "gain-loss";
  auto const gl = uncertainty::run_sink_montecarlo(o, {}, named, iterations(4000), quiet());
  double const area = width * height * pixel_ha;
  EXPECT_NEAR(whole(gl).mean, area * 2 * 1.2 * 0.5, 0.01 * area * 1.2);
  EXPECT_NEAR(whole(gl).sd, area * 0.5 * 1.2 * 0.5, 0.03 * area * 0.3);
  EXPECT_NEAR(whole(gl, 1).mean, whole(gl).mean, 1e-9 * area);  // all of it a gain
  EXPECT_EQ(whole(gl, 2).mean, 0.0);                              // no loss
}

TEST(MonteCarlo, LognormalKeepsTheMeanWhereATruncatedNormalWouldNot)
{
  // Growth 3.3 +- 5.2 (IPCC 2019 Table 4.9's spread): a normal truncated at 0 has mean
  // mu + sigma phi(a)/(1 - Phi(a)) with a = -mu/sigma; the lognormal keeps 3.3.
  for (bool lognormal : {false, true}) {
    json g = {{"value", 3.3}, {"sd", 5.2}, {"source", "t"}};
    if (lognormal) g["distribution"] = "lognormal";
    scene s(model_json(100.0, 0.2, 0.5, 0.0, g));
    auto const m = models::load_carbon_model(s.model);
    double sum = 0, sum2 = 0;
    int const n = 20000;
    std::size_t k = 0;
    while (m.parameters[k].path.find("growth") == std::string::npos) ++k;
    for (int it = 0; it < n; ++it) {
      double const v = uncertainty::draw_parameters(m, 3, std::uint32_t(it))[k];
      ASSERT_GE(v, 0.0);
      sum += v;
      sum2 += v * v;
    }
    double const mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
    if (lognormal) {
      EXPECT_NEAR(mean, 3.3, 0.1);
      EXPECT_NEAR(sd, 5.2, 0.5);
    } else {
      double const a = -3.3 / 5.2;
      double const phi = std::exp(-a * a / 2) / std::sqrt(2 * M_PI), tail = 0.5 * std::erfc(a / std::sqrt(2.0));
      EXPECT_NEAR(mean, 3.3 + 5.2 * phi / tail, 0.1);
    }
  }
}

TEST(MonteCarlo, InventoryGainsMeanSdAndIntervalColumns)
{
  scene s(model_json(json{{"value", 100}, {"sd", 10}, {"source", "t"}}, 0.2, 0.5, 0.0));
  std::vector<float> cls = filled(1), total = filled(60);
  for (std::size_t i = 0; i < cls.size(); i += 2) {
    cls[i] = 2;
    total[i] = 50;
  }
  std::string const map = s.stock("stock.tif", cls, filled(NAN), total);
  jobs::inventory_job_options o;
  o.map = map;
  o.zones = s.zones();
  o.zone_field = "name";
  o.output = s.tmp.file("inv.csv");
  o.mc = iterations(300);
  o.run = quiet();
  auto const inv = jobs::run_inventory_job(o);
  std::ifstream f(o.output);
  std::string header;
  std::getline(f, header);
  EXPECT_EQ(header, "zone,class,pixels,area_ha,carbon_mgc,carbon_mgc_mean,carbon_mgc_sd,carbon_mgc_p2_5,"
                    "carbon_mgc_p97_5,co2e_t,co2e_t_mean,co2e_t_sd,co2e_t_p2_5,co2e_t_p97_5");
  bool cropland = false;
  for (auto const& r : inv.rows) {
    if (r.cls == "cropland") {  // exact soil stock: SD 0, mean = the deterministic total
      cropland = true;
      EXPECT_EQ(r.mc[0].sd, 0.0);
      EXPECT_NEAR(r.mc[0].mean, r.total, 1e-6 * r.total);
    }
    if (r.cls == "forest") EXPECT_NEAR(r.mc[0].sd, r.pixels * pixel_ha * 6, 0.15 * r.pixels * pixel_ha * 6);
  }
  EXPECT_TRUE(cropland);
  std::ifstream jf(s.tmp.file("inv.json"));
  json const j = json::parse(jf);
  EXPECT_EQ(j["uncertainty"]["iterations"], 300);
  EXPECT_TRUE(j["rows"][0].contains("carbon_mgc_p97_5"));
}

TEST(MonteCarlo, CalibratedCoefficientsAreDrawnJointlyWithTheirCovariance)
{
  // `sinkmap calibrate` writes a and b with their covariance: the draws reproduce it.
  json const agb = {{"form", "linear"}, {"index", "NDVI"}, {"a", 20}, {"b", 100},
                    {"covariance", {{4.0, -3.0}, {-3.0, 9.0}}}, {"source", "t"}};
  scene s(model_json(agb, 0.2, 0.5, 0.0));
  auto const m = models::load_carbon_model(s.model);
  std::size_t ka = 0, kb = 0;
  for (std::size_t k = 0; k < m.parameters.size(); ++k) {
    if (m.parameters[k].path.find("agb.a") != std::string::npos) ka = k;
    if (m.parameters[k].path.find("agb.b") != std::string::npos) kb = k;
  }
  ASSERT_NE(ka, kb);
  int const n = 20000;
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (int it = 0; it < n; ++it) {
    auto const v = uncertainty::draw_parameters(m, 9, std::uint32_t(it));
    double const a = v[ka] - 20, b = v[kb] - 100;
    sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b;
  }
  EXPECT_NEAR(saa / n - (sa / n) * (sa / n), 4.0, 0.15);
  EXPECT_NEAR(sbb / n - (sb / n) * (sb / n), 9.0, 0.3);
  EXPECT_NEAR(sab / n - (sa / n) * (sb / n), -3.0, 0.15);
}

namespace {

// Forest from NDVI with an uncertain slope, a residual of 25 Mg/ha that the clamp at 0 cuts for
// the sparse pixels, and R in IPCC Table 4.4's steps; cropland a Tier 1 constant; a confusion
// matrix that moves a fifth of each class into the other. Two zones, NDVI from 0 to 0.9.
struct grouped_scene {
  scene s;
  std::string map, zones, confusion;

  explicit grouped_scene(int cropland_every = 4)
    : s([] {
        json const agb = {{"form", "linear"}, {"index", "NDVI"}, {"a", 5},
                          {"b", {{"value", 150}, {"sd", 15}, {"source", "t"}}}, {"residual_sd", 25}, {"source", "t"}};
        json m = model_json(agb, 0.2, json{{"value", 0.47}, {"sd", 0.02}, {"source", "t"}}, 0.0);
        m["classes"]["forest"]["root_to_shoot"] = {
          {"steps", {{{"agb_below", 50}, {"ratio", 0.4}}, {{"agb_below", 150}, {"ratio", 0.29}}, {{"ratio", 0.2}}}},
          {"source", "t"}};
        return m;
      }())
  {
    std::vector<float> cls = filled(1), x(std::size_t(width) * height), total = filled(1);
    for (std::size_t i = 0; i < x.size(); ++i) {
      x[i] = 0.9f * float((i * 7919) % 1000) / 1000.0f;
      if (i % std::size_t(cropland_every) == 0) cls[i] = 2;
      if (i % 37 == 0) total[i] = NAN;
    }
    map = s.stock("stock.tif", cls, x, total);
    zones = s.zones();
    confusion = s.tmp.file("confusion.csv");
    std::ofstream(confusion) << "map,forest,cropland\nforest,80,20\ncropland,20,80\n";
  }

  uncertainty::mc_totals run(uncertainty::mc_mode mode, int n, std::string const& sd_map = "", int tile = 0,
                             int threads = 0) const
  {
    auto mc = iterations(n, 3);
    mc.mode = mode;
    mc.confusion = confusion;
    mc.sd_output = sd_map;
    return uncertainty::run_stock_montecarlo(map, {zones, "name"}, with_model(s.model), mc, quiet(tile, threads));
  }
};

}  // namespace

TEST(MonteCarlo, GroupedModeAgreesWithPerPixelDrawsWithinHalfAPercentAndFivePercentSd)
{
  grouped_scene const g;
  std::string const sd_exact = g.s.tmp.file("sd_exact.tif"), sd_grouped = g.s.tmp.file("sd_grouped.tif");
  auto const exact = g.run(uncertainty::mc_mode::exact, 4000, sd_exact);
  auto const grouped = g.run(uncertainty::mc_mode::grouped, 4000, sd_grouped);
  ASSERT_EQ(exact.rows.size(), 7u);
  ASSERT_EQ(grouped.rows.size(), exact.rows.size());
  for (auto const& [key, v] : exact.rows) {
    auto const& w = grouped.rows.at(key)[0];
    EXPECT_NEAR(w.mean, v[0].mean, 0.005 * std::abs(v[0].mean)) << key.first << "/" << key.second;
    EXPECT_NEAR(w.sd, v[0].sd, 0.05 * v[0].sd) << key.first << "/" << key.second;
    EXPECT_NEAR(w.p2_5, v[0].p2_5, 0.005 * std::abs(v[0].mean)) << key.first << "/" << key.second;
  }
  // Every pixel-iteration has a value here (both classes have parameters): none expected missing.
  EXPECT_TRUE(grouped.missing.empty());
  bool noted = false;
  for (auto const& n : grouped.notes) noted |= n.find("grouped Monte Carlo") != std::string::npos;
  EXPECT_TRUE(noted);
  // The per-pixel SD maps: each pixel's SD by its group's closed form, against its own draws.
  auto const a = test::read_band(sd_exact, 1), b = test::read_band(sd_grouped, 1);
  ASSERT_EQ(a.size(), b.size());
  double ratio = 0;
  int counted = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(std::isnan(a[i]), std::isnan(b[i])) << i;
    if (std::isnan(a[i])) continue;
    EXPECT_NEAR(b[i], a[i], 0.1 * a[i]) << i;
    ratio += b[i] / a[i];
    ++counted;
  }
  EXPECT_NEAR(ratio / counted, 1.0, 0.02);
}

TEST(MonteCarlo, GroupedModeGivesTheSameDigitsForAnyTileAndThreadCount)
{
  grouped_scene const g;
  auto const a = g.run(uncertainty::mc_mode::grouped, 300, g.s.tmp.file("a.tif"), 16, 1);
  auto const b = g.run(uncertainty::mc_mode::grouped, 300, g.s.tmp.file("b.tif"), 1024, 2);
  for (auto const& [key, v] : a.rows)
    for (std::size_t k = 0; k < v.size(); ++k) {
      EXPECT_EQ(v[k].mean, b.rows.at(key)[k].mean) << key.first << "/" << key.second;
      EXPECT_EQ(v[k].sd, b.rows.at(key)[k].sd) << key.first << "/" << key.second;
      EXPECT_EQ(v[k].p97_5, b.rows.at(key)[k].p97_5) << key.first << "/" << key.second;
    }
  auto const x = test::read_band(g.s.tmp.file("a.tif"), 1), y = test::read_band(g.s.tmp.file("b.tif"), 1);
  ASSERT_EQ(x.size(), y.size());
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_TRUE(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i]))) << i;
}

TEST(MonteCarlo, GroupedModeDrawsTheFewPixelsOfASmallCellOneByOne)
{
  // Every 157th pixel is cropland: 19 mapped ones over both zones, too few for the central
  // limit, so those cells are drawn pixel by pixel; their intervals still agree with exact mode.
  grouped_scene const g(157);
  auto const exact = g.run(uncertainty::mc_mode::exact, 4000);
  auto const grouped = g.run(uncertainty::mc_mode::grouped, 4000);
  bool noted = false;
  for (auto const& n : grouped.notes) noted |= n.find("the 19 pixels of cells under 200 pixels drawn one by one") != std::string::npos;
  EXPECT_TRUE(noted) << grouped.notes.back();
  for (auto const& zone : {"west", "east"}) {
    auto const& e = exact.rows.at({zone, "cropland"})[0];
    auto const& w = grouped.rows.at({zone, "cropland"})[0];
    EXPECT_NEAR(w.mean, e.mean, 0.01 * e.mean) << zone;
    EXPECT_NEAR(w.sd, e.sd, 0.05 * e.sd) << zone;
    EXPECT_NEAR(w.p2_5, e.p2_5, 0.15 * e.sd) << zone;
    EXPECT_NEAR(w.p97_5, e.p97_5, 0.15 * e.sd) << zone;
  }
}

TEST(MonteCarlo, GroupedModeKeepsTheModelsValidRangeEdgesExact)
{
  // NDVI from -0.1 to 0.9 with exactly 0 and 0.8 among them, a model valid on [0, 0.8]: index
  // bins holding an edge are not grouped, so grouped mode counts exactly the pixel-iterations
  // exact mode finds without a value, and its SD map is NaN exactly where exact mode's is.
  json const agb = {{"form", "linear"}, {"index", "NDVI"}, {"a", 5}, {"b", 150}, {"valid_range", {0, 0.8}},
                    {"residual_sd", 25}, {"source", "t"}};
  scene s(model_json(agb, 0.2, 0.47, 0.0));
  std::vector<float> x(std::size_t(width) * height);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = -0.1f + 1.0f * float(i % 101) / 100.0f;
  x[7] = 0.0f;
  x[8] = 0.8f;
  x[9] = std::nextafter(0.8f, 1.0f);
  std::string const map = s.stock("stock.tif", filled(1), x, filled(1));
  auto run = [&](uncertainty::mc_mode mode, std::string const& sd) {
    auto mc = iterations(50, 3);
    mc.mode = mode;
    mc.sd_output = s.tmp.file(sd);
    return uncertainty::run_stock_montecarlo(map, {}, with_model(s.model), mc, quiet());
  };
  auto const e = run(uncertainty::mc_mode::exact, "e.tif"), g = run(uncertainty::mc_mode::grouped, "g.tif");
  ASSERT_TRUE(e.missing.count({"*", "*"}));
  EXPECT_EQ(g.missing.at({"*", "*"}), e.missing.at({"*", "*"}));
  auto const a = test::read_band(s.tmp.file("e.tif"), 1), b = test::read_band(s.tmp.file("g.tif"), 1);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(std::isnan(a[i]), std::isnan(b[i])) << i << " x " << x[i];
}
