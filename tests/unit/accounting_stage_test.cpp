// The yearly carbon accounting per pixel, against trajectories computed by hand from the test
// model of accounting_fixture.hpp (IPCC 2006 Vol. 4 Ch. 2: Eq. 2.9 growth, Eq. 2.14 disturbance,
// Eq. 2.15/2.16 conversion, Eq. 2.23 dead organic matter, Eq. 2.25 soil over 20 years), and
// the properties a publishable map needs: every pixel's stock change equals its net flux times
// the years, gains minus losses equal the net, and a run continued from its state equals the
// full run bit for bit.
#include "unit/accounting_fixture.hpp"
#include "memory_scene.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace sinkmap::test::accounting;
using sinkmap::test::same_float;

namespace {

constexpr double tol = 1e-4;

struct one_pixel {
  std::unique_ptr<accounting_params> p;
  std::vector<float> in, out;
  result r() const { return {*p, out, 1}; }
};

one_pixel run_one(pixel_series const& s, float step = 1, int confirm = 2, float removal_2001 = NAN,
                  void (*tune)(accounting_params&) = nullptr)
{
  one_pixel o;
  o.p = make_params(int(s.classes.size()), 2000, step);
  if (tune) tune(*o.p);
  o.p->confirm_years = confirm;
  o.p->n_harvest_zones = 1;
  o.p->harvest_m3_per_ha[0][1] = removal_2001;
  o.in = fresh_inputs(*o.p, {s});
  o.out = run_cpu(*o.p, o.in, 1);
  return o;
}

double total(result const& r, int y) { return r.stock(y, sb_c_total, 0); }

}  // namespace

TEST(Accounting, ForestRemainingGrowsByGwTimesOnePlusRTimesCf)
{
  // Older than 20 years (the default age class): G_W 2 -> above 2 x 0.5, below 2 x 0.2 x 0.5.
  auto const o = run_one(start_as(forest, 100, {forest, forest, forest, forest, forest}));
  auto const r = o.r();
  for (int y = 1; y <= 5; ++y) {
    EXPECT_NEAR(r.flux(y, fb_net, 0), 1.2, tol) << y;
    EXPECT_NEAR(r.flux(y, fb_gains, 0), 1.2, tol);
    EXPECT_EQ(r.flux(y, fb_losses, 0), 0.0f);
    EXPECT_NEAR(r.flux(y, fb_co2, 0), 1.2 * 44.0 / 12.0, tol);
    EXPECT_EQ(r.flux(y, fb_category, 0), 9.0f);  // forest (1) remaining forest: 1 x 8 + 1
    EXPECT_EQ(r.flux(y, fb_events, 0), 0.0f);
  }
  EXPECT_NEAR(r.stock(5, sb_c_above, 0), 55.0, tol);
  EXPECT_NEAR(r.stock(5, sb_c_below, 0), 11.0, tol);
  EXPECT_NEAR(total(r, 5), 55 + 11 + 10 + 50, tol);
  EXPECT_TRUE(std::isnan(r.stock(5, sb_age, 0)));  // no age map: the age stays unknown
}

TEST(Accounting, GrowthStopsAtTheMatureStock)
{
  // AGB 199 of a mature 200: one Mg d.m. more, then nothing.
  auto const o = run_one(start_as(forest, 199, {forest, forest, forest}));
  auto const r = o.r();
  EXPECT_NEAR(r.flux(1, fb_net, 0), 0.5 + 0.1, tol);
  EXPECT_NEAR(r.stock(1, sb_c_above, 0), 100.0, tol);
  EXPECT_EQ(r.flux(2, fb_net, 0), 0.0f);
  EXPECT_EQ(r.flux(3, fb_net, 0), 0.0f);
}

TEST(Accounting, DeforestationIsBookedWhenTheSecondMapConfirmsIt)
{
  auto const o = run_one(start_as(forest, 100, {cropland, cropland, cropland, cropland}));
  auto const r = o.r();
  // 2001: the cropland is seen once: pending, the forest keeps growing and stays forest.
  EXPECT_NEAR(r.flux(1, fb_net, 0), 1.2, tol);
  EXPECT_EQ(r.flux(1, fb_pending, 0), float(cropland));
  EXPECT_EQ(r.stock(1, sb_class, 0), float(forest));
  EXPECT_EQ(r.flux(1, fb_events, 0), 0.0f);
  // 2002: confirmed. The biomass (51 + 10.2) is lost, cropland starts at B_AFTER 5, DOM (10) is
  // lost at once and soil moves from 50 to 40 over the 19 years left of the 20 counted from
  // 2001, the year the change was first seen.
  double const soil_step = (40.0 - 50.0) / 19.0;
  double const before = 51 + 10.2 + 10 + 50;
  double const after = 5 + 0 + 0 + 50 + soil_step;
  EXPECT_NEAR(r.flux(2, fb_net, 0), after - before, tol);
  EXPECT_NEAR(r.flux(2, fb_gains, 0), 5.0, tol);
  EXPECT_NEAR(r.flux(2, fb_losses, 0), 61.2 + 10 - soil_step, tol);
  EXPECT_NEAR(r.flux(2, fb_biomass, 0), 5 - 61.2, tol);
  EXPECT_NEAR(r.flux(2, fb_dom, 0), -10.0, tol);
  EXPECT_NEAR(r.flux(2, fb_soil, 0), soil_step, tol);
  EXPECT_EQ(r.flux(2, fb_events, 0), float(event_conversion));
  EXPECT_EQ(r.flux(2, fb_category, 0), 11.0f);  // forest (1) to cropland (3)
  EXPECT_EQ(r.flux(2, fb_class_before, 0), float(forest));
  EXPECT_EQ(r.flux(2, fb_class_after, 0), float(cropland));
  EXPECT_TRUE(std::isnan(r.flux(2, fb_pending, 0)));
  // Then only the soil moves, a 19th of the change a year.
  EXPECT_NEAR(r.flux(3, fb_net, 0), soil_step, tol);
  EXPECT_NEAR(r.flux(4, fb_net, 0), soil_step, tol);
  EXPECT_NEAR(r.stock(4, sb_c_soil, 0), 50 + 3 * soil_step, tol);
  EXPECT_EQ(r.state(st_prior_class, 0), float(forest));
  EXPECT_EQ(r.state(st_years_since_conversion, 0), 4.0f);  // 2004 - 2001 + 1 transition steps
}

