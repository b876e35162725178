// validate and calibrate through GDAL and HDF5: area-weighted extraction with a known answer,
// GEDI shots against an independent HDF5 read, plot-file errors naming line and field, the real
// TropiSAR plots, and calibration recovering known coefficients end to end.
#include "core/error.hpp"
#include "jobs/validate_job.hpp"
#include "models/carbon_model.hpp"
#include "test_paths.hpp"
#include "validate/gedi_l4a.hpp"
#include "test_rasters.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>

#include <cmath>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace sinkmap;
namespace fs = std::filesystem;

namespace {

// A 4 x 3 float map in UTM 50N with 10 m pixels: value = 10 * (col + 1) + row, one nodata pixel.
std::string small_map(test::temp_dir const& tmp)
{
  GDALAllRegister();
  std::string const path = tmp.file("map.tif");
  GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), 4, 3, 1, GDT_Float32, nullptr);
  double gt[6] = {500000, 10, 0, 4000000, 0, -10};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.importFromEPSG(32650);
  ds->SetSpatialRef(&srs);
  float v[12];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) v[r * 4 + c] = float(10 * (c + 1) + r);
  v[2 * 4 + 3] = NAN;  // bottom-right pixel is nodata
  ds->GetRasterBand(1)->SetNoDataValue(NAN);
  EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 4, 3, v, 4, 3, GDT_Float32, 0, 0, nullptr), CE_None);
  GDALClose(ds);
  return path;
}

}  // namespace

TEST(Extraction, AreaWeightedMeanHasTheKnownAnswer)
{
  test::temp_dir tmp;
  std::string const map = small_map(tmp);
  // Plot A: polygon over the right half of pixel (0,0) and all of pixel (1,0):
  //   weights 50 m2 x 10 + 100 m2 x 20 -> (500 + 2000) / 150 = 16.6667.
  // Plot B: point in pixel (2,1) -> 31. Plot C: polygon on the nodata pixel only -> excluded.
  // Plot D: outside the map. Plot E: polygon over pixels (2,2) (=32) and (3,2) (nodata) -> 32.
  std::ofstream(tmp.file("plots.csv")) << "id,x,y,agb\n"
                                       << "A,500005,4000000,1\nA,500020,4000000,1\nA,500020,3999990,1\nA,500005,3999990,1\n"
                                       << "B,500025,3999985,2\n"
                                       << "C,500031,3999979,3\nC,500039,3999979,3\nC,500039,3999971,3\nC,500031,3999971,3\n"
                                       << "D,600000,3999985,4\n"
                                       << "E,500022,3999978,5\nE,500038,3999978,5\nE,500038,3999972,5\nE,500022,3999972,5\n";
  validate::plot_options o;
  o.crs = "EPSG:32650";
  auto const plots = validate::load_plots({tmp.file("plots.csv")}, o, io::grid_of_file(map).crs_wkt);
  ASSERT_EQ(plots.size(), 5u);
  auto const ex = validate::extract(map, 1, plots);
  EXPECT_NEAR(ex[0].predicted, 2500.0 / 150.0, 1e-9);
  EXPECT_EQ(ex[0].pixels, 2);
  EXPECT_NEAR(ex[1].predicted, 31.0, 1e-12);
  EXPECT_EQ(ex[2].excluded, "wholly on nodata");
  EXPECT_EQ(ex[3].excluded, "outside the map");
  EXPECT_NEAR(ex[4].predicted, 32.0, 1e-9);
  EXPECT_EQ(ex[4].pixels, 1);
}

