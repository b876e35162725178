// Biomass model forms, root-to-shoot steps and carbon pools on hand-computed pixels.
#include "sinkmap/kernels/carbon_stage.hpp"
#include "sinkmap/kernels/pool_lookup_stage.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <tuple>
#include <vector>

using namespace sinkmap::kernels;

namespace {

class_params model(agb_form f, float a, float b)
{
  class_params m;
  m.form = f;
  m.index_output = 0;
  m.a = a;
  m.b = b;
  return m;
}

// Tables with one parameter set per listed (class, zone, age); classes 1..3 forest, 4 grassland.
std::unique_ptr<carbon_stage_params> params_with(std::vector<std::tuple<int, int, int, class_params>> sets)
{
  auto p = std::make_unique<carbon_stage_params>();
  std::memset(p->tables.set_of, no_param_set, sizeof p->tables.set_of);
  std::memset(p->lut, unmapped_code, sizeof p->lut);
  std::memset(p->type_lut, unmapped_code, sizeof p->type_lut);
  std::memset(p->zone_lut, unmapped_code, sizeof p->zone_lut);
  for (int c = 1; c <= 3; ++c) p->tables.group_of[c] = static_cast<unsigned char>(class_group::forest);
  p->tables.group_of[4] = static_cast<unsigned char>(class_group::grassland);
  for (auto const& [cls, zone, age, cp] : sets) {
    p->tables.sets[p->tables.n_sets] = cp;
    p->tables.set_of[cls][zone][age] = static_cast<unsigned char>(p->tables.n_sets++);
  }
  return p;
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

  auto p = params_with({{2, 0, 0, m}});
  float ix[1] = {0.1f};  // AGB = 100 Mg/ha -> BGB 29, C above 51, C below 14.79
  float v[carbon_outputs];
  carbon_pools(p->tables, 2, param_set(p->tables, 2, 0, 0), ix, v);
  EXPECT_FLOAT_EQ(v[0], 100.0f);
  EXPECT_FLOAT_EQ(v[1], 29.0f);
  EXPECT_FLOAT_EQ(v[2], 51.0f);
  EXPECT_FLOAT_EQ(v[3], 14.79f);
  EXPECT_FLOAT_EQ(v[4], 20.3f);
  EXPECT_FLOAT_EQ(v[5], 38.0f);
  EXPECT_NEAR(v[6], 51 + 14.79 + 20.3 + 38, 1e-4);
  EXPECT_EQ(v[7], 2.0f);
  // A combination without parameters keeps its class (so it is reported) but has no stock.
  carbon_pools(p->tables, 4, param_set(p->tables, 4, 0, 0), ix, v);
  EXPECT_TRUE(std::isnan(v[6]));
  EXPECT_EQ(v[7], 4.0f);
  carbon_pools(p->tables, 0, -1, ix, v);
  EXPECT_TRUE(std::isnan(v[7]));
}

TEST(ClassTables, ZoneAgeAndForestTypePickTheParameterSet)
{
  auto young = model(agb_form::constant, 90.9f, 0), old = model(agb_form::constant, 116.0f, 0);
  auto mountain = model(agb_form::constant, 170.4f, 0), poplar = model(agb_form::constant, 66.74f, 0);
  auto grass = model(agb_form::constant, 1.6f, 0);
  auto p = params_with({{1, 0, 0, young}, {1, 0, 1, old}, {1, 1, 1, mountain}, {3, 0, 0, poplar},
                        {4, 0, 0, grass}, {4, 0, 1, grass}});
  p->landcover_plane = 0;
  p->forest_type_plane = 1;
  p->forest_age_plane = 2;
  p->zone_plane = 3;
  p->lut[10] = 1;       // land cover 10 -> class 1 (forest)
  p->lut[30] = 4;       // 30 -> grassland
  p->lut[0] = 0;        // nodata
  p->type_lut[7] = 3;   // forest type 7 -> class 3 (a plantation)
  p->type_lut[0] = 0;   // no type: keep
  p->zone_lut[1] = 0;
  p->zone_lut[2] = 1;
  p->age_boundary_years = 20;
  p->default_age = 0;
  float const none[1] = {NAN};
  // classify: the type map refines forest only.
  EXPECT_EQ(classify(*p, 10, 0, none), 1);
  EXPECT_EQ(classify(*p, 10, 7, none), 3);
  EXPECT_EQ(classify(*p, 30, 7, none), 4);
  EXPECT_EQ(classify(*p, 0, 7, none), 0);
  // zone and age.
  EXPECT_EQ(zone_of(*p, 1), 0);
  EXPECT_EQ(zone_of(*p, 2), 1);
  EXPECT_EQ(zone_of(*p, 9), -1);  // a code without a zone
  EXPECT_EQ(zone_of(*p, NAN), -1);
  EXPECT_EQ(age_of(*p, 20), 0);  // <= 20 years: young
  EXPECT_EQ(age_of(*p, 20.5f), 1);
  EXPECT_EQ(age_of(*p, NAN), 0);  // no age: the default class
  // Pixel by pixel through the planes: land cover, type, age, zone.
  float const planes[4][5] = {{10, 10, 10, 10, 30}, {0, 0, 0, 7, 0}, {5, 35, 35, 5, 50}, {1, 1, 2, 1, 1}};
  float in[20];
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 5; ++i) in[k * 5 + i] = planes[k][i];
  float const want[5] = {90.9f, 116.0f, 170.4f, 66.74f, 1.6f};
  for (int i = 0; i < 5; ++i) {
    float v[max_carbon_values];  // pixel_pools also writes agb_input
    pixel_pools(*p, in, 5, std::size_t(i), true, none, v);
    EXPECT_FLOAT_EQ(v[0], want[i]) << "pixel " << i;
  }
}

TEST(ThresholdClassifier, WaterBareGrassForest)
{
  auto p = params_with({});
  p->classifier.ndvi_output = 0;
  p->classifier.ndwi_output = 1;
  p->classifier.water = 18;
  p->classifier.bare = 20;
  p->classifier.grassland = 4;
  p->classifier.forest = 1;
  float a[2] = {0.1f, 0.3f}, b[2] = {0.1f, -0.3f}, c[2] = {0.3f, -0.3f}, d[2] = {0.7f, -0.5f};
  EXPECT_EQ(classify(*p, NAN, NAN, a), 18);
  EXPECT_EQ(classify(*p, NAN, NAN, b), 20);
  EXPECT_EQ(classify(*p, NAN, NAN, c), 4);
  EXPECT_EQ(classify(*p, NAN, NAN, d), 1);
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