TEST(Accounting, OneYearFlickerIsNotBooked)
{
  auto const o = run_one(start_as(forest, 100, {cropland, forest, forest}));
  auto const r = o.r();
  for (int y = 1; y <= 3; ++y) {
    EXPECT_NEAR(r.flux(y, fb_net, 0), 1.2, tol) << y;
    EXPECT_EQ(r.stock(y, sb_class, 0), float(forest));
    EXPECT_EQ(r.flux(y, fb_category, 0), 9.0f);
  }
  EXPECT_EQ(r.flux(1, fb_pending, 0), float(cropland));
  EXPECT_EQ(r.flux(2, fb_events, 0), float(event_flicker));
  EXPECT_TRUE(std::isnan(r.state(st_pending_class, 0)));
  EXPECT_TRUE(std::isnan(r.state(st_prior_class, 0)));
}

TEST(Accounting, ThreeYearConfirmationStartsTheClocksAtTheFirstSighting)
{
  auto const o = run_one(start_as(forest, 100, {cropland, cropland, cropland, cropland}), 1, 3);
  auto const r = o.r();
  EXPECT_EQ(r.stock(2, sb_class, 0), float(forest));
  EXPECT_EQ(r.flux(3, fb_events, 0), float(event_conversion));
  // First seen 2001, booked 2003: 18 of the 20 years are left for the soil.
  double const soil_step = (40.0 - 50.0) / 18.0;
  EXPECT_NEAR(r.stock(3, sb_c_soil, 0), 50 + soil_step, tol);
  EXPECT_NEAR(r.flux(4, fb_net, 0), soil_step, tol);
}

TEST(Accounting, LossOfNbrConfirmsAConversionAtOnceAndTheSoilArrivesAfterTwentyYears)
{
  std::vector<int> classes(25, cropland);
  std::vector<float> nbr(26, 0.1f);
  nbr[0] = 0.6f;  // dNBR 0.5 > 0.3 in 2001
  auto const o = run_one(start_as(forest, 100, classes, nbr));
  auto const r = o.r();
  EXPECT_EQ(r.flux(1, fb_events, 0), float(event_conversion));
  EXPECT_NEAR(r.flux(1, fb_net, 0), (5 + 0 + 0 + 49.5) - (50 + 10 + 10 + 50), tol);
  // 20 yearly steps of (40 - 50) / 20, in the maps 2001..2020; reported as forest converted to
  // cropland for those 20 years, cropland remaining after.
  for (int y = 2; y <= 20; ++y) EXPECT_NEAR(r.flux(y, fb_net, 0), -0.5, tol) << y;
  EXPECT_NEAR(r.stock(20, sb_c_soil, 0), 40.0, tol);
  EXPECT_EQ(r.flux(21, fb_net, 0), 0.0f);
  EXPECT_NEAR(r.stock(25, sb_c_soil, 0), 40.0, tol);
  EXPECT_EQ(r.stock(20, sb_category, 0), 11.0f);
  EXPECT_EQ(r.stock(21, sb_category, 0), 27.0f);  // cropland (3) remaining: 3 x 8 + 3
  // Over the whole path: stock(2025) - stock(2000) = the sum of the nets.
  double sum = 0;
  for (int y = 1; y <= 25; ++y) sum += r.flux(y, fb_net, 0);
  EXPECT_NEAR(total(r, 25) - total(r, 0), sum, 1e-3);
  EXPECT_NEAR(total(r, 25), 5 + 40, tol);
}

TEST(Accounting, DisturbanceInsideForestLosesFdAndRegrowsAtTheYoungRate)
{
  std::vector<float> nbr{0.6f, 0.1f, 0.1f, 0.1f};
  auto const o = run_one(start_as(forest, 100, {forest, forest, forest}, nbr));
  auto const r = o.r();
  // f_d 0.8 of (50 + 10) lost, age restarts at 0 and the young G_W 10 adds 5 + 1.
  EXPECT_EQ(r.flux(1, fb_events, 0), float(event_disturbance));
  EXPECT_NEAR(r.flux(1, fb_losses, 0), 48.0, tol);
  EXPECT_NEAR(r.flux(1, fb_gains, 0), 6.0, tol);
  EXPECT_NEAR(r.flux(1, fb_net, 0), (15 + 3 + 10 + 50) - 120.0, tol);
  EXPECT_EQ(r.flux(1, fb_category, 0), 9.0f);  // still forest remaining forest
  EXPECT_EQ(r.stock(1, sb_age, 0), 1.0f);
  EXPECT_NEAR(r.flux(2, fb_net, 0), 6.0, tol);
  EXPECT_NEAR(r.flux(3, fb_net, 0), 6.0, tol);
  EXPECT_EQ(r.stock(3, sb_age, 0), 3.0f);
}

