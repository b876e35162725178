// The North China parameter library: every number that cites ../shared/data/ipcc-factors equals
// its row (read with GDAL's CSV driver, an independent reader); crosswalks against their
// legends; stocks per class worked by hand for a small map, with and without a forest-type map
// and in two climate zones; a model with new classes needs no code change; the region check;
// and bad input naming file and field.
#include "core/error.hpp"
#include "io/map_metadata.hpp"
#include "jobs/montecarlo_job.hpp"
#include "jobs/stock_job.hpp"
#include "models/carbon_model.hpp"
#include "models/crosswalk.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <fstream>
#include <functional>
#include <map>

using namespace sinkmap;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

fs::path models_dir() { return test::source_dir() / "models"; }

json read_json(fs::path const& p)
{
  std::ifstream f(p);
  return json::parse(f);
}

// Calls f(leaf, path) on every object of `j` that has a "csv" key.
void each_cited(json const& j, std::string const& path, std::function<void(json const&, std::string const&)> const& f)
{
  if (j.is_object()) {
    if (j.contains("csv")) f(j, path);
    for (auto const& [k, v] : j.items()) each_cited(v, path + "." + k, f);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) each_cited(j[i], path + "[" + std::to_string(i) + "]", f);
  }
}

// The rows of a CSV file whose columns equal every key=value of `selector`.
std::vector<std::map<std::string, std::string>> rows_matching(fs::path const& csv, std::string const& selector)
{
  std::map<std::string, std::string> want;
  std::size_t pos = 0;
  while (pos < selector.size()) {
    std::size_t const end = std::min(selector.find(';', pos), selector.size());
    std::string const kv = selector.substr(pos, end - pos);
    want[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    pos = end + 1;
  }
  GDALDatasetUniquePtr ds(GDALDataset::Open(csv.string().c_str(), GDAL_OF_VECTOR));
  std::vector<std::map<std::string, std::string>> out;
  if (!ds) return out;
  for (auto const& feat : *ds->GetLayer(0)) {
    bool ok = true;
    for (auto const& [k, v] : want) ok &= feat->GetFieldAsString(k.c_str()) == v;
    if (!ok) continue;
    std::map<std::string, std::string> row;
    for (int i = 0; i < feat->GetFieldCount(); ++i)
      row[feat->GetFieldDefnRef(i)->GetNameRef()] = feat->GetFieldAsString(i);
    out.push_back(row);
  }
  return out;
}

double num(std::string const& s) { return std::stod(s); }

}  // namespace

