// Wetlands through `sinkmap run` on a generated Yellow River Delta series: GLC_FCS30 codes on a
// UTM 50N grid, five zones of 10 x 10 pixels over 2016-2020 (salt marsh kept, tidal flat
// revegetated, marsh built over, inland marsh kept, marsh drained for a farm). Every stock and
// sink equals the hand computation from the shipped model's cited rows (2013 Wetlands Supplement
// via the IPCC EFDB: tidal-marsh soil for extraction, EF_RE, EF_DR; Ch. 5 inland SOC_REF), soils
// of 0-30 and 0-100 cm are never added in one column, the wetland area is reported and its jump
// flagged, and the drained marsh's sink has a Monte Carlo interval from EF_DR's.
#include "core/error.hpp"
#include "jobs/blue_carbon_job.hpp"
#include "jobs/run_job.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gtest/gtest.h>
#include <gdal_priv.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace sinkmap;
using json = nlohmann::json;

namespace {

constexpr int block = 10, zones_n = 5, width = block * zones_n, height = block;
constexpr double x0 = 676000, y0 = 4186000;  // near Dongying, UTM zone 50N

// GLC_FCS30 codes per zone and year 2016..2020.
std::vector<std::vector<int>> const series = {
  {186, 186, 186, 186, 186},  // A salt marsh kept
  {187, 187, 186, 186, 186},  // B tidal flat revegetated (seen 2018, confirmed 2019)
  {186, 186, 190, 190, 190},  // C marsh built over
  {182, 210, 182, 182, 182},  // D inland marsh kept (flooded in 2017: water for one map)
  {186, 186, 10, 10, 10},     // E marsh drained for a rainfed farm
};
char const* zone_names[zones_n] = {"A_marsh_kept", "B_flat_revegetated", "C_marsh_built", "D_inland_marsh", "E_marsh_farmed"};

struct delta {
  test::temp_dir tmp;
  std::vector<std::string> maps;
  std::string zones;

  delta()
  {
    GDALAllRegister();
    for (int y = 0; y < 5; ++y) {
      std::string const path = tmp.file("glc_" + std::to_string(2016 + y) + ".tif");
      GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), width, height, 1, GDT_Byte, nullptr);
      double gt[6] = {x0, 30, 0, y0, 0, -30};
      ds->SetGeoTransform(gt);
      OGRSpatialReference srs;
      srs.importFromEPSG(32650);
      ds->SetSpatialRef(&srs);
      std::vector<unsigned char> v(std::size_t(width) * height);
      for (int r = 0; r < height; ++r)
        for (int c = 0; c < width; ++c) v[std::size_t(r) * width + c] = static_cast<unsigned char>(series[std::size_t(c / block)][std::size_t(y)]);
      EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, width, height, v.data(), width, height, GDT_Byte, 0, 0, nullptr), CE_None);
      GDALClose(ds);
      maps.push_back(path);
    }
    std::ostringstream g;
    g.precision(12);
    g << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},"features":[)";
    for (int z = 0; z < zones_n; ++z) {
      double const a = x0 + 30.0 * block * z, b = a + 30.0 * block, bottom = y0 - 30.0 * height;
      g << (z ? "," : "") << R"({"type":"Feature","properties":{"name":")" << zone_names[z]
        << R"("},"geometry":{"type":"Polygon","coordinates":[[[)" << a << "," << bottom << "],[" << b << "," << bottom
        << "],[" << b << "," << y0 << "],[" << a << "," << y0 << "],[" << a << "," << bottom << "]]]}}";
    }
    g << "]}";
    zones = tmp.file("zones.geojson");
    std::ofstream(zones) << g.str();
  }

  json run(std::string const& name, std::string const& extra) const
  {
    std::string t = "output = \"" + tmp.file(name) + "\"\nmodel = \"north_china_2019\"\ncrosswalk = \"glc_fcs30\"\n" +
                    "quicklooks = false\ncube = false\n" + extra + "[zones]\nfile = \"" + zones + "\"\nfield = \"name\"\n";
    for (int y = 0; y < 5; ++y)
      t += "[[years]]\nyear = " + std::to_string(2016 + y) + "\nlandcover = \"" + maps[std::size_t(y)] + "\"\n";
    std::string const toml = tmp.file(name + ".toml");
    std::ofstream(toml) << t;
    jobs::run_settings s;
    s.quiet = true;
    auto const out = jobs::run_one_map(jobs::load_run_config(toml), s, {});
    std::ifstream f(out.manifest);
    return json::parse(f);
  }
};