TEST(Accounting, AStandCrossingTheAgeBoundaryTakesTheOldRateFromTheNextYear)
{
  // Stand age 18 at the first map, boundary 20 (young <= 20 < old): the young G_W 10 (5 + 1 Mg
  // C/yr) books the years the stand starts at 18, 19 and 20; from 21 the old G_W 2 (1 + 0.2).
  auto s = start_as(forest, 100, {forest, forest, forest, forest, forest});
  s.age = 18;
  auto const o = run_one(s);
  auto const r = o.r();
  double const expected[] = {6.0, 6.0, 6.0, 1.2, 1.2};
  for (int y = 1; y <= 5; ++y) {
    EXPECT_NEAR(r.flux(y, fb_net, 0), expected[y - 1], tol) << y;
    EXPECT_EQ(r.stock(y, sb_age, 0), float(18 + y)) << y;
  }
  EXPECT_NEAR(r.stock(5, sb_c_above, 0), 50 + 3 * 5 + 2 * 1, tol);
}

TEST(Accounting, AfforestationStartsFromZeroAndFillsDomAndSoilOverTheTransition)
{
  auto const o = run_one(start_as(cropland, 0, {forest, forest, forest}));
  auto const r = o.r();
  EXPECT_EQ(r.flux(1, fb_net, 0), 0.0f);  // pending; cropland does not grow at Tier 1
  double const step = 10.0 / 19.0;         // DOM 0 -> 10 and soil 40 -> 50 over 19 years
  EXPECT_NEAR(r.flux(2, fb_net, 0), (5 + 1 + step + 40 + step) - 45.0, tol);
  EXPECT_NEAR(r.flux(2, fb_losses, 0), 5.0, tol);
  EXPECT_EQ(r.flux(2, fb_category, 0), 25.0f);  // cropland (3) to forest (1)
  EXPECT_EQ(r.stock(2, sb_age, 0), 1.0f);
  EXPECT_NEAR(r.flux(3, fb_net, 0), 6 + 2 * step, tol);
  EXPECT_NEAR(r.stock(3, sb_c_dead, 0), 2 * step, tol);
}

TEST(Accounting, CroplandToGrasslandStartsAtTheGrasslandStockAfterConversion)
{
  auto const o = run_one(start_as(cropland, 0, {grassland, grassland}));
  auto const r = o.r();
  EXPECT_NEAR(r.flux(2, fb_net, 0), (2 + 3 + 0 + 40 + 5.0 / 19.0) - 45.0, tol);
  EXPECT_EQ(r.flux(2, fb_category, 0), 26.0f);  // cropland (3) to grassland (2)
  EXPECT_NEAR(r.stock(2, sb_c_below, 0), 3.0, tol);
}

TEST(Accounting, PerennialCropGrowsToItsStockAtHarvestAndStops)
{
  // Grassland converted to an orchard (grassland to cropland): booked 2002 (first seen 2001),
  // from 0 at 2.1 x 0.5 a year: 10 years to 21 Mg d.m.
  std::vector<int> classes(14, orchard);
  auto const o = run_one(start_as(grassland, 0, classes));
  auto const r = o.r();
  EXPECT_EQ(r.flux(2, fb_events, 0), float(event_conversion));
  EXPECT_NEAR(r.stock(2, sb_c_above, 0), 1.05, tol);
  EXPECT_NEAR(r.stock(11, sb_c_above, 0), 10.5, tol);
  EXPECT_NEAR(r.stock(14, sb_c_above, 0), 10.5, tol);
  EXPECT_NEAR(r.flux(14, fb_net, 0), (40.0 - 45.0) / 19.0, tol);  // capped: only the soil moves
  EXPECT_EQ(r.stock(14, sb_category, 0), 19.0f);  // grassland (2) to cropland (3)
}

TEST(Accounting, AChangeInsideOneGroupIsARelabelNotAConversion)
{
  // One forest type to another (a type map given for one year only, or a product that flips
  // types): land remaining forest. The pools carry on, nothing is lost, the category stays.
  auto const o = run_one(start_as(forest, 100, {poplar, poplar, poplar}));
  auto const r = o.r();
  for (int y = 1; y <= 3; ++y) {
    EXPECT_NEAR(r.flux(y, fb_net, 0), 1.2, tol) << y;
    EXPECT_EQ(r.flux(y, fb_losses, 0), 0.0f) << y;
    EXPECT_EQ(r.stock(y, sb_category, 0), 9.0f) << y;
    EXPECT_EQ(int(r.flux(y, fb_events, 0)) & event_conversion, 0) << y;
  }
  EXPECT_EQ(r.stock(2, sb_class, 0), float(poplar));  // relabelled once confirmed
  // Annual to perennial cropland likewise: the orchard grows on from the crop's 5 Mg C/ha
  // (AGB 10) by 1.05 a year to its 10.5 cap.
  auto const c = run_one(start_as(cropland, 0, {orchard, orchard, orchard, orchard, orchard, orchard, orchard}));
  auto const rc = c.r();
  EXPECT_EQ(rc.flux(2, fb_losses, 0), 0.0f);
  EXPECT_NEAR(rc.stock(2, sb_c_above, 0), 5 + 1.05, tol);
  EXPECT_NEAR(rc.stock(7, sb_c_above, 0), 10.5, tol);
  EXPECT_EQ(rc.stock(7, sb_category, 0), 27.0f);
}

TEST(Accounting, AChangeSeenLongBeforeItIsBookedStillMovesDomAndSoil)
{
  // Cropland seen in 2001, then 25 maps without data, confirmed in 2027: its 20-year period has
  // passed, so the DOM loss and the whole soil change arrive in the booking year.
  std::vector<int> classes{cropland};
  classes.insert(classes.end(), 25, 0);
  classes.push_back(cropland);
  auto const o = run_one(start_as(forest, 100, classes));
  auto const r = o.r();
  int const y = 27;
  EXPECT_EQ(r.flux(y, fb_events, 0), float(event_conversion));
  EXPECT_NEAR(r.stock(y, sb_c_soil, 0), 40.0, tol);
  EXPECT_NEAR(r.stock(y, sb_c_dead, 0), 0.0, tol);
  EXPECT_EQ(r.stock(y, sb_category, 0), 11.0f);  // reported as converted for that year
}