TEST(Plots, FileErrorsNameLineAndField)
{
  test::temp_dir tmp;
  std::string const map = small_map(tmp);
  std::string const wkt = io::grid_of_file(map).crs_wkt;
  struct bad {
    std::string csv, crs, expect;
  };
  std::vector<bad> const cases = {
    {"id,x,agb\nA,1,2\n", "EPSG:32650", "no column y"},
    {"id,x,y,agb\nA,1,2,3\nB,4,five,6\n", "EPSG:32650", "line 3 field y"},
    {"id,x,y,agb\nA,1,2,x3\n", "EPSG:32650", "line 2 field agb"},
    {"id,x,y,agb\nA,1,2,3\n", "EPSG:999999", "--plots-crs"},
    {"id,x,y\nA,1,2\n", "EPSG:32650", "observed-value column"},
  };
  for (auto const& c : cases) {
    std::ofstream(tmp.file("p.csv")) << c.csv;
    validate::plot_options o;
    o.crs = c.crs;
    try {
      validate::load_plots({tmp.file("p.csv")}, o, wkt);
      FAIL() << c.csv;
    } catch (bad_input const& e) {
      EXPECT_NE(std::string(e.what()).find(c.expect), std::string::npos) << e.what();
    }
  }
}

TEST(Plots, SizesAndValuesThatCannotBeRightAreNamedAndNaPlotsCounted)
{
  test::temp_dir tmp;
  std::string const map = small_map(tmp);
  std::string const wkt = io::grid_of_file(map).crs_wkt;
  struct bad {
    std::string csv, expect;
  };
  // A negative area once crashed GEOS's buffer (NaN radius); zero and huge sizes were reported
  // as "outside the map"; a negative biomass was accepted.
  std::vector<bad> const cases = {
    {"id,x,y,value,SIZE_HA\nP1,500010,3999990,100,-1\n", "line 2 field SIZE_HA"},
    {"id,x,y,value,radius_m\nP1,500010,3999990,100,0\n", "line 2 field radius_m"},
    {"id,x,y,value,SIZE_HA\nP1,500010,3999990,100,1e12\n", "not a plot's size"},
    {"id,x,y,value,SIZE_HA\nP1,500010,3999990,100,nan\n", "SIZE_HA"},
    {"id,x,y,value\nP1,500010,3999990,-5\n", "cannot be negative"},
    {"id,x,y,value\nP1,500010,3999990,inf\n", "line 2 field value"},
  };
  for (auto const& c : cases) {
    std::ofstream(tmp.file("p.csv")) << c.csv;
    validate::plot_options o;
    o.crs = "EPSG:32650";
    try {
      validate::load_plots({tmp.file("p.csv")}, o, wkt);
      FAIL() << c.csv;
    } catch (bad_input const& e) {
      EXPECT_NE(std::string(e.what()).find(c.expect), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("p.csv"), std::string::npos) << e.what();
    }
  }
  // NA values: plots kept without a value and counted; rows with a size that share an id are
  // separate plots (and said so).
  std::ofstream(tmp.file("p.csv")) << "id,x,y,value,SIZE_HA\nP1,500005,3999995,NA,0.01\nP2,500015,3999995,12,0.01\n"
                                   << "P2,500025,3999995,13,0.01\nP3,500035,3999995,,0.01\n";
  validate::plot_options o;
  o.crs = "EPSG:32650";
  std::vector<std::string> notes;
  auto const plots = validate::load_plots({tmp.file("p.csv")}, o, wkt, &notes);
  ASSERT_EQ(plots.size(), 4u);
  EXPECT_TRUE(std::isnan(plots[0].observed));
  EXPECT_EQ(plots[2].id, "P2#2");
  EXPECT_EQ(plots[2].observed, 13);
  EXPECT_TRUE(std::isnan(plots[3].observed));
  std::string all;
  for (auto const& n : notes) all += n + "\n";
  EXPECT_NE(all.find("2 of 4 plots have no observed value"), std::string::npos) << all;
  EXPECT_NE(all.find("share the id 'P2'"), std::string::npos) << all;
  // Bins that do not increase.
  jobs::validate_options v;
  v.map = map;
  v.plots = {tmp.file("p.csv")};
  v.plot_options = o;
  v.bins = {0, 200, 100};
  v.report_dir = tmp.file("r");
  try {
    jobs::run_validate_job(v);
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("--bins"), std::string::npos) << e.what();
  }
}

