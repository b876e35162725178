// The catalogue agrees with the Awesome Spectral Indices v1 catalogue: same bands, same default
// constants (read independently here with nlohmann-json when ../shared/data is present).
#include "core/error.hpp"
#include "indices/index_catalog.hpp"
#include "sensors/band_role_names.hpp"
#include "test_paths.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#if SINKMAP_HAVE_JSON
#include <nlohmann/json.hpp>
#endif
#include <set>
#include <sstream>

using namespace sinkmap;

TEST(IndexCatalog, HasTheTwelveRequiredIndices)
{
  for (auto name : {"NDVI", "EVI", "EVI2", "SAVI", "MSAVI2", "NDWI", "MNDWI", "NDMI", "NBR",
                    "GNDVI", "kNDVI", "NIRv"})
    EXPECT_NO_THROW(indices::find_index(name)) << name;
  EXPECT_EQ(indices::find_index("savi").defaults.at(0), 0.5f);
  auto const& evi = indices::find_index("EVI");
  EXPECT_EQ(evi.constant_names, (std::vector<std::string>{"g", "C1", "C2", "L"}));
  EXPECT_EQ(evi.defaults, (std::vector<float>{2.5f, 6.f, 7.5f, 1.f}));
  EXPECT_FALSE(evi.source.empty());
}

TEST(IndexCatalog, UnknownIndexNamesItAndListsKnown)
{
  try {
    indices::find_index("FOO");
    FAIL();
  } catch (bad_input const& e) {
    std::string const m = e.what();
    EXPECT_NE(m.find("'FOO'"), std::string::npos);
    EXPECT_NE(m.find("NDVI"), std::string::npos);
  }
}

#if SINKMAP_HAVE_JSON
TEST(IndexCatalog, BandsAndDefaultsMatchAwesomeSpectralIndicesV1)
{
  auto const path = test::shared_data() / "asi/output/v1/spectral-indices-dict.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  std::ifstream f(path);
  auto const asi = nlohmann::json::parse(f).at("SpectralIndices");
  static std::map<std::string, std::string> const symbol = {
    {"blue", "B"}, {"green", "G"}, {"red", "R"}, {"nir", "N"}, {"swir1", "S1"}, {"swir2", "S2"}};
  for (auto const& info : indices::all_indices()) {
    ASSERT_TRUE(asi.contains(info.name)) << info.name;
    auto const& entry = asi.at(info.name);
    std::set<std::string> theirs, ours;
    for (auto const& b : entry.at("bands")) theirs.insert(b.get<std::string>());
    for (auto r : info.roles) ours.insert(symbol.at(std::string(sensors::role_name(r))));
    EXPECT_EQ(ours, theirs) << info.name;
    for (std::size_t c = 0; c < info.constant_names.size(); ++c) {
      if (info.name == "kNDVI") continue;  // sigma: the authors' per-pixel choice, see models/
      auto const& k = entry.at("constants").at(info.constant_names[c]);
      EXPECT_FLOAT_EQ(info.defaults[c], k.at("default_value").get<float>())
        << info.name << "." << info.constant_names[c];
    }
  }
}
#endif
