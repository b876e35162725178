// GPU equals CPU: the CUDA executor, through the same stream runner, gives the CPU's floats bit
// for bit, for every index (kNDVI's tanh included) and every biomass model form (power,
// exponential and log through kernels/deterministic_math.hpp).
#include "carbon/stage_tile_kernel.hpp"
#include "gpu/gpu_test.hpp"
#include "carbon_fixture.hpp"
#include "memory_scene.hpp"

#include <memory>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace sinkmap;

namespace {

int ulp_distance(float a, float b)
{
  std::int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  if (ia < 0) ia = std::int32_t(0x80000000u - std::uint32_t(ia));
  if (ib < 0) ib = std::int32_t(0x80000000u - std::uint32_t(ib));
  return std::abs(ia - ib);
}

using CudaExecutor = test::gpu_test;

}  // namespace

TEST_F(CudaExecutor, EqualsCpuForAllIndicesAndTileSizes)
{
  auto const k = test::all_index_kernel();
  int const n_out = k.params().n_outputs;
  for (auto [w, h] : {std::pair{1, 1}, {33, 31}, {1000, 1000}}) {
    test::memory_scene scene(w, h, 6);
    auto const ref = test::untiled_reference(scene, k);
    for (int tile : {32, 33, 256, 4096}) {
      test::memory_sink sink(w, h, n_out);
      auto ex = pipeline::make_cuda_executor();
      pipeline::stream_options opt;
      opt.readers = 2;
      opt.slots = pipeline::default_slot_count(2, true);
      pipeline::run_stream(pipeline::tile_plan(w, h, tile, tile), scene, k, *ex, sink, opt);
      std::size_t const n = std::size_t(w) * h;
      for (int b = 0; b < n_out; ++b)
        for (std::size_t i = 0; i < n; ++i) {
          float const g = sink.planes[std::size_t(b) * n + i], c = ref[std::size_t(b) * n + i];
          ASSERT_TRUE(test::same_float(g, c))
            << "band " << b << " pixel " << i << ": " << g << " vs " << c << " ("
            << ulp_distance(g, c) << " ulp)";
        }
    }
  }
}

TEST_F(CudaExecutor, ProfilingCountsBytesOfEveryTile)
{
  auto const k = test::all_index_kernel({"NDVI"});
  test::memory_scene scene(512, 512, 6);
  test::memory_sink sink(512, 512, 1);
  auto ex = pipeline::make_cuda_executor(true);
  pipeline::stream_options opt;
  opt.readers = 2;
  opt.slots = 4;
  pipeline::run_stream(pipeline::tile_plan(512, 512, 512, 128), scene, k, *ex, sink, opt);
  auto const st = ex->stats();
  EXPECT_EQ(st.tiles, 4u);
  EXPECT_EQ(st.h2d_bytes, 512u * 512 * 6 * 2);
  EXPECT_EQ(st.d2h_bytes, 512u * 512 * 4);
  EXPECT_GT(st.kernel_ms, 0.0);
}

TEST_F(CudaExecutor, CarbonStageEqualsCpu)
{
  auto const k = std::make_unique<carbon::carbon_tile_kernel>(*test::carbon_fixture_params(), kernels::pixel_type::u16,
                                                              7, kernels::carbon_outputs,
                                                              SINKMAP_CUDA_LAUNCHER(launch_carbon_stage));
  int const w = 517, h = 389;
  test::memory_scene scene(w, h, 7);
  std::size_t const n = std::size_t(w) * h;
  for (std::size_t i = 0; i < n; ++i) scene.planes[6 * n + i] = std::uint16_t(i % 7);
  std::vector<float> cpu(n * kernels::carbon_outputs);
  k->run_cpu(scene.planes.data(), cpu.data(), n, 0, n);
  test::memory_sink sink(w, h, kernels::carbon_outputs);
  auto ex = pipeline::make_cuda_executor();
  pipeline::stream_options opt;
  opt.readers = 2;
  opt.slots = pipeline::default_slot_count(2, true);
  pipeline::run_stream(pipeline::tile_plan(w, h, 128, 128), scene, *k, *ex, sink, opt);
  std::size_t compared = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    float const g = sink.planes[i], c = cpu[i];
    ASSERT_TRUE(test::same_float(g, c)) << "plane " << i / n << " pixel " << i % n << " (NaN bits differ?)";
    if (std::isnan(c)) continue;
    ASSERT_TRUE(test::same_float(g, c))
      << "plane " << i / n << " pixel " << i % n << ": " << g << " vs " << c << " ("
      << ulp_distance(g, c) << " ulp)";
    ++compared;
  }
  EXPECT_GT(compared, n);
}

