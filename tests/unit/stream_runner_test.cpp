// Tiled equals untiled, any thread count, any tile size; errors stop the pipeline.
#include "core/error.hpp"
#include "memory_scene.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace sinkmap;

namespace {

std::vector<float> run_tiled(test::memory_scene& scene, indices::index_tile_kernel const& k,
                             int tile, int threads)
{
  test::memory_sink sink(scene.width, scene.height, k.params().n_outputs);
  auto ex = pipeline::make_cpu_executor();
  pipeline::tile_plan const plan(scene.width, scene.height, tile, tile);
  pipeline::stream_options opt;
  opt.readers = threads;
  opt.slots = pipeline::default_slot_count(threads, false);
  pipeline::run_stream(plan, scene, k, *ex, sink, opt);
  return sink.planes;
}

void expect_identical(std::vector<float> const& a, std::vector<float> const& b)
{
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_TRUE(test::same_float(a[i], b[i])) << "at " << i << ": " << a[i] << " vs " << b[i];
}

}  // namespace

TEST(StreamRunner, TiledEqualsUntiledForEdgeSizes)
{
  auto const k = test::all_index_kernel();
  for (auto [w, h] : {std::pair{1, 1}, {31, 33}, {32, 32}, {257, 130}}) {
    test::memory_scene scene(w, h, 6);
    auto const ref = test::untiled_reference(scene, k);
    for (int tile : {1, 31, 32, 33, 64, 100000})
      for (int threads : {1, 4}) {
        if (tile == 1 && w * h > 2000) continue;
        SCOPED_TRACE(testing::Message() << w << "x" << h << " tile " << tile << " threads " << threads);
        expect_identical(run_tiled(scene, k, tile, threads), ref);
      }
  }
}

TEST(StreamRunner, NodataAndZeroDenominatorsAreNaN)
{
  auto const k = test::all_index_kernel({"NDVI"});
  test::memory_scene scene(64, 64, 6);
  auto const out = run_tiled(scene, k, 16, 2);
  std::size_t const n = 64 * 64;
  std::size_t nans = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint16_t const red = scene.planes[2 * n + i], nir = scene.planes[3 * n + i];
    if (red == 0 || nir == 0) {
      EXPECT_TRUE(std::isnan(out[i]));
      ++nans;
    } else {
      double const r = float(red * 2.75e-5 - 0.2), nv = float(nir * 2.75e-5 - 0.2);
      if (r + nv == 0) EXPECT_TRUE(std::isnan(out[i]));
      else EXPECT_NEAR(out[i], (nv - r) / (nv + r), 1e-5 * std::max(1.0, std::abs((nv - r) / (nv + r))));
    }
  }
  EXPECT_GT(nans, 0u);
}

namespace {
struct failing_source : pipeline::tile_source {
  void read(int, pipeline::window const& w, void*) override
  {
    if (w.y >= 64) throw runtime_failure("disk went away");
  }
};
struct counting_sink : pipeline::tile_sink {
  int tiles = 0;
  void write(int, pipeline::window const&, void const*) override { ++tiles; }
};
}  // namespace

TEST(StreamRunner, FirstErrorStopsAllThreadsAndIsRethrown)
{
  auto const k = test::all_index_kernel({"NDVI"});
  failing_source src;
  counting_sink sink;
  auto ex = pipeline::make_cpu_executor();
  pipeline::stream_options opt;
  opt.readers = 3;
  opt.slots = 4;
  EXPECT_THROW(pipeline::run_stream(pipeline::tile_plan(64, 4096, 64, 32), src, k, *ex, sink, opt),
               runtime_failure);
  EXPECT_LT(sink.tiles, 128);
}