TEST(Accounting, ForestWithoutAGrowthRateIsFlaggedNotGrown)
{
  auto const o = run_one(start_as(bare_forest, 100, {bare_forest, bare_forest}));
  auto const r = o.r();
  EXPECT_EQ(r.flux(1, fb_net, 0), 0.0f);
  EXPECT_EQ(r.flux(1, fb_events, 0), float(event_no_rate));
}

TEST(Accounting, UnmappedPixelStaysNodata)
{
  pixel_series s;
  s.classes = {0, forest, forest};
  auto const o = run_one(s);
  auto const r = o.r();
  for (int y = 0; y < 3; ++y) EXPECT_TRUE(std::isnan(r.stock(y, sb_c_total, 0)));
  EXPECT_TRUE(std::isnan(r.flux(2, fb_net, 0)));
  EXPECT_TRUE(std::isnan(r.state(st_class, 0)));
}

TEST(Accounting, MultiYearIntervalGrowsEveryYearAndReportsPerYear)
{
  auto const o = run_one(start_as(forest, 100, {forest, forest}), 2);
  auto const r = o.r();
  EXPECT_NEAR(r.flux(1, fb_net, 0), 1.2, tol);
  EXPECT_NEAR(r.stock(2, sb_c_above, 0), 54.0, tol);
}

TEST(Accounting, WoodRemovalsFromStatisticsUseBcefRAtTheGrowingStockLevel)
{
  // 10 m3/ha removed in 2001 from AGB 100: AGB / BCEF_S is 33 (< 20? no), 59 (< 40? no), 71
  // (< 100: yes) -> BCEF_R 1.55: 15.5 Mg d.m. above ground, 15.5 x 0.2 below, times CF 0.5;
  // then the year's growth (old: 1 + 0.2).
  auto s = start_as(forest, 100, {forest, forest});
  s.harvest_zone = 1;
  auto const o = run_one(s, 1, 2, 10);
  auto const r = o.r();
  EXPECT_EQ(r.flux(1, fb_events, 0), float(event_removal));
  EXPECT_NEAR(r.flux(1, fb_removed_volume, 0), 10.0, tol);
  EXPECT_NEAR(r.flux(1, fb_losses, 0), 7.75 + 1.55, tol);
  EXPECT_NEAR(r.flux(1, fb_net, 0), 1.2 - 7.75 - 1.55, tol);
  EXPECT_NEAR(r.stock(1, sb_c_above, 0), 50 - 7.75 + 1, tol);
  EXPECT_NEAR(r.stock(1, sb_c_below, 0), 10 - 1.55 + 0.2, tol);
  EXPECT_EQ(r.flux(2, fb_events, 0), 0.0f);  // no statistic for 2002
  EXPECT_NEAR(r.flux(2, fb_net, 0), 1.2, tol);
}

TEST(Accounting, WoodRemovalsNeverTakeMoreThanTheStandHolds)
{
  auto s = start_as(forest, 100, {forest});
  s.harvest_zone = 1;
  auto const o = run_one(s, 1, 2, 1000);
  auto const r = o.r();
  // 1000 x 1.55 Mg d.m. asked, 100 there: all of it goes (100 / 1.55 m3 booked), then growth.
  EXPECT_NEAR(r.flux(1, fb_removed_volume, 0), 100 / 1.55, 1e-3);
  EXPECT_NEAR(r.stock(1, sb_c_above, 0), 1.0, tol);
  EXPECT_NEAR(r.stock(1, sb_c_below, 0), 0.2, tol);
}

TEST(Accounting, StatisticsReplaceTheDetectedClearCutInTheirZoneAndYear)
{
  std::vector<float> nbr{0.6f, 0.1f};
  auto s = start_as(forest, 100, {forest}, nbr);
  s.harvest_zone = 1;
  auto const with_stats = run_one(s, 1, 2, 10);
  EXPECT_EQ(with_stats.r().flux(1, fb_events, 0), float(event_removal));  // no f_d loss
  EXPECT_NEAR(with_stats.r().flux(1, fb_net, 0), 1.2 - 9.3, tol);
  s.harvest_zone = NAN;  // outside the zones with statistics: the clear-cut is booked
  auto const without = run_one(s, 1, 2, 10);
  EXPECT_EQ(without.r().flux(1, fb_events, 0), float(event_disturbance));
  // A forest class without a BCEF table: the removal is due but not booked, and flagged.
  auto b = start_as(bare_forest, 100, {bare_forest});
  b.harvest_zone = 1;
  auto const none = run_one(b, 1, 2, 10);
  EXPECT_EQ(int(none.r().flux(1, fb_events, 0)) & event_no_bcef, event_no_bcef);
  EXPECT_EQ(none.r().flux(1, fb_removed_volume, 0), 0.0f);
}

