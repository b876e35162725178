// InVEST Coastal Blue Carbon parity: `sinkmap blue-carbon` on a generated transition timeline (a
// random biophysical table, a random transition matrix with every kind of cell, four snapshots
// and an analysis year) equals, pixel by pixel and in total, tests/tools/invest_cbc_reference.py,
// an independent NumPy transcription of InVEST's equations as its code computes them (see
// /work/notes in the note and docs/blue-carbon.md). Bad tables are refused by line and
// column.
#include "core/error.hpp"
#include "jobs/blue_carbon_job.hpp"
#include "test_paths.hpp"
#include "test_rasters.hpp"

#include <gtest/gtest.h>
#include <gdal_priv.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

using namespace sinkmap;
using json = nlohmann::json;

namespace {

constexpr int width = 12, height = 9, classes = 7;
std::vector<int> const years = {2000, 2004, 2011, 2020};
constexpr int analysis = 2031;
char const* names[classes] = {"Developed", "Tidal Flat", "Salt Marsh", "Reed Marsh", "Mangrove", "Seagrass", "Pond"};

// A python3 with NumPy (Debian's, which scripts/install-deps.sh installs), or "".
std::string numpy_python()
{
  for (char const* py : {"/usr/bin/python3", "python3"}) {
    std::string const cmd = std::string(py) + " -c 'import numpy' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return py;
  }
  return "";
}

struct timeline {
  test::temp_dir tmp;
  std::string bio, trans, snaps_json;
  std::vector<std::string> maps;
  std::vector<std::vector<int>> codes;  // per snapshot, row-major

  explicit timeline(unsigned seed)
  {
    GDALAllRegister();
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    // Biophysical table: lucodes 3, 6, 9, ...; some classes accumulate nothing, some half-lives 0.
    std::ostringstream b;
    b.precision(10);
    b << "lulc-class,lucode,biomass-initial,soil-initial,litter-initial,biomass-half-life,biomass-low-impact-disturb,"
         "biomass-med-impact-disturb,biomass-high-impact-disturb,biomass-yearly-accumulation,soil-half-life,"
         "soil-low-impact-disturb,soil-med-impact-disturb,soil-high-impact-disturb,soil-yearly-accumulation,"
         "litter-yearly-accumulation\n";
    for (int c = 0; c < classes; ++c) {
      bool const veg = c >= 2;
      auto r = [&](double hi) { return veg ? std::round(u(rng) * hi * 100) / 100 : 0.0; };
      double const bhl = c == 3 ? 0 : r(20), shl = c == 6 ? 0 : r(10);
      b << names[c] << "," << 3 * c << "," << r(80) << "," << r(300) << "," << r(5) << "," << bhl << "," << r(0.5) << ","
        << r(0.8) << "," << (veg ? 1.0 : 0.0) << "," << r(3) << "," << shl << "," << r(0.4) << "," << r(0.7) << ","
        << r(1.0) << "," << r(2) << "," << r(0.3) << "\n";
    }
    bio = tmp.file("biophysical.csv");
    std::ofstream(bio) << b.str();
    // Transition matrix: every kind of cell, the diagonal included.
    char const* cells[] = {"accum", "low-impact-disturb", "med-impact-disturb", "high-impact-disturb", "NCC", ""};
    std::ostringstream t;
    t << "lulc-class";
    for (auto const* n : names) t << "," << n;
    t << "\n";
    for (int f = 0; f < classes; ++f) {
      t << names[f];
      for (int c = 0; c < classes; ++c) t << "," << cells[rng() % 6];
      t << "\n";
    }
    trans = tmp.file("transitions.csv");
    std::ofstream(trans) << t.str();
    // Snapshots: each pixel keeps its class or changes with probability 0.4.
    std::vector<int> cur(std::size_t(width) * height);
    for (auto& v : cur) v = int(rng() % classes);
    json snaps = json::object();
    for (std::size_t s = 0; s < years.size(); ++s) {
      if (s > 0)
        for (auto& v : cur)
          if (u(rng) < 0.4) v = int(rng() % classes);
      std::vector<int> code(cur.size());
      for (std::size_t i = 0; i < cur.size(); ++i) code[i] = 3 * cur[i];
      codes.push_back(code);
      std::string const path = tmp.file("lulc_" + std::to_string(years[s]) + ".tif");
      GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), width, height, 1, GDT_Byte, nullptr);
      double gt[6] = {600000, 30, 0, 4200000, 0, -30};
      ds->SetGeoTransform(gt);
      OGRSpatialReference srs;
      srs.importFromEPSG(32650);
      ds->SetSpatialRef(&srs);
      std::vector<unsigned char> v(code.begin(), code.end());
      EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, width, height, v.data(), width, height, GDT_Byte, 0, 0, nullptr), CE_None);
      GDALClose(ds);
      maps.push_back(path);
      json rows = json::array();
      for (int y = 0; y < height; ++y) {
        json row = json::array();
        for (int x = 0; x < width; ++x) row.push_back(code[std::size_t(y) * width + x]);
        rows.push_back(row);
      }
      snaps[std::to_string(years[s])] = rows;
    }
    snaps_json = tmp.file("snapshots.json");
    std::ofstream(snaps_json) << snaps.dump();
  }

  jobs::blue_carbon_result run(std::string const& out, int tile = 0) const
  {
    jobs::blue_carbon_options o;
    o.biophysical = bio;
    o.transitions = trans;
    o.years = years;
    o.snapshots = maps;
    o.analysis_year = analysis;
    o.output = tmp.file(out);
    o.run.quiet = true;
    o.run.tile = tile;
    return jobs::run_blue_carbon_job(o);
  }
};