TEST(ParameterLibrary, EveryCitedNumberEqualsItsRowOfTheIpccTables)
{
  fs::path const dir = test::shared_data() / "ipcc-factors";
  if (!fs::exists(dir)) GTEST_SKIP() << "no " << dir;
  GDALAllRegister();
  json const lib = read_json(models_dir() / "carbon/north_china_2019.json");
  int checked = 0, wetland_rows = 0, volume_rows = 0, litter_rows = 0, tier1_growth_rows = 0;
  each_cited(lib, "", [&](json const& leaf, std::string const& path) {
    std::string const csv = leaf["csv"];
    std::string const file = csv.substr(0, csv.find('#'));
    if (file == "wetlands_2013.csv") {
      // Wetlands Supplement defaults (EFDB): the value times the leaf's declared sign and scale
      // (EF_RE is stored negative as a removal; the carbon fraction as a percentage).
      auto const rows = rows_matching(dir.parent_path() / "ipcc-wetlands" / file, csv.substr(csv.find('#') + 1));
      ASSERT_EQ(rows.size(), 1u) << path << ": " << csv;
      double const f = leaf.value("csv_sign", 1.0) * leaf.value("csv_scale", 1.0);
      EXPECT_NEAR(leaf["value"].get<double>(), num(rows[0].at("value")) * f, 1e-9) << path;
      ++wetland_rows;
      return;
    }
    if (file == "china_bef_coefficients.csv") {
      // Shandong's B = aV + b fits: the leaf's value equals the column it names, as printed.
      auto const rows = rows_matching(dir.parent_path() / "china-forest-bef" / file, csv.substr(csv.find('#') + 1));
      ASSERT_EQ(rows.size(), 1u) << path << ": " << csv;
      std::string const column = leaf.at("csv_column");
      EXPECT_DOUBLE_EQ(leaf["value"].get<double>(), num(rows[0].at(column))) << path;
      EXPECT_NE(rows[0].at("publication").find("Shandong"), std::string::npos) << path;
      ++volume_rows;
      return;
    }
    if (file == "china_plantation_litter.csv") {
      // A Chinese measurement copied into the repository (models/carbon/sources) beside its quote:
      // the value as printed, its SD the between-type CV the paper prints times the value.
      auto const rows = rows_matching(models_dir() / "carbon/sources" / file, csv.substr(csv.find('#') + 1));
      ASSERT_EQ(rows.size(), 1u) << path << ": " << csv;
      double const v = num(rows[0].at(leaf.at("csv_column").get<std::string>()));
      EXPECT_DOUBLE_EQ(leaf["value"].get<double>(), v) << path;
      EXPECT_NEAR(leaf["sd"].get<double>(), v * num(rows[0].at("cv_between_types_pct")) / 100, 1e-5 * v) << path;  // 6 digits
      EXPECT_NE(rows[0].at("quote").find(rows[0].at("value")), std::string::npos) << path;
      ++litter_rows;
      return;
    }
    auto const rows = rows_matching(dir / file, csv.substr(csv.find('#') + 1));
    ASSERT_EQ(rows.size(), 1u) << path << ": " << csv;
    auto const& r = rows[0];
    if (leaf.contains("notation")) {  // NA: the table has no value there
      EXPECT_TRUE(r.count("value") ? r.at("value").empty() : true) << path;
      ++checked;
      return;
    }
    double const v = leaf["value"];
    bool const range = leaf.contains("range");
    std::string const raw = r.count("value_raw") ? r.at("value_raw") : "";
    if (file == "forest_2019.csv") {
      if (range) {
        EXPECT_DOUBLE_EQ(leaf["range"][0].get<double>(), num(r.at("lower"))) << path;
        EXPECT_DOUBLE_EQ(leaf["range"][1].get<double>(), num(r.at("upper"))) << path;
        EXPECT_NEAR(v, (num(r.at("lower")) + num(r.at("upper"))) / 2, 1e-9) << path;
      } else {
        EXPECT_DOUBLE_EQ(v, num(r.at("value"))) << path;
      }
      // A growth row's printed SD describes the spread of its studies, not the uncertainty of the
      // mean: it is kept as spread_sd and the IPCC Tier 1 default of +-90 % is the 95 % interval.
      bool const tier1_default = leaf.contains("spread_sd");
      if (!r.at("sd").empty())
        EXPECT_DOUBLE_EQ(leaf.at(tier1_default ? "spread_sd" : "sd").get<double>(), num(r.at("sd"))) << path;
      if (tier1_default) {
        EXPECT_FALSE(leaf.contains("sd")) << path;
        EXPECT_NEAR(leaf.at("ci95")[0].get<double>(), v * 0.1, 1e-9) << path;
        EXPECT_NEAR(leaf.at("ci95")[1].get<double>(), v * 1.9, 1e-9) << path;
        ++tier1_growth_rows;
      } else if (!range && !r.at("lower").empty() && !r.at("upper").empty()) {
        EXPECT_DOUBLE_EQ(leaf["ci95"][0].get<double>(), num(r.at("lower"))) << path;
        EXPECT_DOUBLE_EQ(leaf["ci95"][1].get<double>(), num(r.at("upper"))) << path;
      }
    } else {
      EXPECT_DOUBLE_EQ(v, num(raw)) << path;
    }
    // "+-N%" uncertainties: a 95 % interval of +-N % of the value.
    std::string const unc = r.at("uncertainty_raw");
    if (unc.rfind("\xC2\xB1", 0) == 0 && unc.find('%') != std::string::npos && leaf.contains("ci95")) {
      double const pct = num(unc.substr(2, unc.find('%') - 2)) / 100;
      if (file == "forest_2019.csv" || path.find("cf_forest") == std::string::npos) {
        EXPECT_NEAR(leaf["ci95"][0].get<double>(), v * (1 - pct), 1e-6 * v) << path;
        EXPECT_NEAR(leaf["ci95"][1].get<double>(), v * (1 + pct), 1e-6 * v) << path;
      }
    }
    ++checked;
  });
  EXPECT_GE(checked, 40);
  EXPECT_GE(wetland_rows, 10);
  EXPECT_GE(volume_rows, 14);  // a and b of the seven classes with a Shandong fit
  EXPECT_GE(litter_rows, 4);    // poplar, Robinia, Chinese pine and the weighted mean
  EXPECT_GE(tier1_growth_rows, 2);
}