TEST(Gedi, QualityShotsEqualAnIndependentHdf5Read)
{
  fs::path const dir = test::shared_data() / "gedi4r-l4a";
  if (!fs::exists(dir)) GTEST_SKIP() << "no " << dir;
  std::size_t total = 0;
  for (auto const& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".h5") continue;
    // Independent read: every BEAM group's agbd and l4_quality_flag.
    std::size_t n = 0;
    double sum = 0;
    hid_t const f = H5Fopen(e.path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    for (auto const* beam : {"BEAM0000", "BEAM0001", "BEAM0010", "BEAM0011", "BEAM0101", "BEAM0110",
                             "BEAM1000", "BEAM1011"}) {
      if (H5Lexists(f, beam, H5P_DEFAULT) <= 0) continue;
      auto read = [&](char const* name, hid_t type, auto& v) {
        hid_t const d = H5Dopen2(f, (std::string(beam) + "/" + name).c_str(), H5P_DEFAULT);
        hid_t const s = H5Dget_space(d);
        v.resize(std::size_t(H5Sget_simple_extent_npoints(s)));
        H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
        H5Sclose(s);
        H5Dclose(d);
      };
      std::vector<double> agbd;
      std::vector<unsigned char> q;
      read("agbd", H5T_NATIVE_DOUBLE, agbd);
      read("l4_quality_flag", H5T_NATIVE_UCHAR, q);
      for (std::size_t i = 0; i < agbd.size(); ++i)
        if (q[i] == 1 && agbd[i] != -9999) {
          ++n;
          sum += agbd[i];
        }
    }
    H5Fclose(f);
    auto const shots = validate::read_gedi_l4a(e.path().string(), false);
    ASSERT_EQ(shots.size(), n) << e.path();
    total += n;
    double ours = 0;
    for (auto const& s : shots) ours += s.agbd;
    if (n) EXPECT_NEAR(ours / double(shots.size()), sum / double(n), 1e-9) << e.path();
    EXPECT_GE(validate::read_gedi_l4a(e.path().string(), true).size(), shots.size());
  }
  EXPECT_GT(total, 100u);
}

