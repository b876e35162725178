// STAC items in place of products (issue 21): the bundled Landsat 8 C2L2 crop described as a
// landsat-c2-l2 item (asset keys, raster:bands scale/offset/nodata and eo:bands names as USGS
// and stactools write them) gives the same index and composite rasters as the product folder,
// with relative or absolute hrefs, as an ItemCollection or one Item per line; items outside a
// composite's window are skipped and counted; a bad item is refused naming the item and asset.
// The Sentinel-2 sample of ../shared/data (skipped where absent), as an earth-search item, equals
// its .SAFE.
#include "cli/cli_runner.hpp"
#include "test_paths.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sinkmap::test::run_sinkmap;

fs::path const product = fs::path(SINKMAP_SOURCE_DIR) / "data-samples/landsat8-c2l2-001070-crop";
std::string const stem = "LC08_L2SP_001070_20190114_20200830_02_T2";

// The crop as a landsat-c2-l2 item; hrefs relative to `items_dir` (or absolute).
json landsat_item(std::string const& id, std::string const& datetime, fs::path const& items_dir, bool relative)
{
  auto href = [&](std::string const& suffix) {
    fs::path const f = product / (stem + "_" + suffix + ".TIF");
    return relative ? fs::relative(f, items_dir).string() : f.string();
  };
  json assets = json::object();
  char const* keys[] = {"coastal", "blue", "green", "red", "nir08", "swir16", "swir22"};
  for (int n = 1; n <= 7; ++n)
    assets[keys[n - 1]] = {{"href", href("SR_B" + std::to_string(n))},
                           {"type", "image/tiff; application=geotiff; profile=cloud-optimized"},
                           {"eo:bands", json::array({{{"name", "SR_B" + std::to_string(n)}}})},
                           {"raster:bands", json::array({{{"nodata", 0}, {"data_type", "uint16"},
                                                          {"scale", 2.75e-05}, {"offset", -0.2}}})},
                           {"roles", json::array({"reflectance"})}};
  assets["qa_pixel"] = {{"href", href("QA_PIXEL")}, {"raster:bands", json::array({{{"unit", "bit index"}}})}};
  assets["qa_radsat"] = {{"href", href("QA_RADSAT")}};
  return {{"type", "Feature"},
          {"stac_version", "1.0.0"},
          {"id", id},
          {"collection", "landsat-c2-l2"},
          {"properties", {{"datetime", datetime}, {"platform", "landsat-8"}, {"instruments", {"oli", "tirs"}},
                          {"landsat:correction", "L2SP"}}},
          {"assets", assets}};
}

bool same_rasters(std::string const& a, std::string const& b, int bands, std::string& why)
{
  for (int k = 1; k <= bands; ++k) {
    auto const x = sinkmap::test::read_band(a, k), y = sinkmap::test::read_band(b, k);
    if (x.size() != y.size() || x.empty()) return why = "band " + std::to_string(k) + " size", false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i]))))
        return why = "band " + std::to_string(k) + " pixel " + std::to_string(i), false;
  }
  return true;
}

// NDVI and NBR of `source` (a product folder or .SAFE) and of STAC `items`: the same rasters.
void expect_same_index(std::string const& source, std::string const& items, sinkmap::test::temp_dir const& tmp)
{
  auto const ref = run_sinkmap("index " + source + " -i NDVI,NBR -q -o " + tmp.file("product.tif"));
  ASSERT_EQ(ref.code, 0) << ref.output;
  auto const stac = run_sinkmap("index --stac " + items + " -i NDVI,NBR -q -o " + tmp.file("stac.tif"));
  ASSERT_EQ(stac.code, 0) << stac.output;
  std::string why;
  EXPECT_TRUE(same_rasters(tmp.file("product.tif"), tmp.file("stac.tif"), 2, why)) << why;
}

class Stac : public ::testing::Test {
 protected:
  sinkmap::test::temp_dir tmp;
};

}  // namespace