TEST(Accounting, AnInventoryStandGrowsByItsVolumeIncrementThroughBcefI)
{
  // Eq. 2.10: G_W = I_V x BCEF_I. AGB 100: AGB / BCEF_S is 71 (< 100 m3/ha) -> BCEF_I 0.9; 5
  // m3/ha/yr -> 4.5 Mg d.m. above, 4.5 x 0.2 below, times CF 0.5: 2.25 + 0.45 a year instead of
  // the IPCC rate's 1.2.
  auto s = start_as(forest, 100, {forest, forest, forest});
  s.increment = 5;
  auto const o = run_one(s);
  auto const r = o.r();
  for (int y = 1; y <= 3; ++y) {
    EXPECT_NEAR(r.flux(y, fb_net, 0), 2.7, tol) << y;
    EXPECT_NEAR(r.flux(y, fb_biomass, 0), 2.7, tol) << y;
    EXPECT_EQ(r.flux(y, fb_events, 0), float(event_increment)) << y;
  }
  EXPECT_NEAR(r.stock(3, sb_c_above, 0), 50 + 3 * 2.25, tol);
  EXPECT_EQ(r.state(st_volume_increment, 0), 5.0f);  // carried for the next run
  // The level moves with the stand: from AGB 140 (/ 1.4 = 100, not below 100) BCEF_I is 0.6.
  auto big = start_as(forest, 140, {forest});
  big.increment = 5;
  auto const ob = run_one(big);
  EXPECT_NEAR(ob.r().flux(1, fb_net, 0), 5 * 0.6 * 1.2 * 0.5, tol);
  // No Tier 1 cap: the stand's own growth, also past the class's mature 200 Mg d.m./ha (AGB 199
  // and 202: / 1.05 below 200 m3/ha, BCEF_I 0.6, 3 Mg d.m. a year).
  auto old = start_as(forest, 199, {forest, forest});
  old.increment = 5;
  auto const oo = run_one(old);
  auto const ro = oo.r();
  EXPECT_NEAR(ro.flux(2, fb_net, 0), 5 * 0.6 * 1.2 * 0.5, tol);
  EXPECT_NEAR(ro.stock(2, sb_c_above, 0), (199 + 3 + 3) * 0.5, tol);
  // A pixel without an increment grows at the IPCC rate.
  auto const plain = run_one(start_as(forest, 100, {forest}));
  EXPECT_NEAR(plain.r().flux(1, fb_net, 0), 1.2, tol);
}

TEST(Accounting, AnInventoryStandWithALinearFitGrowsByItsSlopeSplitByR)
{
  // B = 0.6 V + 10 with roots: dB = 0.6 x 10 m3/ha/yr = 6 Mg d.m., split by R 0.2 into 5 above
  // and 1 below (never expanded again), times CF 0.5.
  auto s = start_as(poplar, 100, {poplar, poplar});
  s.increment = 10;
  auto const o = run_one(s);
  auto const r = o.r();
  EXPECT_NEAR(r.flux(1, fb_net, 0), 3.0, tol);
  EXPECT_NEAR(r.stock(1, sb_c_above, 0), 50 + 2.5, tol);
  EXPECT_NEAR(r.stock(1, sb_c_below, 0), 10 + 0.5, tol);
}

TEST(Accounting, TheIncrementEndsWithTheStandItMeasured)
{
  // Converted to cropland (booked in 2002): the state forgets the increment.
  auto cut = start_as(forest, 100, {cropland, cropland, forest});
  cut.increment = 5;
  auto const oa = run_one(cut);
  auto const a = oa.r();
  EXPECT_EQ(a.flux(1, fb_events, 0), float(event_increment));  // still the stand in 2001
  EXPECT_TRUE(std::isnan(a.state(st_volume_increment, 0)));
  // A stand-replacing disturbance (dNBR 0.5): the regrowth takes the young IPCC rate (10 x 1.2 x 0.5).
  auto burnt = start_as(forest, 100, {forest, forest}, {0.6f, 0.1f, 0.1f});
  burnt.increment = 5;
  auto const ob = run_one(burnt);
  auto const b = ob.r();
  EXPECT_EQ(b.flux(1, fb_events, 0), float(event_disturbance));
  EXPECT_NEAR(b.flux(2, fb_net, 0), 6.0, tol);
  EXPECT_TRUE(std::isnan(b.state(st_volume_increment, 0)));
  // Relabelled to another forest type: another stand.
  auto other = start_as(forest, 100, {poplar, poplar, poplar});
  other.increment = 5;
  auto const oc = run_one(other);
  auto const c = oc.r();
  EXPECT_EQ(c.flux(1, fb_events, 0), float(event_increment));
  EXPECT_NEAR(c.flux(3, fb_net, 0), 1.2, tol);
}

