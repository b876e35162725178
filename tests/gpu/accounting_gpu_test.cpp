// GPU equals CPU for the yearly carbon accounting: the CUDA kernel carries every pixel of
// accounting_fixture.hpp's mixed series (conversions, flicker, disturbance, growth to the cap,
// random class and NBR paths) through ten maps and gives the CPU loop's floats bit for bit, on a
// fresh start and on a run continued from the state, with wood removals from statistics.
#include "carbon/stage_tile_kernel.hpp"
#include "gpu/gpu_test.hpp"
#include "memory_scene.hpp"
#include "unit/accounting_fixture.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace sinkmap;
using namespace sinkmap::test::accounting;

namespace {

using AccountingGpu = test::gpu_test;

std::vector<pixel_series> random_pixels(int years, std::size_t n)
{
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> agb(0, 250), nbr(-0.2f, 0.8f);
  std::vector<pixel_series> px;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<int> c(std::size_t(years - 1));
    // Every class of the fixture, wetlands included (restoration, extraction, drainage).
    int cur = 1 + int(rng() % 11);
    for (auto& v : c) {
      if (rng() % 4 == 0) cur = int(rng() % 12);
      v = cur;
    }
    std::vector<float> b(static_cast<std::size_t>(years));
    for (auto& v : b) v = rng() % 7 == 0 ? NAN : nbr(rng);
    auto s = start_as(1 + int(rng() % 11), agb(rng), c, b);
    s.age = rng() % 3 == 0 ? NAN : float(rng() % 60);
    s.harvest_zone = float(rng() % 3);
    px.push_back(s);
  }
  return px;
}

// Removal statistics in zones 1 and 2 in alternate years.
void set_harvest(accounting_params& p)
{
  p.n_harvest_zones = 2;
  for (int y = 0; y < p.n_years; ++y) {
    p.harvest_m3_per_ha[0][y] = y % 2 == 0 ? 12.0f : NAN;
    p.harvest_m3_per_ha[1][y] = y % 2 == 1 ? 40.0f : NAN;
  }
}

std::vector<float> run_on_gpu(accounting_params const& p, std::vector<float> const& in, std::size_t n)
{
  int const inputs = int(in.size() / n), outputs = accounting_outputs(p);
  carbon::accounting_tile_kernel const k(p, kernels::pixel_type::f32, inputs, outputs,
                                         SINKMAP_CUDA_LAUNCHER(launch_accounting_stage));
  auto ex = pipeline::make_cuda_executor();
  ex->allocate(1, in.size() * sizeof(float), std::size_t(outputs) * n * sizeof(float));
  std::memcpy(ex->host_input(0), in.data(), in.size() * sizeof(float));
  ex->submit(0, pipeline::window{0, 0, int(n), 1}, k);
  ex->wait(0);
  auto const* o = static_cast<float const*>(ex->host_output(0));
  return {o, o + std::size_t(outputs) * n};
}

void expect_same(std::vector<float> const& gpu, std::vector<float> const& cpu, std::size_t n)
{
  ASSERT_EQ(gpu.size(), cpu.size());
  for (std::size_t i = 0; i < cpu.size(); ++i)
    ASSERT_TRUE(test::same_float(gpu[i], cpu[i]))
      << "plane " << i / n << " pixel " << i % n << ": " << gpu[i] << " vs " << cpu[i];
}

}  // namespace

TEST_F(AccountingGpu, FreshAndContinuedRunsEqualCpu)
{
  int const years = 10;
  std::size_t const n = 50000;
  auto const px = random_pixels(years, n);
  auto p = make_params(years, 2010);
  set_harvest(*p);
  auto const in = fresh_inputs(*p, px);
  auto const cpu = run_cpu(*p, in, n);
  expect_same(run_on_gpu(*p, in, n), cpu, n);

  result const r{*p, cpu, n};
  auto q = make_params(years - 1, 2020);
  q->state_year = 2019;
  set_harvest(*q);
  auto const in2 = continued_inputs(*q, px, 1, r.state_planes());
  expect_same(run_on_gpu(*q, in2, n), run_cpu(*q, in2, n), n);
}