TEST_F(Stac, LandsatItemsEqualTheProduct)
{
  fs::path const dir = tmp.file("catalog");
  fs::create_directories(dir);
  std::string const collection = (dir / "items.json").string();
  std::ofstream(collection) << json{{"type", "FeatureCollection"},
                                    {"features", {landsat_item(stem, "2019-01-14T14:34:30Z", dir, true)}}}
                                 .dump(2);
  expect_same_index(product.string(), collection, tmp);

  // One Item per line, absolute hrefs: the same again.
  std::string const lines = tmp.file("items.ndjson");
  std::ofstream(lines) << landsat_item(stem, "2019-01-14T14:34:30Z", dir, false).dump() << "\n";
  expect_same_index(product.string(), lines, tmp);

  // A composite of two items, one outside the window: skipped, counted, and the composite of
  // the other equals the composite of the product.
  std::string const two = (dir / "two.json").string();
  std::ofstream(two) << json{{"type", "FeatureCollection"},
                             {"features", {landsat_item(stem, "2019-01-14T14:34:30Z", dir, true),
                                           landsat_item("later", "2019-03-19T14:34:30Z", dir, true)}}}
                          .dump();
  auto const cp = run_sinkmap("composite " + product.string() + " --roles red,nir -o " + tmp.file("cp.tif"));
  ASSERT_EQ(cp.code, 0) << cp.output;
  std::string why;
  auto const cs = run_sinkmap("composite --stac " + two + " --from 2019-01-01 --to 2019-01-31 --roles red,nir -o " +
                              tmp.file("cs.tif"));
  ASSERT_EQ(cs.code, 0) << cs.output;
  EXPECT_NE(cs.output.find("1 of 2 scenes in the window"), std::string::npos) << cs.output;
  EXPECT_TRUE(same_rasters(tmp.file("cp.tif"), tmp.file("cs.tif"), 2, why)) << why;
}

TEST_F(Stac, ItemsOutsideTheGridAreSkippedAndCounted)
{
  // Two items of the crop (Bolivia, about 68.2-67.1 W, 15.1-14.1 S): one with its own bbox, one
  // whose bbox says it lies in Shandong. On a --grid with an --extent inside the crop, the second
  // is skipped and counted, and the composite equals that of the first alone.
  fs::path const dir = tmp.file("catalog");
  fs::create_directories(dir);
  json here = landsat_item(stem, "2019-01-14T14:34:30Z", dir, true);
  here["bbox"] = {-68.21, -15.12, -67.13, -14.06};
  json away = landsat_item("away", "2019-02-14T14:34:30Z", dir, true);
  away["bbox"] = {115.0, 35.0, 117.0, 37.0};
  std::string const both = (dir / "both.json").string(), one = (dir / "one.json").string();
  std::ofstream(both) << json{{"type", "FeatureCollection"}, {"features", {here, away}}}.dump();
  std::ofstream(one) << json{{"type", "FeatureCollection"}, {"features", {here}}}.dump();
  std::string const grid = " --grid EPSG:32619 --resolution 450 --extent 600000,-1619850,690000,-1560000 --roles red,nir ";
  auto const b = run_sinkmap("composite --stac " + both + grid + "-o " + tmp.file("both.tif"));
  ASSERT_EQ(b.code, 0) << b.output;
  EXPECT_NE(b.output.find("1 of 2 STAC items of " + both + " lie outside the grid's extent: skipped"), std::string::npos)
    << b.output;
  auto const o = run_sinkmap("composite --stac " + one + grid + "-o " + tmp.file("one.tif"));
  ASSERT_EQ(o.code, 0) << o.output;
  std::string why;
  EXPECT_TRUE(same_rasters(tmp.file("one.tif"), tmp.file("both.tif"), 2, why)) << why;
  // Only the one far away: refused, named.
  std::string const far = (dir / "far.json").string();
  std::ofstream(far) << away.dump();
  auto const f = run_sinkmap("composite --stac " + far + grid + "-o " + tmp.file("far.tif"));
  EXPECT_EQ(f.code, 2) << f.output;
  EXPECT_NE(f.output.find("none of its 1 items overlaps the --grid extent"), std::string::npos) << f.output;
}