// The oracle's per-year arrays summed over [a, b) (pools given), per pixel.
std::vector<double> interval_sum(json const& o, char const* what, std::vector<char const*> const& pools, int a, int b)
{
  std::vector<double> s(std::size_t(width) * height, 0.0);
  auto const& fy = o["flux_years"];
  for (std::size_t i = 0; i < fy.size(); ++i) {
    int const y = fy[i];
    if (y < a || y >= b) continue;
    for (auto const* p : pools)
      for (int r = 0; r < height; ++r)
        for (int c = 0; c < width; ++c) {
          auto const& v = o[what][p][i][r][c];
          if (!v.is_null()) s[std::size_t(r) * width + c] += v.get<double>();
        }
  }
  return s;
}

void expect_close(std::vector<float> const& got, std::vector<double> const& want, std::string const& what)
{
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(double(got[i]), want[i], 1e-5 * std::abs(want[i]) + 2e-4) << what << " pixel " << i;
}

}  // namespace

TEST(BlueCarbon, EqualsTheNumPyTranscriptionOfInvestOnAGeneratedTimeline)
{
  std::string const py = numpy_python();
  // CI installs python3-numpy (scripts/install-deps.sh): there the oracle must run.
  if (py.empty() && std::getenv("CI")) FAIL() << "CI without a python3 with NumPy: the parity test cannot run";
  if (py.empty()) GTEST_SKIP() << "no python3 with NumPy (scripts/install-deps.sh installs python3-numpy)";
  for (unsigned seed : {1u, 2u, 3u}) {
    timeline t(seed);
    auto const r = t.run("cbc.tif");
    EXPECT_EQ(r.not_in_table, 0u);
    std::string const oracle_out = t.tmp.file("oracle.json");
    std::string const cmd = py + " " + (test::source_dir() / "tests/tools/invest_cbc_reference.py").string() + " " + t.bio +
                            " " + t.trans + " " + t.snaps_json + " --analysis-year " + std::to_string(analysis) + " > " +
                            oracle_out;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::ifstream f(oracle_out);
    json const o = json::parse(f);
    std::string const out = t.tmp.file("cbc.tif");
    auto band = [&](std::string const& name) {
      auto it = std::find(r.band_names.begin(), r.band_names.end(), name);
      EXPECT_NE(it, r.band_names.end()) << name;
      return test::read_band(out, int(it - r.band_names.begin()) + 1);
    };
    // Stocks of biomass and soil at each snapshot and the analysis year.
    std::vector<int> stock_years = years;
    stock_years.push_back(analysis);
    for (int y : stock_years) {
      std::size_t const yi = std::size_t(y - years.front());
      for (char const* p : {"biomass", "soil"}) {
        std::vector<double> want;
        for (int row = 0; row < height; ++row)
          for (int c = 0; c < width; ++c) want.push_back(o["stocks"][p][yi][row][c].get<double>());
        expect_close(band(std::string(p) + "_" + std::to_string(y)), want, std::string(p) + " " + std::to_string(y));
      }
    }
    // Per interval: realised accumulation (litter in the baseline only), emissions, net.
    std::vector<int> bounds = years;
    bounds.push_back(analysis);
    double total = 0;
    for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
      int const a = bounds[k], b = bounds[k + 1];
      std::string const span = std::to_string(a) + "_" + std::to_string(b);
      expect_close(band("accumulation_" + span), interval_sum(o, "accumulation", {"biomass", "soil", "litter"}, a, b), "accumulation " + span);
      expect_close(band("emissions_" + span), interval_sum(o, "emissions", {"biomass", "soil"}, a, b), "emissions " + span);
      expect_close(band("net_sequestration_" + span), interval_sum(o, "net_sequestration", {"biomass", "soil", "litter"}, a, b),
                   "net " + span);
      auto const& between = o["net_sequestration_between"][std::to_string(a) + "-" + std::to_string(b)];
      std::vector<double> want;
      for (auto const& row : between)
        for (auto const& v : row) want.push_back(v.get<double>());
      expect_close(band("net_sequestration_" + span), want, "net_sequestration_between " + span);
    }
    std::vector<double> want;
    for (auto const& row : o["total_net_sequestration"])
      for (auto const& v : row) {
        want.push_back(v.get<double>());
        total += v.get<double>();
      }
    expect_close(band("total_net_sequestration"), want, "total");
    // The map total: per-pixel values x the cell area (0.09 ha on this grid).
    EXPECT_NEAR(r.totals.at("total_net_sequestration"), total * 0.09, 1e-5 * std::abs(total) * 0.09 + 1e-3) << seed;
    // Tiles do not change a value.
    auto const tiled = t.run("cbc_tiled.tif", 4);
    for (std::size_t b = 1; b <= r.band_names.size(); ++b) {
      auto const x = test::read_band(out, int(b)), y = test::read_band(t.tmp.file("cbc_tiled.tif"), int(b));
      ASSERT_EQ(x, y) << r.band_names[b - 1];
    }
  }
}

