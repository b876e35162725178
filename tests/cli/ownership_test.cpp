// A process deletes only files it created in this run, no output is written over an input
// (checked for every output before the first write), and `run` publishes a whole run or
// nothing (issue 22, items 1 and 2).
#include "cli/cli_runner.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

namespace {

namespace fs = std::filesystem;
using sinkmap::test::run_sinkmap;

std::string const samples = std::string(SINKMAP_SOURCE_DIR) + "/data-samples/worldcover-n00e006-crop/";
std::string const lc2020 = samples + "ESA_WorldCover_10m_2020_v100_crop_Map.tif";
std::string const lc2021 = samples + "ESA_WorldCover_10m_2021_v200_crop_Map.tif";

std::string slurp(std::string const& path)
{
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::vector<std::string> listing(std::string const& dir)
{
  std::vector<std::string> names;
  for (auto const& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A run config over the two bundled WorldCover years (or only 2020).
std::string write_config(std::string const& path, std::string const& output, bool two_years = true,
                         std::string const& lc_2021 = lc2021)
{
  std::ofstream f(path);
  f << "output = \"" << output << "\"\nmodel = \"north_china_2019\"\ncrosswalk = \"esa_worldcover\"\n"
    << "unmapped_classes = true\nquicklooks = false\ncube = false\n"
    << "[zones]\nfile = \"" << samples << "zones.geojson\"\nfield = \"name\"\n"
    << "[[years]]\nyear = 2020\nlandcover = \"" << lc2020 << "\"\n";
  if (two_years) f << "[[years]]\nyear = 2021\nlandcover = \"" << lc_2021 << "\"\n";
  return path;
}

class Ownership : public ::testing::Test {
 protected:
  sinkmap::test::temp_dir tmp;
};

}  // namespace

TEST_F(Ownership, AnOutputNamedLikeAnInputIsRefusedBeforeAnythingIsWritten)
{
  std::string const lc = tmp.file("LC.tif");
  fs::copy_file(lc2020, lc);
  std::string const model = tmp.file("S_uncertainty.json");
  fs::copy_file(std::string(SINKMAP_SOURCE_DIR) + "/models/carbon/north_china_2019.json", model);
  fs::create_symlink(lc, tmp.file("link.tif"));
  std::string const lc_bytes = slurp(lc), model_bytes = slurp(model);
  std::string const base = "stock --landcover " + lc + " --crosswalk esa_worldcover --unmapped-classes -q ";
  struct bad {
    std::string args, expect;
  };
  std::vector<bad> const cases = {
    // The case: exited 2, then deleted LC.tif and left S_classes.tif.
    {base + "--uncertainty 2 --uncertainty-map " + lc + " -o " + tmp.file("S.tif"), "--uncertainty-map"},
    // A model file whose name is OUT_uncertainty.json.
    {base + "-m " + model + " --uncertainty 2 -o " + tmp.file("S.tif"), "OUT_uncertainty.json"},
    // Another path to the input (a symlink), and two outputs on one file.
    {base + "-o " + tmp.file("link.tif"), "is an input"},
    {base + "--uncertainty 2 --uncertainty-map " + tmp.file("S.tif") + " -o " + tmp.file("S.tif"), "its own file"},
    // The class raster beside -o would be the land cover.
    {"stock --landcover " + tmp.file("S_classes.tif") + " --crosswalk esa_worldcover --unmapped-classes -q -o " +
       tmp.file("S.tif"), "is an input"},
  };
  fs::copy_file(lc, tmp.file("S_classes.tif"));
  for (auto const& c : cases) {
    auto const r = run_sinkmap(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_FALSE(fs::exists(tmp.file("S.tif"))) << c.args;
  }
  EXPECT_EQ(slurp(lc), lc_bytes);
  EXPECT_EQ(slurp(model), model_bytes);
  EXPECT_EQ(slurp(tmp.file("S_classes.tif")), lc_bytes);
  EXPECT_TRUE(fs::is_symlink(tmp.file("link.tif")));
}

TEST_F(Ownership, SinkNeverDeletesItsStockMaps)
{
  ASSERT_EQ(run_sinkmap("stock --landcover " + lc2020 + " --unmapped-classes -q -o " + tmp.file("a.tif")).code, 0);
  ASSERT_EQ(run_sinkmap("stock --landcover " + lc2021 + " --unmapped-classes -q -o " + tmp.file("b.tif")).code, 0);
  std::string const a = slurp(tmp.file("a.tif"));
  auto const r = run_sinkmap("sink " + tmp.file("a.tif") + " " + tmp.file("b.tif") + " --years 1 --uncertainty 2 " +
                             "--uncertainty-map " + tmp.file("a.tif") + " -q -o " + tmp.file("s.tif"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_EQ(slurp(tmp.file("a.tif")), a);
  EXPECT_FALSE(fs::exists(tmp.file("s.tif")));
  EXPECT_FALSE(fs::exists(tmp.file("s_method.tif")));
}

TEST_F(Ownership, AFailedMonteCarloRemovesOnlyWhatThisRunWrote)
{
  // The stock map is written, then the Monte Carlo fails on the confusion matrix: the map and
  // its class raster go (nothing that looks like a result), the inputs stay.
  std::string const conf = tmp.file("conf.csv");
  std::ofstream(conf) << "map,10,paddy\n10,9,1\n";
  std::string const conf_bytes = slurp(conf);
  auto const r = run_sinkmap("stock --landcover " + lc2020 + " --unmapped-classes --uncertainty 4 --landcover-confusion " +
                             conf + " -q -o " + tmp.file("S.tif"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("paddy"), std::string::npos) << r.output;
  EXPECT_EQ(listing(tmp.path.string()), std::vector<std::string>{"conf.csv"});
  EXPECT_EQ(slurp(conf), conf_bytes);
}

TEST_F(Ownership, AConfigSavedAsTheManifestIsRefused)
{
  // Saved as OUTPUT/run.json with output = ".": the run deleted it at start and exited 0.
  std::string const cfg = write_config(tmp.file("run.json"), ".");
  std::string const text = slurp(cfg);
  auto const r = run_sinkmap("run " + cfg + " -q");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("run.json"), std::string::npos) << r.output;
  EXPECT_EQ(slurp(cfg), text);
  EXPECT_EQ(listing(tmp.path.string()), std::vector<std::string>{"run.json"});
}

TEST_F(Ownership, RunPublishesAWholeRunOrLeavesThePreviousOneUntouched)
{
  std::string const out = tmp.file("out");
  ASSERT_EQ(run_sinkmap("run " + write_config(tmp.file("two.toml"), out) + " -q").code, 0);
  auto const first = listing(out);
  std::string const manifest = slurp(out + "/run.json");
  EXPECT_EQ(manifest.find(".sinkmap-staging"), std::string::npos) << manifest;
  // Published files name the output folder, never the staging folder (the sink map names its
  // stock maps for later Monte Carlo runs; inventories name their map).
  for (auto const& name : first) {
    std::string const bytes = slurp(out + "/" + name);
    EXPECT_EQ(bytes.find(".sinkmap-staging"), std::string::npos) << name;
  }
  EXPECT_NE(slurp(out + "/stock_2020.tif").find(out + "/observed_stock_2020.tif"), std::string::npos);
  // A second year that fails after the first was computed: exit non-zero, the previous run
  // as it was, no staging folder left.
  fs::copy_file(lc2021, tmp.file("broken.tif"));
  fs::resize_file(tmp.file("broken.tif"), 2000);
  auto const bad = run_sinkmap("run " + write_config(tmp.file("bad.toml"), out, true, tmp.file("broken.tif")) + " -q");
  EXPECT_NE(bad.code, 0) << bad.output;
  EXPECT_EQ(listing(out), first);
  EXPECT_EQ(slurp(out + "/run.json"), manifest);
  // A successful rerun with fewer years: the 2021 and sink files of the previous run go.
  ASSERT_EQ(run_sinkmap("run " + write_config(tmp.file("one.toml"), out, false) + " -q").code, 0);
  for (auto const& name : listing(out)) {
    EXPECT_EQ(name.find("2021"), std::string::npos) << name;
    EXPECT_EQ(name.find(".sinkmap-"), std::string::npos) << name;
  }
  EXPECT_TRUE(fs::exists(out + "/stock_2020.tif"));
}

TEST_F(Ownership, AStagingFolderOfADeadRunIsSwept)
{
  std::string const out = tmp.file("out");
  fs::create_directories(out + "/.sinkmap-staging-999999999");
  std::ofstream(out + "/.sinkmap-staging-999999999/stock_2020.tif") << "half";
  ASSERT_EQ(run_sinkmap("run " + write_config(tmp.file("one.toml"), out, false) + " -q").code, 0);
  EXPECT_FALSE(fs::exists(out + "/.sinkmap-staging-999999999"));
}

TEST_F(Ownership, AnInterruptedRunLeavesThePreviousRunWhole)
{
  std::string const out = tmp.file("out");
  std::string const cfg = write_config(tmp.file("two.toml"), out);
  ASSERT_EQ(run_sinkmap("run " + cfg + " -q").code, 0);
  auto const first = listing(out);
  std::string const manifest = slurp(out + "/run.json");
  for (char const* sig : {"INT", "TERM", "HUP"}) {
    for (char const* delay : {"0.05", "0.3", "0.8"}) {
      std::string const r = sinkmap::test::run_shell(std::string(SINKMAP_EXE) + " run " + cfg + " -q & pid=$!; sleep " +
                                                     delay + "; kill -" + sig + " $pid; wait $pid; echo rc=$?");
      // Interrupted before publishing: the previous run as it was; after (the signal waits for
      // the publication): the new run, whole. Either way the same files, each one listed.
      ASSERT_EQ(listing(out), first) << sig << " after " << delay << " s: " << r;
      std::string const now = slurp(out + "/run.json");
      for (auto const& name : first)
        if (name != "run.json") EXPECT_NE(now.find("/" + name + "\""), std::string::npos) << name;
      if (r.find("rc=0") == std::string::npos && now != manifest)
        EXPECT_EQ(now.find(".sinkmap-staging"), std::string::npos) << sig << " after " << delay << " s";
    }
  }
}

TEST_F(Ownership, AFullDiskEndsWithExitOneAndLeavesThePreviousRunIntact)
{
  // Fault injection: a tmpfs of a few MB, mounted here as root where the sandbox allows it.
  std::string const disk = tmp.file("disk");
  fs::create_directories(disk);
  if (std::system(("mount -t tmpfs -o size=12m tmpfs " + disk + " 2>/dev/null").c_str()) != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here (not root, or no mount permission)";
  struct unmount {
    std::string dir;
    ~unmount() { (void)std::system(("umount " + dir).c_str()); }
  } const guard{disk};
  std::string const out = disk + "/out";
  std::string const cfg = write_config(tmp.file("two.toml"), out);
  // With the NetCDF cube: its close on a full disk crashed HDF5's exit handler (SIGSEGV).
  std::string text = slurp(cfg);
  text.replace(text.find("cube = false"), 12, "cube = true");
  std::ofstream(cfg) << text;
  auto const first_run = run_sinkmap("run " + cfg + " -q");
  ASSERT_EQ(first_run.code, 0) << first_run.output;
  auto const first = listing(out);
  std::map<std::string, std::string> bytes;
  for (auto const& n : first) bytes[n] = slurp(out + "/" + n);
  // Leave well under one run's worth free, at several sizes so that the failure lands in
  // different writers (GeoTIFF, overviews, GeoPackage, cube, report).
  for (std::uintmax_t leave : {std::uintmax_t(200) << 10, std::uintmax_t(900) << 10, std::uintmax_t(1800) << 10}) {
    fs::remove(disk + "/filler");
    std::uintmax_t const free_now = fs::space(disk).available;
    ASSERT_GT(free_now, leave);
    ASSERT_EQ(std::system(("head -c " + std::to_string(free_now - leave) + " /dev/zero > " + disk + "/filler").c_str()), 0);
    auto const r = run_sinkmap("run " + cfg + " -q");
    EXPECT_EQ(r.code, 1) << "free " << leave << ": " << r.output;  // a run failure, not a crash (139)
    EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
    ASSERT_EQ(listing(out), first) << "free " << leave;
    for (auto const& n : first) EXPECT_EQ(slurp(out + "/" + n), bytes[n]) << n << " changed (free " << leave << ")";
  }
}
