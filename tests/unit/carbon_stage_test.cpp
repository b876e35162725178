// Biomass model forms, root-to-shoot steps and carbon pools on hand-computed pixels.
#include "sinkmap/kernels/carbon_stage.hpp"
#include "sinkmap/kernels/pool_lookup_stage.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace sinkmap::kernels;

namespace {

class_model model(agb_form f, float a, float b)
{
  class_model m;
  m.defined = 1;
  m.form = f;
  m.index_output = 0;
  m.a = a;
  m.b = b;
  return m;
}

}  // namespace

TEST(BiomassModel, EachFormOnAHandComputedPixel)
{
  EXPECT_FLOAT_EQ(above_ground_biomass(model(agb_form::linear, 10, 200), 0.5f), 110.0f);
  EXPECT_FLOAT_EQ(above_ground_biomass(model(agb_form::power, 300, 1.5f), 0.64f), 153.6f);  // 300 x 0.512
  EXPECT_NEAR(above_ground_biomass(model(agb_form::exponential, 5, 4), 0.5f), 36.945280, 1e-4);  // 5 e^2
  EXPECT_NEAR(above_ground_biomass(model(agb_form::logarithmic, 250, 50), 0.5f), 215.342641, 1e-4);  // 250 + 50 ln 0.5
  EXPECT_FLOAT_EQ(above_ground_biomass(model(agb_form::constant, 120, 0), NAN), 120.0f);
  EXPECT_FLOAT_EQ(above_ground_biomass(model(agb_form::none, 0, 0), NAN), 0.0f);
}

TEST(BiomassModel, ValidRangeGivesNodataAndClampLimitsOutput)
{
  auto m = model(agb_form::linear, -50, 400);
  m.x_min = 0.1f;
  m.x_max = 0.95f;
  m.agb_min = 0;
  m.agb_max = 300;
  EXPECT_TRUE(std::isnan(above_ground_biomass(m, 0.05f)));
  EXPECT_TRUE(std::isnan(above_ground_biomass(m, 0.99f)));
  EXPECT_FLOAT_EQ(above_ground_biomass(m, 0.1f), 0.0f);   // -10 clamped to 0
  EXPECT_FLOAT_EQ(above_ground_biomass(m, 0.9f), 300.0f);  // 310 clamped to 300
  EXPECT_TRUE(std::isnan(above_ground_biomass(m, NAN)));
  EXPECT_TRUE(std::isnan(above_ground_biomass(model(agb_form::logarithmic, 1, 1), 0.0f)));
}

TEST(BiomassModel, RootToShootStepsAndPools)
{
  // IPCC 2006 Table 4.4 temperate conifers: < 50: 0.40, 50-150: 0.29, > 150: 0.20.
  auto m = model(agb_form::linear, 0, 1000);
  m.rs_steps = 3;
  float const below[] = {50, 150, INFINITY}, ratio[] = {0.40f, 0.29f, 0.20f};
  std::memcpy(m.rs_below, below, sizeof below);
  std::memcpy(m.rs_ratio, ratio, sizeof ratio);
  m.carbon_fraction = 0.51f;
  m.dead_c = 20.3f;
  m.soil_c = 38.0f;
  EXPECT_FLOAT_EQ(root_to_shoot(m, 49.9f), 0.40f);
  EXPECT_FLOAT_EQ(root_to_shoot(m, 50.0f), 0.29f);
  EXPECT_FLOAT_EQ(root_to_shoot(m, 400.0f), 0.20f);

  auto p = std::make_unique<carbon_stage_params>();
  p->classes[int(ecosystem_class::forest_evergreen_needleleaf)] = m;
  float ix[1] = {0.1f};  // AGB = 100 Mg/ha -> BGB 29, C above 51, C below 14.79
  float v[carbon_outputs];
  carbon_stage<float>::pools(*p, int(ecosystem_class::forest_evergreen_needleleaf), ix, v);
  EXPECT_FLOAT_EQ(v[0], 100.0f);
  EXPECT_FLOAT_EQ(v[1], 29.0f);
  EXPECT_FLOAT_EQ(v[2], 51.0f);
  EXPECT_FLOAT_EQ(v[3], 14.79f);
  EXPECT_FLOAT_EQ(v[4], 20.3f);
  EXPECT_FLOAT_EQ(v[5], 38.0f);
  EXPECT_NEAR(v[6], 51 + 14.79 + 20.3 + 38, 1e-4);
  EXPECT_EQ(v[7], float(ecosystem_class::forest_evergreen_needleleaf));
  // A class the model does not cover is nodata.
  carbon_stage<float>::pools(*p, int(ecosystem_class::grassland), ix, v);
  EXPECT_TRUE(std::isnan(v[6]));
}

TEST(ThresholdClassifier, WaterBareGrassForest)
{
  auto p = std::make_unique<carbon_stage_params>();
  p->classifier.ndvi_output = 0;
  p->classifier.ndwi_output = 1;
  float a[2] = {0.1f, 0.3f}, b[2] = {0.1f, -0.3f}, c[2] = {0.3f, -0.3f}, d[2] = {0.7f, -0.5f};
  EXPECT_EQ(classify(*p, NAN, a), int(ecosystem_class::water));
  EXPECT_EQ(classify(*p, NAN, b), int(ecosystem_class::bare));
  EXPECT_EQ(classify(*p, NAN, c), int(ecosystem_class::grassland));
  EXPECT_EQ(classify(*p, NAN, d), int(ecosystem_class::forest));
}

TEST(StockChange, SinkIsPositiveWhereStockRises)
{
  stock_change_params const p{5};
  float in[4] = {100, 80, 110, 70};  // t1 = {100, 80}, t2 = {110, 70}
  float out[4];
  stock_change_stage<float> const s{p, in, out, 2};
  s(0);
  s(1);
  EXPECT_FLOAT_EQ(out[0], 2.0f);    // (110 - 100) / 5
  EXPECT_FLOAT_EQ(out[1], -2.0f);   // a source
  EXPECT_NEAR(out[2], 2.0 * 44 / 12, 1e-5);
  EXPECT_NEAR(out[3], -2.0 * 44 / 12, 1e-5);
}