TEST(ParameterLibrary, EveryPublishedStatisticEqualsItsRow)
{
  // models/statistics/*.json against the rows they cite in ../shared/data/china-forest-stats:
  // value, unit and period.
  fs::path const dir = test::shared_data() / "china-forest-stats";
  if (!fs::exists(dir)) GTEST_SKIP() << "no " << dir;
  GDALAllRegister();
  int checked = 0;
  for (auto const& e : fs::directory_iterator(models_dir() / "statistics")) {
    json const table = read_json(e.path());
    each_cited(table, e.path().filename().string(), [&](json const& leaf, std::string const& path) {
      std::string const csv = leaf["csv"];
      auto const rows = rows_matching(dir / csv.substr(0, csv.find('#')), csv.substr(csv.find('#') + 1));
      ASSERT_EQ(rows.size(), 1u) << path << ": " << csv;
      EXPECT_DOUBLE_EQ(leaf["value"].get<double>(), num(rows[0].at("value"))) << path;
      EXPECT_EQ(leaf["unit"].get<std::string>(), rows[0].at("unit")) << path;
      EXPECT_NE(leaf["source"].get<std::string>().find(rows[0].at("period")), std::string::npos) << path;
      ++checked;
    });
  }
  EXPECT_GE(checked, 7);
}

TEST(ParameterLibrary, EveryCrosswalkCoversItsLegendAndNamesTheModelsClasses)
{
  int files = 0;
  for (auto const& e : fs::recursive_directory_iterator(models_dir() / "crosswalks")) {
    if (e.path().extension() != ".json") continue;
    json const j = read_json(e.path());
    ASSERT_TRUE(j.contains("legend")) << e.path();
    ASSERT_TRUE(j.contains("source")) << e.path();
    std::set<std::string> covered;
    for (auto const& [code, cls] : j["codes"].items()) {
      EXPECT_TRUE(j["legend"].contains(code)) << e.path() << ": code " << code << " is not in the legend";
      covered.insert(code);
    }
    for (auto const& code : j["nodata"]) covered.insert(std::to_string(code.get<int>()));
    for (auto const& [code, label] : j["legend"].items())
      EXPECT_TRUE(covered.count(code)) << e.path() << ": legend code " << code << " (" << label << ") has no entry";
    ++files;
  }
  EXPECT_GE(files, 12);
  // The crosswalks a shipped model lists resolve against it (every class name exists).
  for (std::string const name : {"north_china_2019", "north_china_tier1"}) {
    auto const m = models::load_carbon_model(models::resolve_model_path(name));
    for (auto const& [cw, path] : m.crosswalks) {
      auto const c = models::load_crosswalk(path);
      if (c.kind == "climate_zone") EXPECT_NO_THROW(models::zone_lookup(c, m)) << path;
      else EXPECT_NO_THROW(models::class_lookup(c, m)) << path;
    }
  }
  // The audit's fixes: orchards are perennial cropland, flats are unvegetated.
  auto const m = models::load_carbon_model(models::resolve_model_path("north_china_2019"));
  auto const glc = models::class_lookup(models::load_crosswalk(m.crosswalks.at("glc_fcs30")), m);
  EXPECT_EQ(m.class_name(glc.class_of(12)), "perennial_cropland");
  EXPECT_EQ(m.class_name(glc.class_of(183)), "unvegetated_flat");
  EXPECT_EQ(m.class_name(glc.class_of(187)), "unvegetated_flat");
  auto const flat = m.tables->sets[kernels::param_set(*m.tables, *m.class_id("unvegetated_flat"), 0, 0)];
  EXPECT_EQ(flat.form, kernels::agb_form::none);
}

namespace {

// A 4 x 2 GLC_FCS30 map in Shandong (UTM 50N) with forest, cropland and flats.
struct small_map {
  test::temp_dir tmp;
  test::raster_spec spec;
  std::string landcover, types, zones;
  /// Placed by default at 117 E 36.1 N; another place by EPSG code and upper-left corner.
  explicit small_map(int epsg = 32650, double x = 500000, double y = 4000000, double pixel = 30)
  {
    spec.epsg = epsg;
    spec.origin_x = x;
    spec.origin_y = y;
    spec.pixel = pixel;
    spec.width = 4;
    spec.height = 2;
    spec.bands = 1;
    spec.has_nodata = false;
    spec.block = 16;
    spec.tiled = false;
    landcover = tmp.file("glc_fcs30_lc.tif");
    //            deciduous forest x2, rainfed crop, orchard / tidal flat, closed broadleaf, water, nodata
    test::write_u16(landcover, spec, {61, 62, 10, 12, 187, 62, 210, 0});
    types = tmp.file("types.tif");
    test::write_u16(types, spec, {0, 1, 1, 0, 2, 3, 0, 0});  // poplar on a forest and a crop pixel
    zones = tmp.file("zones.tif");
    test::write_u16(zones, spec, {1, 1, 1, 1, 2, 2, 2, 2});  // dry top row, moist bottom row
  }
  std::vector<float> stock(std::function<void(jobs::stock_job_options&)> const& set)
  {
    jobs::stock_job_options o;
    o.carbon.landcover = landcover;
    o.output = tmp.file("stock.tif");
    o.run.quiet = true;
    set(o);
    jobs::run_stock_job(o);
    return test::read_band(o.output, 7);  // c_total
  }
};

// Hand-computed Tier 1 stocks (Mg C / ha) from the library's numbers, 0-30 cm HAC soils.
// deciduous broadleaf forest is planted broadleaf (the model's default forest), young: AGB 15,
// R 0.307 (<= 125), CF 0.47, litter 1.37 (Gansu plantations' weighted mean, any zone), SOC 38 (dry)
double const forest_dry = (15 + 15 * 0.307) * 0.47 + 1.37 + 38;
double const forest_moist = (15 + 15 * 0.307) * 0.47 + 1.37 + 88;  // moist: SOC 88
// poplar plantation, young: AGB 66.74, planted broadleaf R 0.307, poplar litter 0.81
double const poplar_dry = (66.74 + 66.74 * 0.307) * 0.47 + 0.81 + 38;
// Robinia young (type 2) on a tidal flat stays a flat (the type map refines forest only);
// Chinese pine young (type 3) in the moist zone: AGB 34.02, planted conifer R 0.224, litter 2.69.
double const pine_moist = (34.02 + 34.02 * 0.224) * 0.47 + 2.69 + 88;
// annual cropland: 5.0 Mg C/ha biomass (R 0), SOC 38 x F_LU 0.80; orchards: 63 Mg C, SOC 38 x 1.0
double const crop_dry = 5.0 + 38 * 0.80;
double const orchard_dry = 63.0 + 38 * 1.0;

}  // namespace