namespace {

// A mix of every path above plus random class and NBR series.
std::vector<pixel_series> mixed_pixels(int years, unsigned seed, std::size_t random_pixels)
{
  std::vector<pixel_series> px;
  auto pad = [&](std::vector<int> c) {
    c.resize(std::size_t(years - 1), c.empty() ? forest : c.back());
    return c;
  };
  px.push_back(start_as(forest, 100, pad({forest})));
  px.push_back(start_as(forest, 199, pad({forest})));
  px.push_back(start_as(forest, 100, pad({forest, forest, forest, forest, cropland, cropland})));  // seen 2005
  px.push_back(start_as(forest, 100, pad({cropland, forest})));
  px.push_back(start_as(cropland, 0, pad({forest})));
  px.push_back(start_as(cropland, 0, pad({orchard})));
  px.push_back(start_as(cropland, 0, pad({grassland})));
  auto burnt = start_as(forest, 100, pad({forest}), std::vector<float>(std::size_t(years), 0.6f));
  for (int y = 6; y < years; ++y) burnt.nbr[std::size_t(y)] = 0.1f;  // drop in 2006
  px.push_back(burnt);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> cls(0, 5);
  std::uniform_real_distribution<float> agb(0, 250), nbr(-0.2f, 0.8f), age(-5, 60);
  for (std::size_t i = 0; i < random_pixels; ++i) {
    std::vector<int> c(std::size_t(years - 1));
    int cur = 1 + int(rng() % 4);
    for (auto& v : c) {
      if (rng() % 4 == 0) cur = cls(rng);
      v = cur;
    }
    std::vector<float> n(static_cast<std::size_t>(years));
    for (auto& v : n) v = rng() % 7 == 0 ? NAN : nbr(rng);
    auto s = start_as(1 + int(rng() % 5), agb(rng), c, n);
    s.age = rng() % 3 == 0 ? NAN : age(rng);
    s.harvest_zone = float(rng() % 3);  // 0: outside the zones with statistics
    px.push_back(s);
  }
  // Wetland paths: restoration, extraction, drainage, flicker through a flat, marsh to grassland,
  // and random paths over every class of the fixture.
  px.push_back(start_as(flat, 0, pad({flat, marsh})));
  px.push_back(start_as(marsh, 0, pad({marsh, marsh, pond})));
  px.push_back(start_as(marsh, 0, pad({farm})));
  px.push_back(start_as(marsh, 0, pad({flat, flat, marsh})));
  px.push_back(start_as(marsh, 0, pad({grassland})));
  // Inventory stands with a volume increment: kept, converted in 2005, relabelled, burnt in 2008.
  for (auto [cls, path] : {std::pair{forest, pad({forest})}, {poplar, pad({poplar})},
                           {forest, pad({forest, forest, forest, forest, cropland, cropland})}, {forest, pad({poplar})}}) {
    auto st = start_as(cls, 90, path);
    st.increment = 6;
    px.push_back(st);
  }
  auto stand_burnt = start_as(forest, 150, pad({forest}), std::vector<float>(std::size_t(years), 0.6f));
  for (int y = 8; y < years; ++y) stand_burnt.nbr[std::size_t(y)] = 0.1f;
  stand_burnt.increment = 4;
  px.push_back(stand_burnt);
  for (std::size_t i = 0; i < random_pixels / 2; ++i) {
    std::vector<int> c(std::size_t(years - 1));
    int cur = 7 + int(rng() % 5);
    for (auto& v : c) {
      if (rng() % 3 == 0) cur = int(rng() % 12);
      v = cur;
    }
    px.push_back(start_as(7 + int(rng() % 5), 0, c));
  }
  return px;
}

// Removal statistics by calendar year: zone 1 every third year, zone 2 every other year.
void set_harvest(accounting_params& p)
{
  p.n_harvest_zones = 2;
  for (int y = 0; y < p.n_years; ++y) {
    int const year = int(p.years[y]);
    p.harvest_m3_per_ha[0][y] = year % 3 == 0 ? 12.0f : NAN;
    p.harvest_m3_per_ha[1][y] = year % 2 == 0 ? 40.0f : NAN;
  }
}

}  // namespace

TEST(Accounting, StockChangeEqualsNetFluxAndItsPartsForEveryPixel)
{
  int const years = 10;
  auto px = mixed_pixels(years, 7, 2000);
  auto p = make_params(years, 2010);
  set_harvest(*p);
  auto const in = fresh_inputs(*p, px);
  auto const out = run_cpu(*p, in, px.size());
  result const r{*p, out, px.size()};
  std::size_t conversions = 0, flickers = 0, disturbances = 0, removals = 0;
  for (std::size_t i = 0; i < px.size(); ++i)
    for (int y = 1; y < years; ++y) {
      float const t0 = r.stock(y - 1, sb_c_total, i), t1 = r.stock(y, sb_c_total, i);
      float const net = r.flux(y, fb_net, i);
      ASSERT_EQ(std::isnan(t1), std::isnan(net)) << i;
      if (std::isnan(net)) continue;
      EXPECT_NEAR(t1 - t0, net, 1e-3 * (1 + std::fabs(t0))) << "pixel " << i << " map " << y;
      EXPECT_EQ(r.flux(y, fb_stock_before, i), t0);
      EXPECT_NEAR(r.flux(y, fb_gains, i) - r.flux(y, fb_losses, i), net, 1e-3 * (1 + std::fabs(t0)));
      EXPECT_NEAR(r.flux(y, fb_biomass, i) + r.flux(y, fb_dom, i) + r.flux(y, fb_soil, i), net,
                  1e-3 * (1 + std::fabs(t0)));
      float const parts = r.stock(y, sb_c_above, i) + r.stock(y, sb_c_below, i) + r.stock(y, sb_c_dead, i) +
                          r.stock(y, sb_c_soil, i);
      EXPECT_NEAR(parts, t1, 1e-3 * (1 + std::fabs(t1)));
      int const ev = int(r.flux(y, fb_events, i));
      conversions += (ev & event_conversion) != 0;
      flickers += (ev & event_flicker) != 0;
      disturbances += (ev & event_disturbance) != 0;
      removals += (ev & event_removal) != 0;
    }
  // The random series exercise every rule.
  EXPECT_GT(conversions, 100u);
  EXPECT_GT(flickers, 100u);
  EXPECT_GT(disturbances, 10u);
  EXPECT_GT(removals, 100u);
}