json read_json(std::string const& p)
{
  std::ifstream f(p);
  return json::parse(f);
}

// The model's cited numbers the hand computation uses.
struct cited {
  double marsh_soil, ef_re, ef_dr, inland_soil, crop_biomass_c;
  cited()
  {
    json const m = read_json((test::source_dir() / "models/carbon/north_china_2019.json").string());
    auto const& f = m["factors"];
    marsh_soil = f["soil_c_tidal_marsh"]["value"];
    ef_re = f["ef_re_tidal_marsh"]["value"];
    ef_dr = f["ef_dr_coastal"]["value"];
    inland_soil = f["soc_wetland"]["by_soil_climate"]["warm_temperate_dry"]["value"];  // the default zone
    crop_biomass_c = f["cropland_annual_biomass_c"]["value"];
  }
};

// The rows of an inventory JSON by (zone, class).
std::map<std::pair<std::string, std::string>, json> rows_of(json const& inv)
{
  std::map<std::pair<std::string, std::string>, json> out;
  for (auto const& r : inv["rows"]) out[{r["zone"], r["class"]}] = r;
  out[{"*", "*"}] = inv["total"];
  return out;
}

double zone_sink(json const& inv, std::string const& zone)
{
  for (auto const& r : inv["rows"])
    if (r["zone"] == zone && r["class"] == "*") return r["sink_mgc_per_yr"];
  ADD_FAILURE() << "no zone " << zone;
  return NAN;
}

}  // namespace