TEST_F(Stac, ABadItemIsRefusedNamingItemAndAsset)
{
  fs::path const dir = tmp.file("catalog");
  fs::create_directories(dir);
  auto refused = [&](json const& item, std::vector<std::string> const& expect) {
    std::string const f = (dir / "bad.json").string();
    std::ofstream(f) << item.dump();
    auto const r = run_sinkmap("index --stac " + f + " -i NDVI -q -o " + tmp.file("bad.tif"));
    EXPECT_EQ(r.code, 2) << r.output;
    for (auto const& e : expect) EXPECT_NE(r.output.find(e), std::string::npos) << e << "\n" << r.output;
    EXPECT_FALSE(fs::exists(tmp.file("bad.tif")));
  };
  json missing = landsat_item("no-red-file", "2019-01-14T00:00:00Z", dir, true);
  missing["assets"]["red"]["href"] = "gone/SR_B4.TIF";
  refused(missing, {"item 'no-red-file'", "asset 'red'", "no file"});
  json unscaled = landsat_item("unscaled", "2019-01-14T00:00:00Z", dir, true);
  unscaled["assets"]["nir08"].erase("raster:bands");
  refused(unscaled, {"item 'unscaled'", "asset 'nir08'", "--scale"});
  json undated = landsat_item("undated", "2019-01-14T00:00:00Z", dir, true);
  undated["properties"].erase("datetime");
  refused(undated, {"item 'undated'", "datetime"});
  json l1 = landsat_item("level1", "2019-01-14T00:00:00Z", dir, true);
  l1["collection"] = "landsat-c2-l1";
  refused(l1, {"item 'level1'", "Level-1"});
  refused(json{{"type", "Collection"}}, {"not a STAC ItemCollection"});
  // The same item twice (overlapping search pages) would weigh twice in a composite.
  refused(json{{"type", "FeatureCollection"},
               {"features", {landsat_item("twice", "2019-01-14T00:00:00Z", dir, true),
                             landsat_item("twice", "2019-01-14T00:00:00Z", dir, true)}}},
          {"item 'twice' is given twice"});
  // A Sentinel-2 baseline 04.00 asset without its offset would bias the reflectance by 0.1.
  json s2 = {{"type", "Feature"},
             {"id", "s2-no-offset"},
             {"collection", "sentinel-2-l2a"},
             {"properties", {{"datetime", "2022-10-05T11:54:11Z"}, {"s2:processing_baseline", "04.00"}}},
             {"assets",
              {{"red", {{"href", (product / (stem + "_SR_B4.TIF")).string()}, {"gsd", 30},
                        {"raster:bands", json::array({{{"scale", 0.0001}}})}}}}}};
  refused(s2, {"item 's2-no-offset' asset 'red'", "processing baseline 04.00", "--offset"});
  // Two dates are not one scene.
  json two = {{"type", "FeatureCollection"},
              {"features", {landsat_item("a", "2019-01-14T00:00:00Z", dir, true),
                            landsat_item("b", "2019-02-14T00:00:00Z", dir, true)}}};
  refused(two, {"2019-01-14", "2019-02-14", "composite"});
}

TEST_F(Stac, Sentinel2ItemEqualsTheSafe)
{
  fs::path const root = sinkmap::test::shared_data() / "stactools-s2l2a-t29unu";
  fs::path safe;
  if (fs::exists(root))
    for (auto const& e : fs::directory_iterator(root))
      if (e.path().extension() == ".SAFE") safe = e.path();
  if (safe.empty()) GTEST_SKIP() << "no Sentinel-2 sample in ../shared/data";
  fs::path r60;
  for (auto const& e : fs::recursive_directory_iterator(safe))
    if (e.path().filename() == "R60m") r60 = e.path();
  ASSERT_FALSE(r60.empty());
  auto file = [&](std::string const& band) {
    for (auto const& e : fs::directory_iterator(r60))
      if (e.path().filename().string().find("_" + band + "_60m.jp2") != std::string::npos) return e.path().string();
    return std::string();
  };
  // Element 84 earth-search v1 keys; baseline 04.00: reflectance = DN / 10000 - 0.1.
  json assets = json::object();
  for (auto const& [key, band] : std::vector<std::pair<std::string, std::string>>{
         {"coastal", "B01"}, {"blue", "B02"}, {"green", "B03"}, {"red", "B04"}, {"rededge1", "B05"},
         {"rededge2", "B06"}, {"rededge3", "B07"}, {"nir08", "B8A"}, {"swir16", "B11"}, {"swir22", "B12"}})
    assets[key] = {{"href", file(band)}, {"gsd", 60},
                   {"raster:bands", json::array({{{"nodata", 0}, {"scale", 0.0001}, {"offset", -0.1}}})}};
  assets["scl"] = {{"href", file("SCL")}, {"gsd", 60}};
  json const item = {{"type", "Feature"},
                     {"id", "S2A_29UNU_20221005_0_L2A"},
                     {"collection", "sentinel-2-l2a"},
                     {"properties", {{"datetime", "2022-10-05T11:54:11Z"}, {"platform", "sentinel-2a"}}},
                     {"assets", assets}};
  std::string const items = tmp.file("s2.json");
  std::ofstream(items) << item.dump();
  expect_same_index(safe.string(), items, tmp);
}