TEST(ParameterLibrary, StockPerClassByHandWithAndWithoutForestTypesInTwoClimateZones)
{
  small_map m;
  // Without a type map: the model's bundled zone map puts 117 E 36.1 N in warm temperate dry.
  auto const a = m.stock([](auto&) {});
  EXPECT_NEAR(a[0], forest_dry, 1e-4);
  EXPECT_NEAR(a[1], forest_dry, 1e-4);
  EXPECT_NEAR(a[2], crop_dry, 1e-4);
  EXPECT_NEAR(a[3], orchard_dry, 1e-4);
  EXPECT_EQ(a[4], 0.0f);  // tidal flat: no biomass, soil NE
  EXPECT_NEAR(a[5], forest_dry, 1e-4);
  EXPECT_EQ(a[6], 0.0f);  // water
  EXPECT_TRUE(std::isnan(a[7]));  // nodata
  // With the forest-type map and the climate-zone map.
  auto const b = m.stock([&](jobs::stock_job_options& o) {
    o.carbon.forest_type = m.types;
    o.carbon.climate_zone_map = m.zones;
  });
  EXPECT_NEAR(b[0], forest_dry, 1e-4);
  EXPECT_NEAR(b[1], poplar_dry, 1e-4);  // forest refined to poplar
  EXPECT_NEAR(b[2], crop_dry, 1e-4);    // a crop pixel stays cropland
  EXPECT_EQ(b[4], 0.0f);
  EXPECT_NEAR(b[5], pine_moist, 1e-4);
  EXPECT_TRUE(std::isnan(b[7]));
  // One zone for the whole map by name.
  auto const c = m.stock([](jobs::stock_job_options& o) { o.carbon.climate_zone = "warm_temperate_moist"; });
  EXPECT_NEAR(c[0], forest_moist, 1e-4);
  EXPECT_NEAR(c[2], 5.0 + 88 * 0.69, 1e-4);
  // The choices are recorded in the output.
  GDALDatasetUniquePtr ds(GDALDataset::Open(m.tmp.file("stock.tif").c_str(), GDAL_OF_RASTER));
  EXPECT_STREQ(ds->GetMetadataItem("SINKMAP_CLIMATE_ZONE"), "warm_temperate_moist");
  EXPECT_STREQ(ds->GetMetadataItem("SINKMAP_MODEL"), "north_china_2019");
  // Coastal wetland soils are 0-100 cm, the others 0-30 cm: the band says it is mixed and names each.
  EXPECT_STREQ(ds->GetMetadataItem("SINKMAP_SOIL_DEPTH_CM"), "mixed");
  std::string const depths = ds->GetMetadataItem("SINKMAP_SOIL_DEPTHS");
  EXPECT_NE(depths.find("0-30 cm (natural_forest_broadleaf"), std::string::npos) << depths;
  EXPECT_NE(depths.find("0-100 cm (mangrove, tidal_marsh"), std::string::npos) << depths;
  EXPECT_EQ(std::string(ds->GetMetadataItem("SINKMAP_MODEL_SHA256")).size(), 64u);
  EXPECT_NE(ds->GetMetadataItem("SINKMAP_CROSSWALK"), nullptr);
  EXPECT_NE(std::string(ds->GetMetadataItem("SINKMAP_AGE_CLASS")).find("young"), std::string::npos);
}