namespace {

// A composite over a memory scene: `count` observations of 3 roles (red, nir, swir1) and a QA
// plane each (clear where bit 0 is unset: about half the samples), Landsat C2L2 scaling.
kernels::composite_stage_params composite_params(kernels::composite_method method,
                                                 std::vector<kernels::observation>& obs, int count)
{
  kernels::composite_stage_params p;
  auto& c = p.comp;
  c.method = method;
  c.n_roles = 3;
  c.roles[0] = kernels::band_role::red;
  c.roles[1] = kernels::band_role::nir;
  c.roles[2] = kernels::band_role::swir1;
  c.red_slot = 0;
  c.nir_slot = 1;
  for (int r = 0; r < 3; ++r) c.decode[0][r] = {2.75e-5, -0.2, 0.0, 1};
  c.valid_min = 0.0f;
  c.valid_max = 1.0f;
  c.n_obs = count;
  obs.assign(std::size_t(count), {});
  for (int k = 0; k < count; ++k) {
    obs[k].first_plane = 4 * k;
    obs[k].doy = 150 + k;
    obs[k].tests[0].plane = 4 * k + 3;
    obs[k].tests[0].mode = 1;
    obs[k].tests[0].set[0] = 1u;
  }
  p.with_doy = 1;
  auto const req = indices::make_index_request({"NDVI"}, {});
  p.n_indices = 1;
  p.terms[0] = req.terms[0];
  return p;
}

}  // namespace

// 8 observations, and 150 (beyond the old fixed limit of 64: the device observation table and
// the per-pixel device workspace).
TEST_F(CudaExecutor, CompositeEqualsCpuForEveryMethod)
{
  for (int count : {8, 150}) {
    int const w = 301, h = count > 8 ? 131 : 257;
    test::memory_scene scene(w, h, 4 * count);
    std::size_t const n = std::size_t(w) * h;
    for (auto method :
         {kernels::composite_method::medoid, kernels::composite_method::median, kernels::composite_method::max_ndvi}) {
      std::vector<kernels::observation> obs;
      auto const p = composite_params(method, obs, count);
      int const outs = kernels::composite_output_count(p);
      carbon::composite_tile_kernel const k(p, kernels::pixel_type::u16, 4 * count, outs,
                                            SINKMAP_CUDA_LAUNCHER(launch_composite_stage), obs);
      std::vector<float> cpu(n * std::size_t(outs));
      k.run_cpu(scene.planes.data(), cpu.data(), n, 0, n);
      test::memory_sink sink(w, h, outs);
      auto ex = pipeline::make_cuda_executor();
      pipeline::stream_options opt;
      opt.readers = 2;
      opt.slots = pipeline::default_slot_count(2, true);
      pipeline::run_stream(pipeline::tile_plan(w, h, 64, 64), scene, k, *ex, sink, opt);
      for (std::size_t i = 0; i < cpu.size(); ++i)
        ASSERT_TRUE(test::same_float(sink.planes[i], cpu[i]))
          << count << " observations, method " << int(method) << " plane " << i / n << " pixel " << i % n;
    }
  }
}

