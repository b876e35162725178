// sinkmap run on the bundled two-year sample: every output exists, the fused inventories equal
// standalone `inventory` runs, the HDF5 cube (read independently with the HDF5 C API) equals the
// stock maps, and bad configs name the line and key.
#include "core/error.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/run_job.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gtest/gtest.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

jobs::run_config sample_config(test::temp_dir const& tmp)
{
  auto cfg = jobs::load_run_config((test::source_dir() / "data-samples/run-sample.toml").string());
  cfg.output_dir = tmp.file("run");
  return cfg;
}

jobs::run_settings quiet()
{
  jobs::run_settings r;
  r.quiet = true;
  return r;
}

}  // namespace

TEST(RunJob, SampleWritesEveryOutputAndFusedInventoriesMatchStandalone)
{
  test::temp_dir tmp;
  auto const cfg = sample_config(tmp);
  ASSERT_EQ(cfg.years.size(), 2u);
  auto const out = jobs::run_one_map(cfg, quiet(), {});
  for (auto const& f : out.files) EXPECT_TRUE(fs::exists(f)) << f;
  ASSERT_TRUE(fs::exists(out.manifest));
  for (auto const* name : {"stock_2020.tif", "stock_2021.tif", "sink_2020_2021.tif",
                           "inventory_2021.csv", "inventory_sink_2020_2021.json",
                           "quicklook_stock_2020.png", "quicklook_sink_2020_2021.png",
                           "carbon_cube.nc", "stock_2020_classes.tif", "observed_stock_2021.tif",
                           "state_2021.tif", "categories_2020_2021.csv", "categories_2020_2021.json"})
    EXPECT_TRUE(fs::exists(fs::path(cfg.output_dir) / name)) << name;

  // The two WorldCover versions differ on some pixels: seen in one map only, those changes are
  // pending (confirm_years = 2), not booked: no conversion, the class stays, the stock does not jump.
  {
    std::string const sink = (fs::path(cfg.output_dir) / "sink_2020_2021.tif").string();
    auto const events = test::read_band(sink, 9), pending = test::read_band(sink, 10);
    auto const net = test::read_band(sink, 1), soil = test::read_band(sink, 7);
    auto const c1 = test::read_band((fs::path(cfg.output_dir) / "stock_2020.tif").string(), 6);
    auto const c2 = test::read_band((fs::path(cfg.output_dir) / "stock_2021.tif").string(), 6);
    auto const o2 = test::read_band((fs::path(cfg.output_dir) / "observed_stock_2021.tif").string(), 8);
    std::size_t pending_pixels = 0;
    for (std::size_t i = 0; i < net.size(); ++i) {
      if (std::isnan(net[i])) continue;
      EXPECT_EQ(int(events[i]) & 1, 0) << i;  // nothing confirmed in a two-map run
      EXPECT_EQ(c1[i], c2[i]) << i;          // the confirmed class holds
      if (!std::isnan(pending[i])) {
        ++pending_pixels;
        EXPECT_EQ(pending[i], o2[i]) << i;   // the class seen in 2021, waiting for 2022
        EXPECT_EQ(soil[i], 0.0f) << i;
      }
    }
    EXPECT_GT(pending_pixels, 0u);
  }

  std::ifstream mf(out.manifest);
  auto const manifest = nlohmann::json::parse(mf);
  for (int k = 0; k < 2; ++k) {
    jobs::inventory_job_options o;
    o.map = manifest["years"][k]["stock"];
    o.zones = cfg.zones;
    o.zone_field = cfg.zone_field;
    o.output = tmp.file("standalone.csv");
    o.run = quiet();
    o.run.tile = 128;
    EXPECT_EQ(jobs::run_inventory_job(o).total.total, manifest["years"][k]["total_mgc"].get<double>());
  }
  jobs::inventory_job_options s;
  s.map = manifest["sinks"][0]["sink"];
  s.zones = cfg.zones;
  s.zone_field = cfg.zone_field;
  s.output = tmp.file("standalone_sink.csv");
  s.run = quiet();
  auto const sink = jobs::run_inventory_job(s);
  EXPECT_TRUE(sink.sink);
  EXPECT_EQ(sink.total.total, manifest["sinks"][0]["total_mgc_per_yr"].get<double>());

  // The cube (CF NetCDF, read through GDAL's netCDF driver) holds each year's c_total on the
  // stock maps' grid: same geotransform, same CRS, same values.
  std::string const nc = "NETCDF:\"" + (fs::path(cfg.output_dir) / "carbon_cube.nc").string() + "\":c_total";
  GDALDatasetUniquePtr cds(GDALDataset::Open(nc.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(cds != nullptr);
  GDALDatasetUniquePtr sds(GDALDataset::Open(manifest["years"][0]["stock"].get<std::string>().c_str(), GDAL_OF_RASTER));
  double cgt[6], sgt[6];
  ASSERT_EQ(cds->GetGeoTransform(cgt), CE_None);
  ASSERT_EQ(sds->GetGeoTransform(sgt), CE_None);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(cgt[i], sgt[i], 1e-6) << i;
  ASSERT_NE(cds->GetSpatialRef(), nullptr);
  EXPECT_TRUE(cds->GetSpatialRef()->IsSame(sds->GetSpatialRef()));
  ASSERT_EQ(cds->GetRasterCount(), 2);
  EXPECT_STREQ(cds->GetRasterBand(1)->GetUnitType(), "Mg C/ha");
  std::size_t const dims[3] = {2, std::size_t(cds->GetRasterYSize()), std::size_t(cds->GetRasterXSize())};
  std::vector<float> cube(dims[0] * dims[1] * dims[2]);
  for (int k = 0; k < 2; ++k)
    ASSERT_EQ(cds->GetRasterBand(k + 1)->RasterIO(GF_Read, 0, 0, int(dims[2]), int(dims[1]),
                                                  cube.data() + k * dims[1] * dims[2], int(dims[2]), int(dims[1]),
                                                  GDT_Float32, 0, 0, nullptr),
              CE_None);
  for (int k = 0; k < 2; ++k) {
    auto const band = test::read_band(manifest["years"][k]["stock"], 5);  // c_total
    ASSERT_EQ(band.size(), dims[1] * dims[2]);
    for (std::size_t i = 0; i < band.size(); ++i) {
      float const c = cube[k * band.size() + i];
      ASSERT_TRUE((std::isnan(c) && std::isnan(band[i])) || c == band[i]) << k << " " << i;
    }
  }
}

TEST(RunJob, BadConfigNamesLineAndKey)
{
  test::temp_dir tmp;
  struct bad {
    std::string toml, expect;
  };
  std::vector<bad> const cases = {
    {"output = \"o\"\n[zones]\nfile = \"z.gpkg\"\nfield = \"n\"\n", "years"},
    {"output = \"o\"\n[[years]]\nyear = 2020\nlandcover = \"a.tif\"\n", "zones"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = \"2020\"\n", "years[0].year"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\n", "no scene, scenes, scene_list, stac or landcover"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nscene = \"s\"\nstac = \"i.json\"\n", "line 8: years[0].stac: give scene or stac, not both"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nscenes = [\"s\"]\nstac = \"i.json\"\n", "years[0].stac: give one of scenes, scene_list and stac"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 4294969317\nlandcover = \"a\"\n", "line 6: years[0].year: 4294969317 is out of range"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\nmaks = \"fill\"\n", "line 8: years[0].maks: unknown key (did you mean 'mask'?)"},
    {"output = \"o\"\nquicklook = false\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\n", "line 2: quicklook: unknown key (did you mean 'quicklooks'?)"},
    {"output = \"o\"\ncube = 1\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\n", "line 2: cube: expected true or false"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nscene_list = \"s.csv\"\nseason = [\"06-01\", \"13-30\"]\n", "years[0].season"},
    {"output = \"o\"\n[grid]\ncrs = \"EPSG:32650\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\n", "grid.resolution: missing"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\n[[years]]\nyear = 2020\nlandcover = \"b\"\n", "listed twice"},
    {"output = \"o\"\n[zones\n", "line 2"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nscene = \"s\"\nresolution = 15\n", "line 8: years[0].resolution: 15 m: a Sentinel-2 grid is 10, 20 or 60 m"},
    {"output = \"o\"\n[zones]\nfile = \"z\\u0000.gpkg\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\n", "line 3: zones.file: contains a NUL character"},
  };
  for (auto const& c : cases) {
    std::ofstream(tmp.file("c.toml")) << c.toml;
    try {
      jobs::load_run_config(tmp.file("c.toml"));
      FAIL() << c.toml;
    } catch (bad_input const& e) {
      std::string const m = e.what();
      EXPECT_NE(m.find("c.toml"), std::string::npos) << m;
      EXPECT_NE(m.find(c.expect), std::string::npos) << m;
    }
  }
}