TEST(ParameterLibrary, TheBundledClimateZoneMapGivesEachPlaceItsZone)
{
  // models/climate/north_china_climate_zones.tif (IPCC 2019 zones on CRU TS 4.09, 0.5 degree):
  // the cell 116-116.5 E, 32-32.5 N (northern Anhui) is warm temperate moist, 117 E 36.1 N
  // (central Shandong) warm temperate dry; both read here with gdallocationinfo.
  auto const zone_at = [](double lon, double lat) {
    std::string const cmd = "gdallocationinfo -valonly -wgs84 " +
                            (test::source_dir() / "models/climate/north_china_climate_zones.tif").string() + " " +
                            std::to_string(lon) + " " + std::to_string(lat);
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    int code = -1;
    if (p && std::fscanf(p.get(), "%d", &code) != 1) code = -1;
    return code;
  };
  if (zone_at(117, 36.1) < 0) GTEST_SKIP() << "no gdallocationinfo";
  EXPECT_EQ(zone_at(116.2, 32.3), 5);  // IPCC code 5: warm temperate moist
  EXPECT_EQ(zone_at(117, 36.1), 6);    // IPCC code 6: warm temperate dry

  auto const zone_of = [](small_map& m) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(m.tmp.file("stock.tif").c_str(), GDAL_OF_RASTER));
    return std::string(ds->GetMetadataItem("SINKMAP_CLIMATE_ZONE"));
  };
  small_map moist(4326, 116.2, 32.3, 0.0003);
  auto const a = moist.stock([](auto&) {});
  EXPECT_NEAR(a[0], forest_moist, 1e-4);
  EXPECT_NEAR(a[2], 5.0 + 88 * 0.69, 1e-4);  // cropland on the moist SOC with moist F_LU
  EXPECT_NE(zone_of(moist).find("north_china_climate_zones.tif"), std::string::npos) << zone_of(moist);
  EXPECT_NE(zone_of(moist).find("(model default)"), std::string::npos) << zone_of(moist);
  small_map dry;  // UTM 50N, 117 E 36.1 N
  EXPECT_NEAR(dry.stock([](auto&) {})[0], forest_dry, 1e-4);
  // A zone given by name wins over the bundled map.
  EXPECT_NEAR(moist.stock([](jobs::stock_job_options& o) { o.carbon.climate_zone = "warm_temperate_dry"; })[0],
              forest_dry, 1e-4);
  EXPECT_EQ(zone_of(moist), "warm_temperate_dry");
  // A cool temperate cell (112.5 E 37.8 N, Taiyuan basin): the model has no parameters there, so
  // the pixels get no stock and a warning names the map's code and the pixel count.
  {
    small_map cool(4326, 112.5, 37.8, 0.0003);
    jobs::stock_job_options o;
    o.carbon.landcover = cool.landcover;
    o.output = cool.tmp.file("stock.tif");
    o.run.quiet = true;
    auto const r = jobs::run_stock_job(o);
    bool warned = false;
    for (auto const& w : r.warnings) warned |= w.find("8 pixels lie in cells of codes 8 (8)") != std::string::npos;
    EXPECT_TRUE(warned);
    for (float v : test::read_band(o.output, 7)) EXPECT_TRUE(std::isnan(v));
  }
  // Outside the map (Colorado) the model's default zone is used and the output says so.
  small_map away(4326, -105.0, 40.0, 0.0003);
  EXPECT_NEAR(away.stock([](auto&) {})[0], forest_dry, 1e-4);
  EXPECT_EQ(zone_of(away), "warm_temperate_dry (model default)");
}

TEST(ParameterLibrary, MonteCarloReadsTheInputsAMapRecordsWhateverTheirPaths)
{
  // A zone map whose path holds " (" and " via ", which the old text form "map FILE via CW"
  // could not carry: the map's SINKMAP_JSON_carbon_inputs record names it exactly, and the Monte Carlo run
  // without options equals the one given the options, to the last digit.
  small_map m;
  std::string const awkward = m.tmp.file("zones (dry) via wet.tif");
  std::filesystem::copy_file(m.zones, awkward);
  m.stock([&](jobs::stock_job_options& o) { o.carbon.climate_zone_map = awkward; });
  std::string const map = m.tmp.file("stock.tif");
  GDALDatasetUniquePtr ds(GDALDataset::Open(map.c_str(), GDAL_OF_RASTER));
  auto const rec = io::structured_metadata(*ds, map)["carbon_inputs"];
  EXPECT_EQ(rec["climate_zone"]["source"], "map");
  EXPECT_EQ(rec["climate_zone"]["map"], awkward);
  EXPECT_EQ(rec["age"]["source"], "model_default");
  ds.reset();
  uncertainty::mc_options mc;
  mc.iterations = 64;
  mc.seed = 5;
  jobs::run_settings run;
  run.quiet = true;
  auto const recorded = uncertainty::run_stock_montecarlo(map, {}, {}, mc, run);
  jobs::carbon_input_options given;
  given.model = "north_china_2019";
  given.climate_zone_map = awkward;
  auto const explicit_ = uncertainty::run_stock_montecarlo(map, {}, given, mc, run);
  auto const& a = recorded.rows.at({"*", "*"}).at(0);
  auto const& b = explicit_.rows.at({"*", "*"}).at(0);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.sd, b.sd);
  // The moist row's soil (88) differs from the dry default's (38): the zone map was used.
  given.climate_zone_map.clear();
  given.climate_zone = "warm_temperate_dry";
  auto const dry = uncertainty::run_stock_montecarlo(map, {}, given, mc, run);
  EXPECT_NE(dry.rows.at({"*", "*"}).at(0).mean, a.mean);
}

