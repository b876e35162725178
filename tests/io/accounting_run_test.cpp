// The yearly accounting through `sinkmap run` on a six-year land-cover series built from the
// bundled WorldCover crop (2020 v100 and 2021 v200 maps in the order A B B A A B, so real class
// changes are confirmed, reverted and left pending): stocks and sinks add up per zone and in
// total, a run continued from its state equals the full run bit for bit, the tile size and the
// threads do not change a value, and a start state that does not fit is refused by name.
#include "core/error.hpp"
#include "jobs/run_job.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gtest/gtest.h>
#include <gdal_priv.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

std::string const map_a =
  (test::source_dir() / "data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2020_v100_crop_Map.tif").string();
std::string const map_b =
  (test::source_dir() / "data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2021_v200_crop_Map.tif").string();
std::string const zones = (test::source_dir() / "data-samples/worldcover-n00e006-crop/zones.geojson").string();

// Years 2016..2021 with maps A B B A A B; [first, last] of them, continuing from `start_state`.
std::string series_toml(int first, int last, std::string const& output, std::string const& extra = "")
{
  char const* order = "ABBAAB";
  std::string t = "output = \"" + output + "\"\nmodel = \"north_china_2019\"\ncrosswalk = \"esa_worldcover\"\n" +
                  "quicklooks = false\ncube = false\n" + extra + "[zones]\nfile = \"" + zones + "\"\nfield = \"name\"\n";
  for (int y = first; y <= last; ++y)
    t += "[[years]]\nyear = " + std::to_string(y) + "\nlandcover = \"" + (order[y - 2016] == 'A' ? map_a : map_b) + "\"\n";
  return t;
}

jobs::run_outputs run_series(test::temp_dir const& tmp, std::string const& name, int first, int last,
                             std::string const& extra = "", int tile = 0, int threads = 0)
{
  std::string const toml = tmp.file(name + ".toml");
  std::ofstream(toml) << series_toml(first, last, tmp.file(name), extra);
  auto const cfg = jobs::load_run_config(toml);
  jobs::run_settings s;
  s.quiet = true;
  s.tile = tile;
  s.threads = threads;
  return jobs::run_one_map(cfg, s, {});
}

nlohmann::json manifest_of(jobs::run_outputs const& o)
{
  std::ifstream f(o.manifest);
  return nlohmann::json::parse(f);
}

int band_count(std::string const& f)
{
  GDALDatasetUniquePtr ds(GDALDataset::Open(f.c_str(), GDAL_OF_RASTER));
  return ds ? ds->GetRasterCount() : 0;
}

void expect_same_raster(std::string const& a, std::string const& b)
{
  int const n = band_count(a);
  ASSERT_GT(n, 0) << a;
  ASSERT_EQ(n, band_count(b)) << b;
  for (int k = 1; k <= n; ++k) {
    auto const x = test::read_band(a, k), y = test::read_band(b, k);
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      ASSERT_TRUE((std::isnan(x[i]) && std::isnan(y[i])) || x[i] == y[i])
        << a << " band " << k << " pixel " << i << ": " << x[i] << " vs " << y[i];
  }
}

}  // namespace