TEST(WetlandRun, YellowRiverDeltaSeriesEqualsTheHandComputationFromTheCitedRows)
{
  delta d;
  cited const c;
  json const m = d.run("planted", "wetland_restoration = \"planted\"\n");
  ASSERT_EQ(m["years"].size(), 5u);
  auto const inv2016 = rows_of(read_json(d.tmp.file("planted/inventory_2016.json")));
  double const area = inv2016.at({"A_marsh_kept", "tidal_marsh"})["area_ha"];
  ASSERT_GT(area, 8.9);  // 100 pixels of 30 m
  double const tol = 1e-5 * c.marsh_soil * area;

  // Stocks of 2016: marsh soil to 100 cm (biomass NE: 0), inland marsh soil to 30 cm plus its
  // (proxy) biomass, a flat with nothing estimated.
  EXPECT_EQ(inv2016.at({"A_marsh_kept", "tidal_marsh"})["soil_depth_cm"], "100");
  EXPECT_NEAR(inv2016.at({"A_marsh_kept", "tidal_marsh"})["carbon_mgc"].get<double>(), c.marsh_soil * area, tol);
  EXPECT_NEAR(inv2016.at({"A_marsh_kept", "tidal_marsh"})["soil_mgc_0_100cm"].get<double>(), c.marsh_soil * area, tol);
  EXPECT_EQ(inv2016.at({"D_inland_marsh", "wetland_herbaceous"})["soil_depth_cm"], "30");
  EXPECT_NEAR(inv2016.at({"D_inland_marsh", "wetland_herbaceous"})["soil_mgc_0_30cm"].get<double>(), c.inland_soil * area, tol);
  EXPECT_NEAR(inv2016.at({"B_flat_revegetated", "unvegetated_flat"})["carbon_mgc"].get<double>(), 0.0, 1e-9);
  // The total sums classes of both depths: it says "mixed" and gives each depth's soil apart.
  auto const& all = inv2016.at({"*", "*"});
  EXPECT_EQ(all["soil_depth_cm"], "mixed");
  EXPECT_NEAR(all["soil_mgc_0_100cm"].get<double>(), 3 * c.marsh_soil * area, 3 * tol);  // A, C, E
  EXPECT_NEAR(all["soil_mgc_0_30cm"].get<double>(), c.inland_soil * area, tol);

  // Sinks per zone and interval (Mg C / yr).
  std::vector<std::map<std::string, double>> want(4);
  for (auto& w : want)
    for (auto const* z : zone_names) w[z] = 0;
  // B: marsh seen 2018, booked 2019, planted: EF_RE a year from the first sighting (the booking
  // year catches up the year it waited).
  want[2]["B_flat_revegetated"] = 2 * c.ef_re * area;
  want[3]["B_flat_revegetated"] = c.ef_re * area;
  // C: built over, booked 2019: the marsh soil extracted at once.
  want[2]["C_marsh_built"] = -c.marsh_soil * area;
  // E: farmed (seen 2018), booked 2019: the cropland's biomass one year after conversion (Table
  // 5.9), and the drained soil's EF_DR every year from the first sighting.
  want[2]["E_marsh_farmed"] = (c.crop_biomass_c - 2 * c.ef_dr) * area;
  want[3]["E_marsh_farmed"] = -c.ef_dr * area;
  for (std::size_t t = 0; t < 4; ++t) {
    std::string const pair = std::to_string(2016 + t) + "_" + std::to_string(2017 + t);
    json const inv = read_json(d.tmp.file("planted/inventory_sink_" + pair + ".json"));
    for (auto const* z : zone_names) EXPECT_NEAR(zone_sink(inv, z), want[t][z], tol) << pair << " " << z;
    for (auto const& b : m["sinks"][t]["mass_balance"]) EXPECT_LE(b["relative_residual"].get<double>(), 1e-6);
  }
  EXPECT_NEAR(rows_of(read_json(d.tmp.file("planted/inventory_2020.json"))).at({"B_flat_revegetated", "tidal_marsh"})["carbon_mgc"].get<double>(),
              3 * c.ef_re * area, tol);
  // The farmed marsh's soil stays a 0-100 cm pool under cropland: its row says so, and the 2020
  // total keeps it in the 0-100 cm column.
  auto const inv2020 = rows_of(read_json(d.tmp.file("planted/inventory_2020.json")));
  auto const& farm = inv2020.at({"E_marsh_farmed", "annual_cropland"});
  EXPECT_EQ(farm["soil_depth_cm"], "100");
  EXPECT_NEAR(farm["soil_mgc_0_100cm"].get<double>(), (c.marsh_soil - 3 * c.ef_dr) * area, tol);
  EXPECT_TRUE(farm["soil_mgc_0_30cm"].is_null());

  // Wetland area per zone and year as each map shows it; C and E fall to none in 2018.
  std::map<std::string, double> wet2019;
  for (auto const& a : m["wetland_area"]["areas"])
    if (a["year"] == 2019) wet2019[a["zone"]] = a["wetland_ha"];
  EXPECT_NEAR(wet2019["B_flat_revegetated"], area, 1e-9);
  EXPECT_EQ(wet2019["C_marsh_built"], 0.0);
  std::set<std::string> flagged;
  for (auto const& f : m["wetland_area"]["flagged_changes"]) flagged.insert(f["zone"].get<std::string>() + "@" + std::to_string(f["to"].get<int>()));
  EXPECT_TRUE(flagged.count("C_marsh_built@2018"));  // the map shows the change in 2018
  EXPECT_TRUE(flagged.count("E_marsh_farmed@2018"));
  EXPECT_FALSE(flagged.count("B_flat_revegetated@2019"));  // flat to marsh: wetland both years
  // The flood year is never booked (one map), but the map's wetland area drops and comes back:
  // both changes are flagged, from the maps themselves.
  EXPECT_TRUE(flagged.count("D_inland_marsh@2017"));
  EXPECT_TRUE(flagged.count("D_inland_marsh@2018"));
  EXPECT_EQ(m["accounting"]["wetland_restoration"], "planted");
  EXPECT_NE(m["accounting"]["wetland_soil"].get<std::string>().find("tier1"), std::string::npos);
}

TEST(WetlandRun, RecolonizedFlatGainsNothingAtTierOne)
{
  delta d;
  json const m = d.run("recolonized", "");
  EXPECT_EQ(m["accounting"]["wetland_restoration"], "recolonized");
  for (int t : {2, 3}) {
    std::string const pair = std::to_string(2016 + t) + "_" + std::to_string(2017 + t);
    EXPECT_EQ(zone_sink(read_json(d.tmp.file("recolonized/inventory_sink_" + pair + ".json")), "B_flat_revegetated"), 0.0);
  }
}