TEST(Gedi, AnHdf5FileThatIsNotGediSaysWhatIsMissing)
{
  test::temp_dir tmp;
  hid_t const f = H5Fcreate(tmp.file("x.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t const g = H5Gcreate2(f, "BEAM0000", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(g);
  H5Fclose(f);
  try {
    validate::read_gedi_l4a(tmp.file("x.h5"), false);
    FAIL();
  } catch (bad_input const& e) {
    EXPECT_NE(std::string(e.what()).find("BEAM0000/agbd is missing"), std::string::npos) << e.what();
  }
}

TEST(Validate, TropiSarMapAgainstRealPlots)
{
  fs::path const d = test::shared_data() / "plot2map-agb-plots/aTnT";
  if (!fs::exists(d)) GTEST_SKIP() << "no " << d;
  test::temp_dir tmp;
  jobs::validate_options o;
  o.map = (d / "tropiSAR_100m.tif").string();
  o.plots = {(d / "PolyTropiSAR.csv").string()};
  o.plot_options.crs = "EPSG:32622";
  o.plot_options.values_file = (d / "PolyTropiAGB.csv").string();
  o.report_dir = tmp.file("report");
  auto const r = jobs::run_validate_job(o);
  EXPECT_EQ(r.rows.size(), 28u);
  EXPECT_GE(r.all.n, 20u);
  EXPECT_GT(r.all.r2, 0.2);
  EXPECT_LT(r.all.rrmse_pct, 40);
  for (auto const* f : {"metrics.json", "plots.csv", "scatter.png", "report.html"})
    EXPECT_TRUE(fs::exists(fs::path(o.report_dir) / f)) << f;
  // The residual map: one marker per used plot on the map.
  std::ifstream hf(fs::path(o.report_dir) / "report.html");
  std::string const html((std::istreambuf_iterator<char>(hf)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("Residuals on the map"), std::string::npos);
  std::size_t markers = 0;
  for (std::size_t p = html.find("<circle"); p != std::string::npos; p = html.find("<circle", p + 1)) ++markers;
  EXPECT_EQ(markers, std::size_t(r.all.n));
  std::ifstream mf(fs::path(o.report_dir) / "metrics.json");
  auto const j = nlohmann::json::parse(mf);
  for (auto const* k : {"n", "bias", "mae", "rmse", "rrmse_pct", "r2", "pearson_r", "slope",
                        "intercept", "tre_pct", "mpe_pct", "by_class", "by_bin"})
    EXPECT_TRUE(j.contains(k)) << k;
}

TEST(Calibrate, RecoversAKnownLinearNdviModelEndToEnd)
{
  // A synthetic scene whose NDVI varies smoothly; plots whose AGB = -40 + 300 NDVI + 2 % noise.
  test::temp_dir tmp;
  test::raster_spec spec;
  spec.width = spec.height = 200;
  spec.bands = 2;
  spec.has_nodata = false;
  std::size_t const n = std::size_t(spec.width) * spec.height;
  std::vector<std::uint16_t> planes(2 * n);
  for (int r = 0; r < spec.height; ++r)
    for (int c = 0; c < spec.width; ++c) {
      std::size_t const i = std::size_t(r) * spec.width + c;
      planes[i] = std::uint16_t(800 + 4 * c);         // red
      planes[n + i] = std::uint16_t(3000 + 10 * r);   // nir
    }
  test::write_u16(tmp.file("scene.tif"), spec, planes);
  std::mt19937 rng(5);
  std::normal_distribution<double> noise(0, 0.02);
  std::ofstream csv(tmp.file("plots.csv"));
  csv << "id,x,y,agb\n";
  for (int k = 0; k < 80; ++k) {
    int const c = 5 + (k * 37) % 190, r = 5 + (k * 53) % 190;
    double const red = 800 + 4 * c, nir = 3000 + 10 * r;
    double const ndvi = (nir - red) / (nir + red);
    double const x = spec.origin_x + (c + 0.5) * spec.pixel, y = spec.origin_y - (r + 0.5) * spec.pixel;
    csv.precision(10);
    csv << "P" << k << "," << x << "," << y << "," << (-40 + 300 * ndvi) * (1 + noise(rng)) << "\n";
  }
  csv.close();
  jobs::calibrate_options o;
  o.scenes = {tmp.file("scene.tif")};
  o.scene_options.bands = {"red=1", "nir=2"};
  o.plots = {tmp.file("plots.csv")};
  o.plot_options.crs = "EPSG:32650";
  o.form = "linear";
  o.cls = "natural_forest_broadleaf";
  o.output = tmp.file("model.json");
  o.run.quiet = true;
  auto const r = jobs::run_calibrate_job(o);
  EXPECT_EQ(r.plots, 80u);
  EXPECT_NEAR(r.fit.a, -40, 8);
  EXPECT_NEAR(r.fit.b, 300, 12);
  EXPECT_EQ(r.cv.n, 80u);
  EXPECT_LT(r.cv.rrmse_pct, 5);
  auto const m = models::load_carbon_model(o.output);
  auto const& forest = m.tables->sets[kernels::param_set(*m.tables, *m.class_id(o.cls), 0, 0)];
  EXPECT_EQ(forest.form, kernels::agb_form::linear);
  EXPECT_NEAR(forest.b, r.fit.b, 1e-3);
  EXPECT_EQ(m.index_names, std::vector<std::string>{"NDVI"});
  // The fit's covariance and residual SD travel with the model for the Monte Carlo.
  ASSERT_EQ(m.joints.size(), 1u);
  EXPECT_NEAR(m.joints[0].covariance[3], r.fit.cov_bb, 1e-9 * r.fit.cov_bb);
  EXPECT_GT(r.fit.cov_aa, 0);
  EXPECT_NEAR(forest.residual_sd, r.fit.residual_sd, 1e-3);
  for (auto const& e : fs::directory_iterator(tmp.path))  // no temporary index raster is left
    EXPECT_NE(e.path().filename().string().front(), '.') << e.path();
}