TEST(AccountingRun, StocksAndSinksAddUpAndAContinuedRunEqualsTheFullRun)
{
  test::temp_dir tmp;
  auto const full = run_series(tmp, "full", 2016, 2021);
  auto const m = manifest_of(full);
  ASSERT_EQ(m["years"].size(), 6u);
  ASSERT_EQ(m["sinks"].size(), 5u);
  double converted = 0, pending = 0;
  for (std::size_t t = 0; t < 5; ++t) {
    auto const& s = m["sinks"][t];
    // The filed totals add up: stock(t2) - stock(t1) = sink x years, to float rounding.
    double const before = m["years"][t]["total_mgc"], after = m["years"][t + 1]["total_mgc"];
    double const sink = s["total_mgc_per_yr"];
    EXPECT_NEAR(after - before, sink, 1e-6 * before) << t;
    for (auto const& b : s["mass_balance"]) EXPECT_LE(b["relative_residual"].get<double>(), 1e-6) << b.dump();
    for (auto const& e : s["events"])
      if (e["zone"] == "*") {
        converted += e["converted_ha"].get<double>();
        pending += e["pending_change_ha"].get<double>();
      }
    // Gains minus losses is the net of every category row. The net is each pixel's float stock
    // difference, gains and losses its float increments: they agree to float rounding (1e-5).
    for (auto const& c : s["categories"]) {
      double const g = c["gains_mgc_per_yr"], l = c["losses_mgc_per_yr"];
      EXPECT_NEAR(g - l, c["sink_mgc_per_yr"].get<double>(), 1e-5 * (1 + g + l)) << c.dump();
    }
  }
  // A -> B seen in 2017 and 2018 is booked; B -> A of 2019-2020 too; B of 2021 is pending.
  EXPECT_GT(converted, 0.0);
  EXPECT_GT(pending, 0.0);

  // 2016..2018, then 2019..2021 from state_2018.tif: the same maps, bit for bit.
  auto const first = run_series(tmp, "first", 2016, 2018);
  std::string const state = tmp.file("first/state_2018.tif");
  ASSERT_TRUE(fs::exists(state));
  auto const second = run_series(tmp, "second", 2019, 2021, "start_state = \"" + state + "\"\n");
  for (auto const* f : {"stock_2019.tif", "stock_2021.tif", "sink_2018_2019.tif", "sink_2020_2021.tif", "state_2021.tif"})
    expect_same_raster(tmp.file(std::string("full/") + f), tmp.file(std::string("second/") + f));
  auto const m2 = manifest_of(second);
  ASSERT_EQ(m2["sinks"].size(), 3u);  // 2018-2019 (from the state), 2019-2020, 2020-2021
  EXPECT_EQ(m2["sinks"][0]["total_mgc_per_yr"].get<double>(), m["sinks"][2]["total_mgc_per_yr"].get<double>());
  EXPECT_EQ(m2["sinks"][2]["total_mgc_per_yr"].get<double>(), m["sinks"][4]["total_mgc_per_yr"].get<double>());

  // Small tiles and two threads: the same maps.
  run_series(tmp, "tiled", 2016, 2021, "", 64, 2);
  for (auto const* f : {"stock_2021.tif", "sink_2017_2018.tif", "sink_2020_2021.tif", "state_2021.tif"})
    expect_same_raster(tmp.file(std::string("full/") + f), tmp.file(std::string("tiled/") + f));
}