TEST(WetlandRun, TheDrainedMarshSinkCarriesTheMonteCarloIntervalOfEfDr)
{
  delta d;
  cited const c;
  json const m = d.run("mc", "[uncertainty]\niterations = 400\nseed = 5\n");
  json const inv = read_json(d.tmp.file("mc/inventory_sink_2019_2020.json"));
  double area = 0;
  for (auto const& r : inv["rows"])
    if (r["zone"] == "E_marsh_farmed" && r["class"] == "*") {
      area = r["area_ha"];
      double const lo = r["sink_mgc_per_yr_p2_5"], hi = r["sink_mgc_per_yr_p97_5"];
      // EF_DR 7.9, 95 % CI 5.2-11.8 (Table 4.13): the sink -EF_DR x area has about that interval.
      EXPECT_LT(lo, -c.ef_dr * area);
      EXPECT_GT(hi, -c.ef_dr * area);
      EXPECT_NEAR(lo, -11.8 * area, 0.15 * 11.8 * area);
      EXPECT_NEAR(hi, -5.2 * area, 0.25 * 5.2 * area);
    }
  EXPECT_GT(area, 0.0);
  // The inland marsh's stock row (a wetland row) has an interval too (its proxy biomass).
  json const stock2016 = read_json(d.tmp.file("mc/inventory_2016.json"));  // kept: the loop walks into it
  for (auto const& r : stock2016["rows"])
    if (r["zone"] == "D_inland_marsh" && r["class"] == "wetland_herbaceous")
      EXPECT_LT(r["carbon_mgc_p2_5"].get<double>(), r["carbon_mgc_p97_5"].get<double>());
  (void)m;
}

TEST(WetlandRun, CoastalBlueCarbonRunsOnTheYearsMapsAndItsZoneTotalsAddUp)
{
  // InVEST's tables keyed by the GLC_FCS30 codes of the delta series (the numbers are the InVEST
  // sample's marsh and tidal-flat rows, as test values): the run's blue carbon equals the
  // standalone job on the same maps, and its zone totals add up to the map's.
  delta d;
  std::string const bio = d.tmp.file("bio.csv"), tr = d.tmp.file("tr.csv");
  std::ofstream(bio) << "lulc-class,lucode,biomass-initial,soil-initial,litter-initial,biomass-half-life,"
                        "biomass-low-impact-disturb,biomass-med-impact-disturb,biomass-high-impact-disturb,"
                        "biomass-yearly-accumulation,soil-half-life,soil-low-impact-disturb,soil-med-impact-disturb,"
                        "soil-high-impact-disturb,soil-yearly-accumulation,litter-yearly-accumulation\n"
                        "salt marsh,186,30,222,0,0.5,0.5,0.5,1,0.5,7.5,0.3,1,1,10.21,0\n"
                        "inland marsh,182,30,269,0,0.5,0.5,0.5,1,0.5,7.5,0.3,1,1,10.21,0\n"
                        "tidal flat,187,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
                        "built,190,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
                        "farm,10,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n";
  std::ofstream(tr) << "lulc-class,salt marsh,inland marsh,tidal flat,built,farm\n"
                       "salt marsh,accum,,,high-impact-disturb,med-impact-disturb\n"
                       "inland marsh,,accum,,,\n"
                       "tidal flat,accum,,NCC,,\n"
                       "built,,,,NCC,\n"
                       "farm,,,,,NCC\n";
  json const m = d.run("cbc", "[coastal_blue_carbon]\nbiophysical = \"" + bio + "\"\ntransitions = \"" + tr +
                                "\"\nanalysis_year = 2030\n");
  ASSERT_TRUE(m.contains("coastal_blue_carbon"));
  auto const& c = m["coastal_blue_carbon"];
  jobs::blue_carbon_options o;
  o.biophysical = bio;
  o.transitions = tr;
  for (int y = 0; y < 5; ++y) {
    o.years.push_back(2016 + y);
    o.snapshots.push_back(d.maps[std::size_t(y)]);
  }
  o.analysis_year = 2030;
  o.output = d.tmp.file("cbc_alone.tif");
  o.run.quiet = true;
  auto const alone = jobs::run_blue_carbon_job(o);
  double const total = alone.totals.at("total_net_sequestration");
  EXPECT_EQ(c["totals"]["total_net_sequestration"].get<double>(), total);
  double zones_sum = 0;
  for (auto const& z : c["zones"])
    if (z["zone"] != "*") zones_sum += z["total_net_sequestration"].get<double>();
  EXPECT_NEAR(zones_sum, total, 1e-9 * std::abs(total));
  // The kept salt marsh accumulates 0.5 + 10.21 a year for 14 years (2016-2030) per hectare.
  for (auto const& z : c["zones"])
    if (z["zone"] == "A_marsh_kept")
      EXPECT_NEAR(z["total_net_sequestration"].get<double>(), 10.71 * 14 * z["area_ha"].get<double>(), 1e-3);
}
