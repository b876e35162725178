// sinkmap run on the bundled two-year sample: every output exists, the fused inventories equal
// standalone `inventory` runs, the HDF5 cube (read independently with the HDF5 C API) equals the
// stock maps, and bad configs name the line and key.
#include "core/error.hpp"
#include "jobs/inventory_job.hpp"
#include "jobs/run_job.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
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
                           "carbon_stock_cube.h5"})
    EXPECT_TRUE(fs::exists(fs::path(cfg.output_dir) / name)) << name;

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

  // The cube, read with the HDF5 C API, holds each year's c_total band.
  hid_t const f = H5Fopen((fs::path(cfg.output_dir) / "carbon_stock_cube.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  hid_t const d = H5Dopen2(f, "c_total", H5P_DEFAULT);
  hid_t const space = H5Dget_space(d);
  hsize_t dims[3];
  ASSERT_EQ(H5Sget_simple_extent_ndims(space), 3);
  H5Sget_simple_extent_dims(space, dims, nullptr);
  EXPECT_EQ(dims[0], 2u);
  std::vector<float> cube(dims[0] * dims[1] * dims[2]);
  ASSERT_GE(H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, cube.data()), 0);
  hid_t const plist = H5Dget_create_plist(d);
  EXPECT_EQ(H5Pget_layout(plist), H5D_CHUNKED);
  EXPECT_GT(H5Pget_nfilters(plist), 0);
  EXPECT_GT(H5Aexists(d, "crs_wkt"), 0);
  EXPECT_GT(H5Aexists(d, "geotransform"), 0);
  H5Pclose(plist);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  for (int k = 0; k < 2; ++k) {
    auto const band = test::read_band(manifest["years"][k]["stock"], 7);
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
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\n", "no scene, scenes, scene_list or landcover"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 4294969317\nlandcover = \"a\"\n", "line 6: years[0].year: 4294969317 is out of range"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\nmaks = \"fill\"\n", "line 8: years[0].maks: unknown key (did you mean 'mask'?)"},
    {"output = \"o\"\nquicklook = false\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\n", "line 2: quicklook: unknown key (did you mean 'quicklooks'?)"},
    {"output = \"o\"\ncube = 1\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\n", "line 2: cube: expected true or false"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nscene_list = \"s.csv\"\nseason = [\"06-01\", \"13-30\"]\n", "years[0].season"},
    {"output = \"o\"\n[grid]\ncrs = \"EPSG:32650\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\n", "grid.resolution: missing"},
    {"output = \"o\"\n[zones]\nfile = \"z\"\nfield = \"n\"\n[[years]]\nyear = 2020\nlandcover = \"a\"\n[[years]]\nyear = 2020\nlandcover = \"b\"\n", "listed twice"},
    {"output = \"o\"\n[zones\n", "line 2"},
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