TEST(AccountingRun, WoodRemovalsFromStatisticsAreBookedWithTheModelsBcef)
{
  // 1000 m3 of roundwood in zone "west" in 2017. The 2016 forest (WorldCover tree cover ->
  // planted broadleaf, the model's default forest) all holds the same AGB, so its BCEF_R level, R and CF are one each:
  // the extra losses are 1000 x BCEF_R x (1 + R) x CF, computed here from the model file.
  test::temp_dir tmp;
  std::string const csv = tmp.file("removals.csv");
  std::ofstream(csv) << "zone,year,roundwood_m3\nwest,2017,1000\n";
  auto const with = manifest_of(run_series(tmp, "with", 2016, 2018, "harvest = \"" + csv + "\"\n"));
  auto const without = manifest_of(run_series(tmp, "without", 2016, 2018));
  auto const& wood = with["sinks"][0]["wood_removals"];
  ASSERT_EQ(wood.size(), 1u) << with["sinks"][0].dump();
  EXPECT_EQ(wood[0]["zone"], "west");
  EXPECT_NEAR(wood[0]["booked_m3"].get<double>(), 1000.0, 1e-3);
  EXPECT_TRUE(with["sinks"][1]["wood_removals"].empty());

  std::ifstream mf(test::source_dir() / "models/carbon/north_china_2019.json");
  auto const model = nlohmann::json::parse(mf);
  auto const& forest = model["classes"]["plantation_broadleaf"];
  double const cf = model["factors"]["cf_forest"]["value"];
  auto const obs = test::read_band(tmp.file("with/observed_stock_2016.tif"), 1);  // agb
  auto const cls = test::read_band(tmp.file("with/observed_stock_2016.tif"), 8);  // ecosystem_class
  double agb = NAN;
  for (std::size_t i = 0; i < cls.size(); ++i)
    if (cls[i] == forest["id"].get<float>()) {
      if (std::isnan(agb)) agb = obs[i];
      ASSERT_EQ(obs[i], float(agb)) << i;
    }
  ASSERT_FALSE(std::isnan(agb));
  std::string const ref = forest["bcef"];
  auto const& steps = model["factors"][ref.substr(1)]["steps"];
  double bcef_r = NAN;
  for (auto const& st : steps)
    if (!st.contains("growing_stock_below") ||
        agb / st["bcef_s"]["value"].get<double>() < st["growing_stock_below"].get<double>()) {
      bcef_r = st["bcef_r"]["value"];
      break;
    }
  double r = NAN;
  for (auto const& st : forest["root_to_shoot"]["steps"])
    if (!st.contains("agb_at_most") || agb <= st["agb_at_most"].get<double>()) {
      r = st["ratio"]["value"];
      break;
    }
  double const removed_c = 1000 * bcef_r * (1 + r) * cf;
  double const extra_losses = with["sinks"][0]["losses_mgc_per_yr"].get<double>() -
                              without["sinks"][0]["losses_mgc_per_yr"].get<double>();
  EXPECT_NEAR(extra_losses, removed_c, 1e-4 * removed_c) << "AGB " << agb << " BCEF_R " << bcef_r << " R " << r;
  for (auto const& b : with["sinks"][0]["mass_balance"]) EXPECT_LE(b["relative_residual"].get<double>(), 1e-6);
  EXPECT_FALSE(with.contains("statistics_check"));  // Sao Tome lies outside the model's region

  // Fuelwood removed as whole trees (FG_trees of Eq. 2.13) converts as roundwood does:
  // 600 m3 of roundwood and 400 of fuelwood lose what 1000 m3 of roundwood lose.
  std::ofstream(csv) << "zone,year,roundwood_m3,fuelwood_trees_m3\nwest,2017,600,400\n";
  auto const fuel = manifest_of(run_series(tmp, "fuel", 2016, 2018, "harvest = \"" + csv + "\"\n"));
  auto const& fw = fuel["sinks"][0]["wood_removals"];
  ASSERT_EQ(fw.size(), 1u) << fuel["sinks"][0].dump();
  EXPECT_EQ(fw[0]["roundwood_m3"].get<double>(), 600.0);
  EXPECT_EQ(fw[0]["fuelwood_trees_m3"].get<double>(), 400.0);
  EXPECT_NEAR(fw[0]["booked_m3"].get<double>(), 1000.0, 1e-3);
  double const fuel_losses = fuel["sinks"][0]["losses_mgc_per_yr"].get<double>() -
                             without["sinks"][0]["losses_mgc_per_yr"].get<double>();
  EXPECT_NEAR(fuel_losses, removed_c, 1e-4 * removed_c);

  // Bad tables are refused before anything is written, naming the file and line.
  auto refused = [&](std::string const& body, std::string const& expect) {
    std::ofstream(csv) << body;
    try {
      run_series(tmp, "bad", 2016, 2017, "harvest = \"" + csv + "\"\n");
      ADD_FAILURE() << body;
    } catch (bad_input const& e) {
      std::string const m = e.what();
      EXPECT_NE(m.find(csv), std::string::npos) << m;
      EXPECT_NE(m.find(expect), std::string::npos) << m;
    }
    EXPECT_FALSE(fs::exists(tmp.file("bad/run.json")));
  };
  refused("zone,year,roundwood_m3\nnowhere,2017,10\n", "line 2: zone 'nowhere' is not in the run's zone file");
  refused("zone,year,roundwood_m3\nwest,2017,-5\n", "line 2: roundwood_m3 -5 is not a volume");
  refused("zone,year,roundwood_m3\nwest,2017,5\nwest,2017,6\n", "line 3: zone 'west' year 2017 is given twice");
  refused("zone,year,volume\nwest,2017,5\n", "no column 'roundwood_m3'");
  refused("zone,year,roundwood_m3\nwest,20x7,5\n", "line 2 year");
  refused("zone,year,fuelwood_trees_m3\nwest,2017,-1\n", "line 2: fuelwood_trees_m3 -1 is not a volume");
  refused("zone,year,roundwood_m3,fuelwood_parts_m3\nwest,2017,5,5\n", "needs the basic wood density D");
  refused("zone,year,roundwood_m3,fuelwod_m3\nwest,2017,5,5\n", "column 'fuelwod_m3' is not a volume sinkmap books");
}