TEST(Accounting, RunContinuedFromItsStateEqualsTheFullRunBitForBit)
{
  int const years = 12, split = 6;  // 2000..2011 at once, or 2000..2005 then 2006..2011
  auto const px = mixed_pixels(years, 11, 500);
  std::size_t const n = px.size();
  auto full = make_params(years, 2000);
  set_harvest(*full);
  auto const full_out = run_cpu(*full, fresh_inputs(*full, px), n);
  result const whole{*full, full_out, n};

  auto first = make_params(split, 2000);
  set_harvest(*first);
  auto const first_out = run_cpu(*first, fresh_inputs(*first, px), n);
  result const a{*first, first_out, n};
  auto second = make_params(years - split, 2000 + split);
  second->state_year = 2000 + split - 1;
  set_harvest(*second);
  auto const second_in = continued_inputs(*second, px, split, a.state_planes());
  auto const second_out = run_cpu(*second, second_in, n);
  result const b{*second, second_out, n};

  for (std::size_t i = 0; i < n; ++i) {
    for (int y = 0; y < split; ++y)
      for (int k = 0; k < stock_bands; ++k)
        ASSERT_TRUE(same_float(a.stock(y, k, i), whole.stock(y, k, i))) << i << " " << y << " " << k;
    for (int y = 0; y < years - split; ++y) {
      for (int k = 0; k < stock_bands; ++k)
        ASSERT_TRUE(same_float(b.stock(y, k, i), whole.stock(split + y, k, i)))
          << "pixel " << i << " map " << split + y << " band " << k;
      for (int k = 0; k < flux_bands; ++k)
        ASSERT_TRUE(same_float(b.flux(y, k, i), whole.flux(split + y, k, i)))
          << "pixel " << i << " interval to " << split + y << " band " << k;
    }
    for (int k = 0; k < state_bands; ++k)
      ASSERT_TRUE(same_float(b.state(k, i), whole.state(k, i))) << i << " state band " << k;
  }
  // The pixel first seen as cropland in 2005 is confirmed in 2006, by the continued run.
  EXPECT_EQ(a.state(st_pending_class, 2), float(cropland));
  EXPECT_EQ(a.state(st_pending_first_year, 2), 2005.0f);
  EXPECT_EQ(b.flux(0, fb_events, 2), float(event_conversion));
  // The NBR drop of 2006 is measured against 2005's NBR, carried in the state.
  EXPECT_EQ(b.flux(0, fb_events, 7), float(event_disturbance));
}

// Coastal wetlands (2013 Wetlands Supplement Ch. 4), with the fixture's round numbers.

TEST(AccountingWetlands, FlatRevegetatedAsPlantedMarshGainsEfReEveryYearSinceItWasFirstSeen)
{
  // Marsh first seen in 2001, confirmed (and booked) in 2002: EF_RE 1 a year from the first
  // sighting on (the booking catches up the year it waited, as Eq. 2.25's clock does), for as long
  // as it stays marsh. Flat and marsh are both wetland: the category stays wetland_remaining. The
  // flat estimates no soil, so the pool takes the marsh's depth (0-100 cm).
  auto const o = run_one(start_as(flat, 0, {marsh, marsh, marsh, marsh}));
  auto const r = o.r();
  EXPECT_NEAR(total(r, 1), 0.0, tol);
  EXPECT_NEAR(r.flux(2, fb_net, 0), 2 * marsh_ef_re, tol);
  for (int y = 2; y <= 4; ++y) {
    EXPECT_NEAR(r.stock(y, sb_c_soil, 0), double(y) * marsh_ef_re, tol) << y;
    if (y > 2) EXPECT_NEAR(r.flux(y, fb_net, 0), marsh_ef_re, tol) << y;
    EXPECT_NEAR(r.flux(y, fb_soil, 0), r.flux(y, fb_net, 0), tol) << y;
    EXPECT_TRUE(int(r.flux(y, fb_events, 0)) & event_restoration) << y;
    EXPECT_EQ(r.flux(y, fb_category, 0), 36.0f);  // wetland (4) remaining wetland
    EXPECT_EQ(r.stock(y, sb_soil_depth, 0), 100.0f) << y;
  }
  EXPECT_EQ(r.stock(4, sb_class, 0), float(marsh));
}

TEST(AccountingWetlands, FlickerThroughAFlatEarnsNoEfReAboveTheNaturalStock)
{
  // Marsh at its stock reads as flat for two years (a relabel: the soil stays), then marsh again:
  // EF_RE stops at the class's own stock ("until stocks are equivalent to natural settings").
  auto const o = run_one(start_as(marsh, 0, {flat, flat, marsh, marsh, marsh}));
  auto const r = o.r();
  for (int y = 0; y <= 5; ++y) EXPECT_NEAR(r.stock(y, sb_c_soil, 0), marsh_soil, tol) << y;
  for (int y = 1; y <= 5; ++y) EXPECT_EQ(r.flux(y, fb_net, 0), 0.0f) << y;
}

TEST(AccountingWetlands, MarshSoilKeepsItsDepthWhenNoRuleConvertsIt)
{
  // Marsh (0-100 cm) to grassland (0-30 cm, 45 Mg C/ha): Eq. 2.25 would subtract across depths;
  // the pool keeps its 200 Mg C/ha and its depth, and the pixel is flagged.
  auto const o = run_one(start_as(marsh, 0, {grassland, grassland, grassland}));
  auto const r = o.r();
  EXPECT_NEAR(r.stock(3, sb_c_soil, 0), marsh_soil, tol);
  EXPECT_EQ(r.stock(3, sb_soil_depth, 0), 100.0f);
  EXPECT_TRUE(int(r.flux(3, fb_events, 0)) & event_depth_kept);
  EXPECT_NEAR(r.stock(3, sb_c_above, 0), grass_after_above, tol);  // the biomass rules still apply
}

TEST(AccountingWetlands, ExtractedSoilDecaysWithTheModelsHalfLifeWhereItGivesOne)
{
  // A model option (as InVEST's half-lives): half-life 2 years on the pond. Booked in 2002 after
  // one year pending: two years of decay by then, 200 x 0.5^(2/2) = 100, then 200 x 0.5^(3/2).
  auto const o = run_one(start_as(marsh, 0, {pond, pond, pond}), 1, 2, NAN,
                         [](accounting_params& p) { p.tables.sets[6].soil_half_life = 2; });
  auto const r = o.r();
  EXPECT_NEAR(r.stock(2, sb_c_soil, 0), marsh_soil * 0.5, 1e-3);
  EXPECT_NEAR(r.stock(3, sb_c_soil, 0), marsh_soil * std::pow(0.5, 1.5), 1e-3);
  EXPECT_TRUE(int(r.flux(3, fb_events, 0)) & event_extraction);
  EXPECT_NEAR(r.flux(3, fb_losses, 0), marsh_soil * (0.5 - std::pow(0.5, 1.5)), 1e-3);
}