TEST_F(CudaExecutor, SinkAndTrendEqualCpu)
{
  int const w = 211, h = 97;
  std::size_t const n = std::size_t(w) * h;
  // Sink: 16 float planes (two years of c_total, pools, agb, class, nbr) from a memory scene
  // turned into plausible values; every rule occurs.
  test::memory_scene scene(w, h, 16);
  std::vector<float> planes(scene.planes.size());
  for (std::size_t i = 0; i < planes.size(); ++i) planes[i] = float(scene.planes[i]) / 100.0f;
  for (int y = 0; y < 2; ++y)
    for (std::size_t i = 0; i < n; ++i) {
      planes[std::size_t(12 + y) * n + i] = float(1 + (scene.planes[std::size_t(12 + y) * n + i] % 3));  // class 1..3
      planes[std::size_t(14 + y) * n + i] = float(scene.planes[std::size_t(14 + y) * n + i]) / 12000.0f;  // nbr
    }
  kernels::sink_params p;
  for (int y = 0; y < 2; ++y) {
    p.planes.c_total[y] = y;
    p.planes.c_above[y] = 2 + y;
    p.planes.c_below[y] = 4 + y;
    p.planes.c_dead[y] = 6 + y;
    p.planes.c_soil[y] = 8 + y;
    p.planes.agb[y] = 10 + y;
    p.planes.cls[y] = 12 + y;
    p.planes.nbr[y] = 14 + y;
  }
  p.opt.years = 3;
  p.opt.dnbr_threshold = 0.27f;
  std::memset(p.tables.set_of, kernels::no_param_set, sizeof p.tables.set_of);
  kernels::class_params forest;
  forest.form = kernels::agb_form::constant;
  forest.a = 90.9f;
  forest.rs_steps = 2;
  forest.rs_below[0] = 125;
  forest.rs_below[1] = INFINITY;
  forest.rs_ratio[0] = 0.225f;
  forest.rs_ratio[1] = 0.229f;
  forest.growth = 3.3f;
  forest.loss_fraction = 1;
  p.tables.sets[0] = forest;
  p.tables.n_sets = 1;
  for (int c = 1; c <= 3; ++c) {
    p.tables.group_of[c] = static_cast<unsigned char>(kernels::class_group::forest);
    for (int a = 0; a < 2; ++a) p.tables.set_of[c][0][a] = 0;
  }
  p.opt.imagery[3] = 1;
  struct float_scene : pipeline::tile_source {
    int w, h, b;
    std::vector<float> const& v;
    float_scene(int w_, int h_, int b_, std::vector<float> const& v_) : w(w_), h(h_), b(b_), v(v_) {}
    void read(int, pipeline::window const& win, void* dst) override
    {
      auto* out = static_cast<float*>(dst);
      for (int k = 0; k < b; ++k)
        for (int y = 0; y < win.h; ++y)
          std::memcpy(out + std::size_t(k) * win.pixels() + std::size_t(y) * win.w,
                      v.data() + (std::size_t(k) * h + win.y + y) * w + win.x, std::size_t(win.w) * 4);
    }
  };
  auto compare = [&](pipeline::tile_kernel const& k, int inputs, int outputs) {
    std::vector<float> cpu(n * std::size_t(outputs));
    k.run_cpu(planes.data(), cpu.data(), n, 0, n);
    float_scene src(w, h, inputs, planes);
    test::memory_sink sink(w, h, outputs);
    auto ex = pipeline::make_cuda_executor();
    pipeline::stream_options opt;
    opt.readers = 2;
    opt.slots = pipeline::default_slot_count(2, true);
    pipeline::run_stream(pipeline::tile_plan(w, h, 64, 32), src, k, *ex, sink, opt);
    for (std::size_t i = 0; i < cpu.size(); ++i)
      ASSERT_TRUE(test::same_float(sink.planes[i], cpu[i])) << "plane " << i / n << " pixel " << i % n;
  };
  compare(carbon::sink_tile_kernel(p, kernels::pixel_type::f32, 16, kernels::sink_outputs,
                                   SINKMAP_CUDA_LAUNCHER(launch_sink_stage)),
          16, kernels::sink_outputs);
  // Trend over the 16 planes as 16 years, with ties (rounded values) and gaps.
  for (std::size_t i = 0; i < planes.size(); ++i) {
    planes[i] = std::round(planes[i] / 10.0f);
    if (scene.planes[i] % 7 == 0) planes[i] = NAN;
  }
  kernels::trend_params tp;
  tp.n_years = 16;
  for (int k = 0; k < 16; ++k) tp.years[k] = float(2000 + k + (k > 8 ? 2 : 0));
  compare(carbon::trend_tile_kernel(tp, kernels::pixel_type::f32, 16, kernels::trend_outputs,
                                    SINKMAP_CUDA_LAUNCHER(launch_trend_stage)),
          16, kernels::trend_outputs);
}

TEST_F(CudaExecutor, FailedCallKeepsTheCudaErrorCode)
{
  // More device memory than any card has: cudaMalloc fails with cudaErrorMemoryAllocation (2),
  // a non-sticky error, and the executor stays usable.
  auto ex = pipeline::make_cuda_executor();
  try {
    ex->allocate(1, std::size_t(1) << 50, 16);
    FAIL() << "an allocation of 1 PiB succeeded";
  } catch (cuda_error const& e) {
    EXPECT_EQ(e.error_code(), 2) << e.what();
    EXPECT_FALSE(e.sticky());
    EXPECT_NE(std::string(e.what()).find("cudaErrorMemoryAllocation"), std::string::npos) << e.what();
  }
  auto const k = test::all_index_kernel({"NDVI"});
  test::memory_scene scene(64, 64, 6);
  test::memory_sink sink(64, 64, 1);
  pipeline::stream_options opt;
  pipeline::run_stream(pipeline::tile_plan(64, 64, 32, 32), scene, k, *ex, sink, opt);
  auto const ref = test::untiled_reference(scene, k);
  for (std::size_t i = 0; i < ref.size(); ++i) ASSERT_TRUE(test::same_float(sink.planes[i], ref[i])) << i;
}