TEST(AccountingRun, ForestBiomassDensityIsSetBesideTheProvincialInventory)
{
  // A generated GLC_FCS30 map in Shandong (UTM 50N), half deciduous broadleaf forest, half
  // rainfed cropland, mapped in 2008 and 2010: inside the model's region the run sets its forest
  // biomass carbon density beside Zhang et al. 2018's Shandong inventory (22.26 Mg C/ha in
  // 2004-2008). By hand: deciduous broadleaf forest is planted broadleaf in north_china_2019
  // (93.8 % of Shandong's forest is planted), young: AGB 15, R 0.307, CF 0.47. The bundled
  // climate-zone map puts the grid (117 E, 36.1 N) in the warm temperate dry zone.
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.width = 16;
  spec.height = 8;
  spec.bands = 1;
  spec.has_nodata = false;
  std::vector<std::uint16_t> lc(std::size_t(spec.width * spec.height));
  for (std::size_t i = 0; i < lc.size(); ++i) lc[i] = (i % std::size_t(spec.width)) < 8 ? 61 : 10;
  std::string const map = tmp.file("glc_fcs30_lc.tif");
  test::write_u16(map, spec, lc);
  std::string const zones_file = tmp.file("county.geojson");
  std::ofstream(zones_file)
    << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},)"
    << R"("features":[{"type":"Feature","properties":{"name":"county"},"geometry":{"type":"Polygon","coordinates":)"
    << "[[[500000,3999760],[500480,3999760],[500480,4000000],[500000,4000000],[500000,3999760]]]}}]}";
  std::string const toml = tmp.file("shandong.toml");
  std::ofstream(toml) << "output = \"" << tmp.file("out") << "\"\nmodel = \"north_china_2019\"\nquicklooks = false\ncube = false\n"
                      << "[zones]\nfile = \"" << zones_file << "\"\nfield = \"name\"\n"
                      << "[[years]]\nyear = 2008\nlandcover = \"" << map << "\"\n"
                      << "[[years]]\nyear = 2010\nlandcover = \"" << map << "\"\n";
  jobs::run_settings quiet;
  quiet.quiet = true;
  auto const m = manifest_of(jobs::run_one_map(jobs::load_run_config(toml), quiet, {}));
  ASSERT_TRUE(m.contains("statistics_check")) << m.dump();
  auto const& y0 = m["statistics_check"]["years"][0];
  double const density = 15 * (1 + 0.307) * 0.47;
  EXPECT_EQ(y0["year"], 2008);
  EXPECT_NEAR(y0["forest_ha"].get<double>(), 8 * 8 * 0.09, 1e-9);
  EXPECT_NEAR(y0["biomass_c_density_mgc_per_ha"].get<double>(), density, 1e-4);
  EXPECT_EQ(y0["published_period"], "2004-2008");
  EXPECT_NEAR(y0["ratio"].get<double>(), density / 22.26, 1e-5);
  EXPECT_EQ(m["statistics_check"]["years"][1]["published_period"], "2009-2013");
  {  // the zone came from the model's bundled map, and the stock map says so
    GDALDatasetUniquePtr ds(GDALDataset::Open(tmp.file("out/observed_stock_2008.tif").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    std::string const zone = ds->GetMetadataItem("SINKMAP_CLIMATE_ZONE");
    EXPECT_NE(zone.find("north_china_climate_zones.tif"), std::string::npos) << zone;
    EXPECT_NE(zone.find("(model default)"), std::string::npos) << zone;
  }
  // 9.2 against 22.26 is less than half: warned.
  bool warned = false;
  for (auto const& w : m["warnings"]) warned |= w.get<std::string>().find("forest biomass carbon density 2008") != std::string::npos;
  EXPECT_TRUE(warned) << m["warnings"].dump();
  // The sink per hectare beside 1.85 Tg C/a over the mean of 156.12 and 161.44 x 10^4 ha.
  EXPECT_NEAR(m["statistics_check"]["sinks"][0]["published_mgc_per_ha_yr"].get<double>(),
              1.85e6 / ((156.12 + 161.44) / 2 * 1e4), 1e-9);
  // Off when asked (into another folder: this process noted the first run's maps as inputs).
  std::string text;
  {
    std::ifstream f(toml);
    text.assign(std::istreambuf_iterator<char>(f), {});
  }
  text.replace(text.find(tmp.file("out")), tmp.file("out").size(), tmp.file("off"));
  std::ofstream(toml) << "statistics_check = false\n" << text;
  EXPECT_FALSE(manifest_of(jobs::run_one_map(jobs::load_run_config(toml), quiet, {})).contains("statistics_check"));
}

TEST(AccountingRun, StartStateThatDoesNotFitIsRefusedByName)
{
  test::temp_dir tmp;
  run_series(tmp, "first", 2016, 2017);
  std::string const state = tmp.file("first/state_2017.tif");
  auto refused = [&](std::string const& name, int first, std::string const& extra, std::string const& expect) {
    try {
      run_series(tmp, name, first, first + 1, extra);
      ADD_FAILURE() << name << ": accepted";
    } catch (bad_input const& e) {
      EXPECT_NE(std::string(e.what()).find(expect), std::string::npos) << name << ": " << e.what();
    }
    EXPECT_FALSE(fs::exists(tmp.file(name + "/stock_" + std::to_string(first) + ".tif"))) << name;
  };
  refused("too_late", 2017, "start_state = \"" + state + "\"\n", "is the state of 2017");
  refused("other_rules", 2018, "start_state = \"" + state + "\"\nconfirm_years = 3\n", "confirm_years = 2");
  refused("other_dnbr", 2018, "start_state = \"" + state + "\"\ndnbr_threshold = 0.5\n", "dnbr_threshold = ");
  refused("not_a_state", 2018, "start_state = \"" + map_a + "\"\n", "is not a carbon state");

  // The same state on another grid (shifted by a pixel) and from another model file.
  auto copy_with = [&](std::string const& name, auto&& change) {
    std::string const f = tmp.file(name + ".tif");
    fs::copy_file(state, f);
    GDALDatasetUniquePtr ds(GDALDataset::Open(f.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
    change(*ds);
    return f;
  };
  std::string const shifted = copy_with("shifted", [](GDALDataset& ds) {
    double gt[6];
    ds.GetGeoTransform(gt);
    gt[0] += gt[1];
    ds.SetGeoTransform(gt);
  });
  refused("other_grid", 2018, "start_state = \"" + shifted + "\"\n", "start_state '" + shifted + "'");
  std::string const other_model = copy_with("other_model", [](GDALDataset& ds) {
    ds.SetMetadataItem("SINKMAP_MODEL_SHA256", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  });
  refused("other_model", 2018, "start_state = \"" + other_model + "\"\n", "another model");

  // confirm_years out of range is named with its line.
  std::ofstream(tmp.file("zero.toml")) << series_toml(2016, 2017, tmp.file("zero"), "confirm_years = 0\n");
  try {
    jobs::load_run_config(tmp.file("zero.toml"));
    ADD_FAILURE() << "confirm_years = 0 accepted";
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("confirm_years"), std::string::npos) << e.what();
  }
}