TEST(AccountingWetlands, FiveYearMapsCatchUpEveryYearOfRestoration)
{
  // Maps every 5 years: marsh seen in 2005, booked in 2010 (clock: 1 step before the interval,
  // as Eq. 2.25's), then 5 yearly steps: 6 x EF_RE by 2010, 11 x by 2015.
  auto const o = run_one(start_as(flat, 0, {marsh, marsh, marsh}), 5);
  auto const r = o.r();
  EXPECT_NEAR(r.stock(2, sb_c_soil, 0), 6 * marsh_ef_re, tol);
  EXPECT_NEAR(r.stock(3, sb_c_soil, 0), 11 * marsh_ef_re, tol);
  EXPECT_NEAR(r.flux(3, fb_net, 0), marsh_ef_re, tol);  // per year
}

TEST(AccountingWetlands, RecolonizedMarshGetsNoEfReAndIsFlagged)
{
  // The Supplement's Tier 1: revegetation by recolonization (no planting or reseeding) has EF_RE 0.
  auto const o = run_one(start_as(flat, 0, {marsh, marsh, marsh}), 1, 2, NAN,
                         [](accounting_params& p) { p.restoration_planted = 0; });
  auto const r = o.r();
  for (int y = 2; y <= 3; ++y) {
    EXPECT_EQ(r.flux(y, fb_net, 0), 0.0f) << y;
    EXPECT_TRUE(int(r.flux(y, fb_events, 0)) & event_recolonized) << y;
    EXPECT_FALSE(int(r.flux(y, fb_events, 0)) & event_restoration) << y;
  }
}

TEST(AccountingWetlands, MarshDugIntoAPondEmitsItsWholeSoilInTheBookingYear)
{
  auto const o = run_one(start_as(marsh, 0, {marsh, pond, pond, pond}));
  auto const r = o.r();
  EXPECT_NEAR(total(r, 2), marsh_soil, tol);  // pond seen in 2002, not yet confirmed
  EXPECT_EQ(r.stock(3, sb_soil_depth, 0), 100.0f);  // what is left of the pool keeps its depth
  EXPECT_NEAR(total(r, 3), 0.0, tol);
  EXPECT_NEAR(r.flux(3, fb_net, 0), -marsh_soil, tol);
  EXPECT_NEAR(r.flux(3, fb_soil, 0), -marsh_soil, tol);
  EXPECT_NEAR(r.flux(3, fb_losses, 0), marsh_soil, tol);
  EXPECT_TRUE(int(r.flux(3, fb_events, 0)) & event_extraction);
  EXPECT_NEAR(r.flux(4, fb_net, 0), 0.0, tol);  // nothing left to lose, nothing gained
}

TEST(AccountingWetlands, DrainedMarshLosesEfDrEachYearUntilNoSoilIsLeft)
{
  // A marsh of 12 Mg C/ha farmed from 2001, booked in 2002: two years of EF_DR 5 by then (the
  // booking catches up the year it waited), 12 -> 2 -> 0, never below zero; the soil does not also
  // move toward the farm's own stock (Eq. 2.25 gives way to the coastal rule).
  pixel_series s = start_as(marsh, 0, {farm, farm, farm, farm, farm});
  s.soil = 12;
  auto const o = run_one(s);
  auto const r = o.r();
  double const want[] = {12, 12, 2, 0, 0, 0};
  for (int y = 0; y <= 5; ++y) EXPECT_NEAR(r.stock(y, sb_c_soil, 0), want[y], tol) << y;
  EXPECT_TRUE(int(r.flux(2, fb_events, 0)) & event_drainage);
  EXPECT_TRUE(int(r.flux(3, fb_events, 0)) & event_drainage);   // the last 2
  EXPECT_FALSE(int(r.flux(4, fb_events, 0)) & event_drainage);  // nothing left: nothing drained
  EXPECT_EQ(r.flux(2, fb_category, 0), 35.0f);  // wetland (4) converted to cropland (3)
}

TEST(AccountingWetlands, RemainingWetlandBuriesOnlyWhereTheModelChoosesABurialRate)
{
  auto const tier1 = run_one(start_as(inland_marsh, 0, {inland_marsh, inland_marsh}));
  EXPECT_EQ(tier1.r().flux(2, fb_net, 0), 0.0f);
  auto const burial = run_one(start_as(inland_marsh, 0, {inland_marsh, inland_marsh}), 1, 2, NAN,
                              [](accounting_params& p) { p.tables.sets[8].burial = inland_burial; });
  EXPECT_NEAR(burial.r().flux(1, fb_net, 0), inland_burial, tol);
  EXPECT_NEAR(burial.r().stock(2, sb_c_soil, 0), inland_soil + 2 * inland_burial, tol);
}

TEST(AccountingWetlands, InlandMarshBecomingCoastalMarshRestoresFromTheFirstSighting)
{
  // Inland marsh does not restore (no EF_RE of its own), so inland -> coastal marsh is a change the
  // Supplement books: EF_RE from the booking year, on top of the soil the marsh had.
  // The pool holds carbon, so it keeps its 0-30 cm depth (it is not relabelled as 0-100 cm).
  auto const o = run_one(start_as(inland_marsh, 0, {marsh, marsh, marsh}));
  EXPECT_NEAR(o.r().stock(3, sb_c_soil, 0), inland_soil + 3 * marsh_ef_re, tol);
  EXPECT_EQ(o.r().stock(3, sb_soil_depth, 0), 30.0f);
}