TEST(ParameterLibrary, AModelWithNewClassesNeedsNoCodeChange)
{
  test::temp_dir tmp;
  json m = {
    {"name", "bamboo_test"}, {"version", "1"},
    {"region", {{"description", "anywhere"}, {"lon", {-180, 180}}, {"lat", {-90, 90}}}},
    {"soil_depth_cm", 30},
    {"climate_zones", {{"default", "wet"}, {"zones", {{"wet", {{"id", 0}, {"soil_climate", "wet"}, {"ecological_zone", "sub"}}}}}}},
    {"crosswalks", {{"mine", "cw.json"}}},
    {"classes", {
      {"bamboo", {{"id", 30}, {"group", "forest"},
                  {"agb", {{"form", "constant"}, {"a", {{"value", 80}, {"source", "test"}}}, {"source", "test"}}},
                  {"root_to_shoot", {{"steps", {{{"ratio", {{"value", 0.5}, {"source", "test"}}}}}}, {"source", "test"}}},
                  {"carbon_fraction", {{"value", 0.5}, {"source", "test"}}},
                  {"dead_c", {{"value", 2}, {"source", "test"}}},
                  {"soil_c", {{"value", 10}, {"source", "test"}}}}},
      {"rice", {{"id", 7}, {"group", "cropland"}, {"agb", {{"form", "none"}, {"source", "test"}}},
                {"soil_c", {{"value", 50}, {"source", "test"}}}}}}}};
  std::ofstream(tmp.file("bamboo.json")) << m.dump();
  std::ofstream(tmp.file("cw.json")) << R"({"name":"t","source":"test","legend":{"1":"bamboo","2":"rice","0":"nd"},"nodata":[0],"codes":{"1":"bamboo","2":"rice"}})";
  test::raster_spec spec;
  spec.width = 2;
  spec.height = 1;
  spec.bands = 1;
  spec.has_nodata = false;
  test::write_u16(tmp.file("lc.tif"), spec, {1, 2});
  jobs::stock_job_options o;
  o.carbon.model = tmp.file("bamboo.json");
  o.carbon.landcover = tmp.file("lc.tif");
  o.carbon.crosswalk = "mine";
  o.output = tmp.file("s.tif");
  o.run.quiet = true;
  jobs::run_stock_job(o);
  auto const total = test::read_band(o.output, 7), cls = test::read_band(o.output, 8);
  EXPECT_NEAR(total[0], 80 * 1.5 * 0.5 + 2 + 10, 1e-4);
  EXPECT_EQ(cls[0], 30.0f);
  EXPECT_NEAR(total[1], 50, 1e-5);
  EXPECT_EQ(cls[1], 7.0f);
}

TEST(ParameterLibrary, RegionCheckWarnsOutsideAndNotInside)
{
  auto const m = models::load_carbon_model(models::resolve_model_path("north_china_2019"));
  auto grid_at = [](int epsg, double x, double y) {
    io::raster_grid g;
    g.width = g.height = 10;
    g.has_geotransform = true;
    g.geotransform = {x, 30, 0, y, 0, -30};
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    g.crs_wkt = wkt;
    CPLFree(wkt);
    return g;
  };
  EXPECT_FALSE(jobs::region_warning(m, grid_at(32650, 500000, 4000000)).has_value());  // Shandong
  auto const utah = jobs::region_warning(m, grid_at(32612, 320000, 4130000));          // Zion, Utah
  ASSERT_TRUE(utah.has_value());
  EXPECT_NE(utah->find("north_china_2019"), std::string::npos);
  EXPECT_NE(utah->find("lon -113"), std::string::npos) << *utah;
  // In a run: the warning is in the result; a mangrove pixel in Shandong is counted.
  small_map sm;
  test::write_u16(sm.landcover, sm.spec, {61, 185, 185, 10, 10, 10, 10, 10});
  jobs::stock_job_options o;
  o.carbon.landcover = sm.landcover;
  o.output = sm.tmp.file("s.tif");
  o.run.quiet = true;
  auto const r = jobs::run_stock_job(o);
  bool mangrove = false;
  for (auto const& w : r.warnings) mangrove |= w.find("2 pixels are class mangrove") != std::string::npos;
  EXPECT_TRUE(mangrove);
}