TEST(BlueCarbon, BadTablesAreRefusedByLineAndColumn)
{
  timeline t(4);
  auto expect_bad = [&](std::string const& file, std::string const& text, std::vector<std::string> const& words) {
    std::ofstream(file) << text;
    try {
      t.run("bad.tif");
      ADD_FAILURE() << "accepted: " << text;
    } catch (bad_input const& e) {
      for (auto const& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
    }
  };
  std::ifstream bf(t.bio), tf(t.trans);
  std::string const bio((std::istreambuf_iterator<char>(bf)), {}), trans((std::istreambuf_iterator<char>(tf)), {});
  // A transition matrix naming a class the table lacks.
  expect_bad(t.trans, "lulc-class,Developed,Kelp Forest\nDeveloped,NCC,accum\n", {"transitions.csv line 1, column 3", "Kelp Forest"});
  expect_bad(t.trans, "lulc-class,Developed\nKelp Forest,NCC\n", {"transitions.csv line 2", "Kelp Forest"});
  expect_bad(t.trans, "lulc-class,Developed\nDeveloped,disturb\n", {"line 2", "'disturb'", "low-impact-disturb"});
  std::ofstream(t.trans) << trans;
  // A negative half-life; a fraction above 1.
  std::string neg = bio;
  std::size_t const row = neg.find("\nSalt Marsh,");
  std::size_t const line_no = std::size_t(std::count(bio.begin(), bio.begin() + std::ptrdiff_t(row), '\n')) + 2;
  std::istringstream ls(bio.substr(row + 1, bio.find('\n', row + 1) - row - 1));
  std::vector<std::string> f;
  for (std::string c; std::getline(ls, c, ',');) f.push_back(c);
  f[5] = "-2";
  std::string joined;
  for (auto const& c : f) joined += (joined.empty() ? "" : ",") + c;
  neg.replace(row + 1, bio.find('\n', row + 1) - row - 1, joined);
  expect_bad(t.bio, neg, {"biophysical.csv line " + std::to_string(line_no), "biomass-half-life", "-2"});
  f[5] = "1";
  f[8] = "1.5";
  joined.clear();
  for (auto const& c : f) joined += (joined.empty() ? "" : ",") + c;
  std::string over = bio;
  over.replace(row + 1, bio.find('\n', row + 1) - row - 1, joined);
  expect_bad(t.bio, over, {"biomass-high-impact-disturb", "1.5", "fraction"});
}