TEST(ParameterLibrary, BadInputNamesFileAndField)
{
  small_map m;
  auto expect_bad = [&](std::function<void(jobs::stock_job_options&)> const& set,
                        std::vector<std::string> const& words) {
    jobs::stock_job_options o;
    o.carbon.landcover = m.landcover;
    o.output = m.tmp.file("bad.tif");
    o.run.quiet = true;
    set(o);
    try {
      jobs::run_stock_job(o);
      ADD_FAILURE() << "no error";
    } catch (bad_input const& e) {
      for (auto const& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(o.output));
  };
  // A class the crosswalk names but the model lacks.
  std::ofstream(m.tmp.file("cw.json")) << R"({"name":"t","source":"s","legend":{"61":"a","62":"b","10":"c","12":"d","187":"e","210":"f","0":"g"},"nodata":[0],"codes":{"61":"natural_forest_broadleaf","62":"natural_forest_broadleaf","10":"annual_cropland","12":"kiwi_orchard","187":"bare","210":"water"}})";
  expect_bad([&](auto& o) { o.carbon.crosswalk = m.tmp.file("cw.json"); }, {"cw.json", "codes.12", "kiwi_orchard", "north_china_2019"});
  // An unknown climate zone.
  expect_bad([](auto& o) { o.carbon.climate_zone = "tropical_wet"; }, {"--climate-zone", "tropical_wet", "north_china_2019.json", "warm_temperate_dry"});
  // A forest-type code without an entry.
  test::write_u16(m.tmp.file("types.tif"), m.spec, {0, 1, 42, 0, 0, 0, 0, 0});
  expect_bad([&](auto& o) { o.carbon.forest_type = m.tmp.file("types.tif"); }, {"--forest-type", "42", "forest_types_north_china"});
  // A zone-map code without a zone, an unknown age class and soil type.
  test::write_u16(m.tmp.file("z.tif"), m.spec, {1, 1, 9, 1, 1, 1, 1, 1});
  expect_bad([&](auto& o) { o.carbon.climate_zone_map = m.tmp.file("z.tif"); }, {"--climate-zone-map", "9"});
  expect_bad([](auto& o) { o.carbon.forest_age_class = "ancient"; }, {"--forest-age-class", "ancient"});
  expect_bad([](auto& o) { o.carbon.soil_type = "peat"; }, {"--soil-type", "peat", "high_activity_clay"});
}

TEST(ParameterLibrary, AModelOrCrosswalkIsReadAgainstItsSchema)
{
  // The shipped model and a crosswalk, changed one thing at a time: each is bad input naming the
  // file and the field (with "did you mean" where a known field is close).
  json const base = read_json(models_dir() / "carbon/north_china_2019.json");
  test::temp_dir tmp;
  auto refused = [&](std::string const& text, std::vector<std::string> const& words, bool crosswalk = false) {
    std::string const f = tmp.file(crosswalk ? "cw.json" : "m.json");
    std::ofstream(f) << text;
    try {
      if (crosswalk) (void)models::load_crosswalk(f);
      else (void)models::load_carbon_model(f);
      ADD_FAILURE() << "accepted: " << words.front();
    } catch (bad_input const& e) {
      EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
      for (auto const& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
    }
  };
  auto changed = [&](std::function<void(json&)> const& change) {
    json j = base;
    for (auto& [name, p] : j["crosswalks"].items()) p = (models_dir() / "carbon" / p.get<std::string>()).lexically_normal().string();
    j["climate_zones"]["map"]["file"] = (models_dir() / "climate/north_china_climate_zones.tif").string();
    change(j);
    return j.dump();
  };
  // The base itself loads.
  {
    std::string const f = tmp.file("ok.json");
    std::ofstream(f) << changed([](json&) {});
    EXPECT_NO_THROW((void)models::load_carbon_model(f));
  }
  // Misspelt fields, at every level.
  refused(changed([](json& j) { j["clases"] = j["classes"]; }), {"clases", "unknown field", "did you mean 'classes'"});
  refused(changed([](json& j) {
            auto& c = j["classes"]["grassland"];
            c["carbon_fractoin"] = c["carbon_fraction"];
            c.erase("carbon_fraction");
          }),
          {"classes.grassland.carbon_fractoin", "did you mean 'carbon_fraction'"});
  refused(changed([](json& j) { j["classes"]["grassland"]["agb"]["from"] = "constant"; }),
          {"classes.grassland.agb.from", "did you mean 'form'"});
  refused(changed([](json& j) { j["factors"]["cf_forest"]["sdd"] = 0.01; }), {"factors.cf_forest.sdd", "did you mean 'sd'"});
  refused(changed([](json& j) { j["region"]["lng"] = {110, 120}; }), {"region.lng", "unknown field"});
  // A number without a source, or with an empty one; a ci95 that excludes its value; an SD far
  // beyond the quantity's physical spread; a class id that is not whole.
  refused(changed([](json& j) { j["factors"]["cf_forest"]["source"] = " "; }), {"factors.cf_forest.source", "empty"});
  refused(changed([](json& j) { j["factors"]["cf_forest"].erase("source"); }), {"factors.cf_forest.source", "missing"});
  refused(changed([](json& j) { j["factors"]["cf_forest"]["ci95"] = {0.48, 0.49}; }),
          {"factors.cf_forest.ci95", "does not contain the value 0.47"});
  refused(changed([](json& j) {
            j["factors"]["cf_forest"].erase("ci95");
            j["factors"]["cf_forest"]["sd"] = 1e30;
          }),
          {"factors.cf_forest.sd", "beyond the quantity's physical spread"});
  refused(changed([](json& j) { j["classes"]["grassland"]["id"] = 30.7; }), {"classes.grassland.id", "not a whole number"});
  // A key given twice in one object (JSON parsers keep one silently).
  std::string twice = changed([](json&) {});
  twice.replace(twice.find("\"name\":"), 7, "\"name\":\"x\",\"name\":");
  refused(twice, {"key \"name\" is given twice"});
  // Crosswalks: a misspelt field, one code written twice ("10" and "010").
  refused(R"({"name":"t","source":"s","legend":{"10":"a"},"code":{"10":"grassland"}})", {"code", "did you mean 'codes'"}, true);
  refused(R"({"name":"t","source":"s","legend":{"10":"a"},"codes":{"10":"grassland","010":"water"}})",
          {"code 10 is given twice"}, true);
}

TEST(ParameterLibrary, WetlandRulesThatCannotBeRightAreRefusedByField)
{
  // The shipped model, changed one field at a time: each is bad input naming the field.
  json const base = [] {
    json j = read_json(models_dir() / "carbon/north_china_2019.json");
    j["climate_zones"]["map"]["file"] = (models_dir() / "climate/north_china_climate_zones.tif").string();  // the copy lives elsewhere
    return j;
  }();
  test::temp_dir tmp;
  auto expect_bad = [&](std::function<void(json&)> const& change, std::vector<std::string> const& words) {
    json j = base;
    change(j);
    std::string const f = tmp.file("m.json");
    std::ofstream(f) << j.dump();
    try {
      models::load_carbon_model(f);
      ADD_FAILURE() << "accepted: " << words.front();
    } catch (bad_input const& e) {
      for (auto const& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
    }
  };
  // A soil depth other than 30 or 100 cm needs a source saying where it comes from.
  expect_bad([](json& j) { j["classes"]["tidal_marsh"]["soil_depth_cm"] = 50; j["classes"]["tidal_marsh"].erase("soil_depth_source"); },
             {"classes.tidal_marsh.soil_depth_cm", "50 cm", "soil_depth_source"});
  expect_bad([](json& j) { j["classes"]["pond_x"] = j["classes"]["aquaculture_pond"]; j["classes"]["pond_x"]["id"] = 31;
                           j["classes"]["pond_x"]["coastal_soil_on_conversion"]["rule"] = "dredging"; },
             {"classes.pond_x.coastal_soil_on_conversion.rule", "dredging", "extraction or drainage"});
  expect_bad([](json& j) { j["classes"]["annual_cropland"].erase("soil_loss"); },
             {"classes.annual_cropland.soil_loss", "EF_DR"});
  expect_bad([](json& j) { j["classes"]["grassland"]["coastal"] = true; }, {"classes.grassland.coastal", "wetland"});
  expect_bad([](json& j) { j["classes"]["annual_cropland"]["soil_loss"] = {{"notation", "NE"}, {"reason", "x"}}; },
             {"classes.annual_cropland.soil_loss", "EF_DR"});
  expect_bad([](json& j) { j["wetland_soil"]["remaining"] = "burial"; }, {"wetland_soil.remaining", "burial_rate"});
  expect_bad([](json& j) { j["wetland_soil"]["remaining"] = "burial_rate"; }, {"burial_rate", "missing"});
  expect_bad([](json& j) { j["factors"]["ef_re_tidal_marsh"]["value"] = -0.91; }, {"ef_re_tidal_marsh"});
}
