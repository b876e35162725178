// GDAL-free streaming benchmark of one stage on the GPU and on the CPU of the same machine.
//
//   gpu_stream_bench [--stage index|carbon|composite|montecarlo] [--size N] [--tile-rows R]
//                    [--readers K] [--observations M] [--iterations I]
//
// Synthetic uint16 tiles are written once into the executor's slots (the warm-up run) and then
// streamed again, so the executor alone is measured, not a file reader. Reported:
//  - peers measured in the same run: pinned H2D and D2H copy bandwidth (one stream, one large
//    copy) and device-memory bandwidth (a device-to-device copy, read + write);
//  - per phase, from a single-slot run (copy in, kernel, copy out one after another, so no
//    phase waits behind another stream): H2D, kernel and D2H throughput;
//  - the pipelined run (several slots and streams): end to end against the copy bound, which is
//    the larger of the H2D and D2H times at peer bandwidth (PCIe is full duplex);
//  - the CPU executor on the same kernel and tiles, with every core: GPU / CPU speed-up.
#include "carbon/stage_tile_kernel.hpp"
#include "indices/index_request.hpp"
#include "indices/index_tile_kernel.hpp"
#include "pipeline/executor.hpp"
#include "montecarlo_problem.hpp"
#include "pipeline/stream_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#if SINKMAP_WITH_CUDA
#include <cuda_runtime.h>
#endif

using namespace sinkmap;

namespace {

double now_s()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Fills a tile's planes with deterministic vegetation-like DNs (and QA planes) once, in the
// warm-up run; afterwards the slot content is reused and read() does nothing.
struct synthetic_source : pipeline::tile_source {
  int planes = 0;
  std::function<std::uint16_t(int plane, std::size_t pixel)> value;
  bool fill = true;
  void read(int, pipeline::window const& w, void* dst) override
  {
    if (!fill) return;
    auto* out = static_cast<std::uint16_t*>(dst);
    std::size_t const n = w.pixels();
    for (int p = 0; p < planes; ++p)
      for (std::size_t i = 0; i < n; ++i) out[std::size_t(p) * n + i] = value(p, std::size_t(w.y) * w.w + i);
  }
};

struct null_sink : pipeline::tile_sink {
  void write(int, pipeline::window const&, void const*) override {}
};

std::uint32_t hash(std::uint32_t a, std::uint32_t b)
{
  std::uint32_t h = a * 2654435761u ^ b * 2246822519u;
  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  return h;
}

struct stage {
  std::string name;
  std::unique_ptr<pipeline::tile_kernel> kernel;
  int planes = 0;
  std::function<std::uint16_t(int, std::size_t)> value;
};

kernels::index_stage_params index_params(std::vector<kernels::band_role> const& roles,
                                         std::vector<std::string> const& names)
{
  auto const req = indices::make_index_request(names, {});
  kernels::index_stage_params p{};
  for (auto& r : p.plane_of_role) r = -1;
  for (std::size_t k = 0; k < roles.size(); ++k) {
    p.plane_of_role[int(roles[k])] = int(k);
    p.decode_of_role[int(roles[k])] = {2.75e-5, -0.2, 0.0, 1};
  }
  p.n_outputs = int(req.terms.size());
  for (std::size_t k = 0; k < req.terms.size(); ++k) p.terms[k] = req.terms[k];
  return p;
}

// blue, green, red, nir DNs of a vegetated scene with some water and bare ground.
std::uint16_t band_value(int band, std::size_t i)
{
  std::uint32_t const h = hash(std::uint32_t(i), std::uint32_t(band));
  int const noise = int(h & 511), veg = int((i / 512) % 3);
  switch (band) {
    case 0: return std::uint16_t(8000 + noise);
    case 1: return std::uint16_t(9000 + noise);
    case 2: return std::uint16_t(9500 + 700 * veg + noise);
    default: return std::uint16_t(20000 - 2500 * veg + noise);
  }
}

stage make_stage(std::string const& name, int observations)
{
  using kernels::band_role;
  stage s;
  s.name = name;
  if (name == "index") {
    auto const p = index_params({band_role::red, band_role::nir}, {"NDVI"});
    s.kernel = std::make_unique<indices::index_tile_kernel>(p, kernels::pixel_type::u16, 2);
    s.planes = 2;
    s.value = [](int b, std::size_t i) { return band_value(b + 2, i); };
  } else if (name == "carbon") {
    // The fused one-map pass: NDVI/NDWI classification, linear and power biomass models,
    // pools; c_total and the class leave the device (what the zonal sums read).
    auto p = std::make_unique<kernels::carbon_stage_params>();
    p->idx = index_params({band_role::blue, band_role::green, band_role::red, band_role::nir}, {"NDVI", "NDWI"});
    std::memset(p->tables.set_of, kernels::no_param_set, sizeof p->tables.set_of);
    std::memset(p->lut, kernels::unmapped_code, sizeof p->lut);
    p->classifier = {0, 1, 0.0f, 0.2f, 0.5f, 3, 4, 1, 2};
    kernels::class_params forest, grass, none;
    forest.form = kernels::agb_form::linear;
    forest.index_output = 0;
    forest.a = -20;
    forest.b = 300;
    forest.rs_steps = 1;
    forest.rs_below[0] = INFINITY;
    forest.rs_ratio[0] = 0.25f;
    forest.soil_c = 38;
    grass = forest;
    grass.form = kernels::agb_form::power;
    grass.a = 8;
    grass.b = 1.5f;
    p->tables.sets[0] = forest;
    p->tables.sets[1] = grass;
    p->tables.sets[2] = none;
    p->tables.n_sets = 3;
    for (int c = 1; c <= 4; ++c)
      for (int a = 0; a < kernels::age_classes; ++a) p->tables.set_of[c][0][a] = static_cast<unsigned char>(c == 1 ? 0 : c == 2 ? 1 : 2);
    p->n_emit = 2;
    p->emit[0] = 6;  // c_total
    p->emit[1] = 7;  // class
    s.kernel = std::make_unique<carbon::carbon_tile_kernel>(*p, kernels::pixel_type::u16, 4, 2,
                                                            SINKMAP_CUDA_LAUNCHER(launch_carbon_stage));
    s.planes = 4;
    s.value = band_value;
  } else if (name == "composite") {
    // A medoid of `observations` scenes of 4 bands and a QA plane each (a third cloudy), and
    // NDVI of the composite.
    auto p = std::make_unique<kernels::composite_stage_params>();
    auto& c = p->comp;
    c.method = kernels::composite_method::medoid;
    c.n_roles = 4;
    band_role const roles[4] = {band_role::blue, band_role::green, band_role::red, band_role::nir};
    for (int r = 0; r < 4; ++r) {
      c.roles[r] = roles[r];
      c.decode[0][r] = {2.75e-5, -0.2, 0.0, 1};
    }
    c.red_slot = 2;
    c.nir_slot = 3;
    c.n_obs = observations;
    for (int k = 0; k < observations; ++k) {
      c.obs[k].first_plane = 5 * k;
      c.obs[k].doy = 150 + k;
      c.obs[k].tests[0].plane = 5 * k + 4;
      c.obs[k].tests[0].mode = 2;
      c.obs[k].tests[0].set[0] = 1u;  // 0 = clear
    }
    auto const req = indices::make_index_request({"NDVI"}, {});
    p->n_indices = 1;
    p->terms[0] = req.terms[0];
    s.kernel = std::make_unique<carbon::composite_tile_kernel>(*p, kernels::pixel_type::u16, 5 * observations,
                                                               kernels::composite_output_count(*p),
                                                               SINKMAP_CUDA_LAUNCHER(launch_composite_stage));
    s.planes = 5 * observations;
    s.value = [](int plane, std::size_t i) -> std::uint16_t {
      int const obs = plane / 5, band = plane % 5;
      if (band == 4) return hash(std::uint32_t(i / 384), std::uint32_t(obs)) % 3 == 0 ? 4 : 0;
      return std::uint16_t(band_value(band, i) + (hash(std::uint32_t(i), std::uint32_t(plane)) & 255));
    };
  }
  return s;
}

#if SINKMAP_WITH_CUDA
double copy_gbps(cudaMemcpyKind kind, std::size_t bytes)
{
  void *h = nullptr, *d = nullptr, *d2 = nullptr;
  cudaMalloc(&d, bytes);
  if (kind == cudaMemcpyDeviceToDevice) cudaMalloc(&d2, bytes);
  else cudaHostAlloc(&h, bytes, cudaHostAllocDefault);
  void* dst = kind == cudaMemcpyHostToDevice ? d : kind == cudaMemcpyDeviceToHost ? h : d2;
  void* src = kind == cudaMemcpyHostToDevice ? h : d;
  cudaEvent_t a, b;
  cudaEventCreate(&a);
  cudaEventCreate(&b);
  cudaMemcpy(dst, src, bytes, kind);  // warm-up
  int const reps = 5;
  cudaEventRecord(a);
  for (int i = 0; i < reps; ++i) cudaMemcpyAsync(dst, src, bytes, kind);
  cudaEventRecord(b);
  cudaEventSynchronize(b);
  float ms = 0;
  cudaEventElapsedTime(&ms, a, b);
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  cudaFree(d);
  cudaFree(d2);
  cudaFreeHost(h);
  double const moved = double(bytes) * reps * (kind == cudaMemcpyDeviceToDevice ? 2 : 1);
  return moved / (ms * 1e-3) / 1e9;
}
#endif

// Two runs through the stream runner (the first fills the slots); returns the second's wall time.
double timed_run(pipeline::executor& ex, stage const& s, pipeline::tile_plan const& plan,
                 int readers, int slots)
{
  synthetic_source src;
  src.planes = s.planes;
  src.value = s.value;
  null_sink sink;
  pipeline::stream_options opt;
  opt.readers = readers;
  opt.slots = slots;
  pipeline::run_stream(plan, src, *s.kernel, ex, sink, opt);
  src.fill = false;
  double const t0 = now_s();
  pipeline::run_stream(plan, src, *s.kernel, ex, sink, opt);
  return now_s() - t0;
}

// The Monte Carlo (bench/montecarlo_problem.hpp: residuals, three classes, two zones) on the
// GPU over SIZE x SIZE pixels, and on the CPU executor of the same machine over a slice of the
// same problem (the CPU rate does not depend on the slice's size): pixel-iterations per second.
int montecarlo_bench(int size, int iterations, int readers)
{
  if (size > 8192) size = 8192;
  auto rate = [&](pipeline::executor& ex, int w, int h, int tile) {
    bench::mc_problem const pr(w, h, iterations, false);
    auto const t0 = std::chrono::steady_clock::now();
    auto const r = pr.run(ex, tile, readers);
    double const s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    long long check = 0;
    for (auto const& [key, v] : r.totals) check += v.empty() ? 0 : v.front();
    std::printf("  %-5s %5dx%-5d x %d iterations: %8.2f s, %8.3f G pixel-iterations/s (checksum %lld)\n",
                ex.name().c_str(), w, h, iterations, s, double(w) * h * iterations / s / 1e9, check);
    return double(w) * h * iterations / s;
  };
  std::printf("stage montecarlo: %d iterations, per-pixel residuals, 3 classes, 2 zones\n", iterations);
  auto cpu = pipeline::make_executor(pipeline::device_kind::cpu);
  int const cpu_rows = std::max(64, std::min(size, int(2e8 / (double(size) * iterations))));
  double const cpu_rate = rate(*cpu, size, cpu_rows, 1024);
  if (pipeline::cuda_device_count() == 0) {
    std::printf("no usable CUDA device (%s): CPU only\n", pipeline::cuda_unavailable_reason().c_str());
    return 0;
  }
  std::printf("device: %s\n", pipeline::cuda_device_description().c_str());
  auto gpu = pipeline::make_cuda_executor();
  double const gpu_rate = rate(*gpu, size, size, 2048);
  std::printf("GPU / CPU (%u threads) = %.1fx; target >= 50 G pixel-iterations/s on an H100: %s\n",
              std::thread::hardware_concurrency(), gpu_rate / cpu_rate, gpu_rate >= 50e9 ? "met" : "NOT met");
  return 0;
}

}  // namespace

int main(int argc, char** argv)
{
  std::string stage_name = "index";
  int size = 16384, tile_rows = 0, readers = 4, observations = 24, iterations = 1000;
  for (int a = 1; a < argc; ++a) {
    std::string const k = argv[a];
    auto next = [&] {
      if (a + 1 >= argc) {
        std::fprintf(stderr, "gpu_stream_bench: %s needs a value\n", k.c_str());
        std::exit(2);
      }
      return std::string(argv[++a]);
    };
    if (k == "--stage") stage_name = next();
    else if (k == "--size") size = std::atoi(next().c_str());
    else if (k == "--tile-rows") tile_rows = std::atoi(next().c_str());
    else if (k == "--readers") readers = std::atoi(next().c_str());
    else if (k == "--observations") observations = std::atoi(next().c_str());
    else if (k == "--iterations") iterations = std::atoi(next().c_str());
    else {
      std::fprintf(stderr, "gpu_stream_bench: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (stage_name != "index" && stage_name != "carbon" && stage_name != "composite" && stage_name != "montecarlo") {
    std::fprintf(stderr, "gpu_stream_bench: --stage index, carbon, composite or montecarlo\n");
    return 2;
  }
  if (stage_name == "montecarlo") return montecarlo_bench(size, iterations, readers);
  if (stage_name == "composite" && size > 4096) size = 4096;  // 24 scenes x 5 planes per pixel
  if (pipeline::cuda_device_count() == 0) {
    std::printf("gpu_stream_bench: no usable CUDA device (%s), nothing to measure\n",
                pipeline::cuda_unavailable_reason().c_str());
    return 0;
  }
#if SINKMAP_WITH_CUDA
  stage const s = make_stage(stage_name, observations);
  std::printf("device: %s\n", pipeline::cuda_device_description().c_str());
  std::size_t const probe = std::size_t(512) << 20;
  double const h2d_peer = copy_gbps(cudaMemcpyHostToDevice, probe);
  double const d2h_peer = copy_gbps(cudaMemcpyDeviceToHost, probe);
  double const dev_peer = copy_gbps(cudaMemcpyDeviceToDevice, probe);
  std::printf("peers (same run): pinned H2D %.1f GB/s, pinned D2H %.1f GB/s, device memory "
              "(D2D copy, read+write) %.1f GB/s\n", h2d_peer, d2h_peer, dev_peer);

  std::size_t const in_px = s.kernel->input_bytes_per_pixel(), out_px = s.kernel->output_bytes_per_pixel();
  if (tile_rows == 0) tile_rows = int(std::max<std::size_t>(16, (std::size_t(128) << 20) / ((in_px + out_px) * std::size_t(size))));
  tile_rows = std::min(tile_rows, size);
  pipeline::tile_plan const plan(size, size, size, tile_rows);
  std::size_t const pixels = std::size_t(size) * size;
  std::size_t const in_bytes = pixels * in_px, out_bytes = pixels * out_px;
  std::printf("stage %s: %dx%d pixels, %zu B in and %zu B out per pixel, %d tiles of %dx%d\n",
              s.name.c_str(), size, size, in_px, out_px, plan.count(), size, tile_rows);

  // Phases, one slot: copy in, kernel, copy out of each tile strictly one after another, so no
  // phase's time includes a wait behind another stream.
  pipeline::executor_stats st;
  {
    auto ex = pipeline::make_cuda_executor(true);
    std::size_t const max_px = plan.max_tile_pixels();
    ex->allocate(1, max_px * in_px, max_px * out_px);
    synthetic_source src;
    src.planes = s.planes;
    src.value = s.value;
    src.read(0, plan.tile(0), ex->host_input(0));
    ex->submit(0, plan.tile(0), *s.kernel);  // warm-up (module load, first launch)
    ex->wait(0);
    st = ex->stats();
    for (int t = 0; t < plan.count(); ++t) {
      ex->submit(0, plan.tile(t), *s.kernel);
      ex->wait(0);
    }
    auto const after = ex->stats();
    st.h2d_ms = after.h2d_ms - st.h2d_ms;
    st.kernel_ms = after.kernel_ms - st.kernel_ms;
    st.d2h_ms = after.d2h_ms - st.d2h_ms;
  }
  double const h2d_ms = st.h2d_ms, k_ms = st.kernel_ms, d2h_ms = st.d2h_ms;
  double const kernel_gbps = double(in_bytes + out_bytes) / (k_ms * 1e-3) / 1e9;
  std::printf("H2D    %7.1f GB/s (%.0f ms, single stream) = %.0f%% of the pinned-copy peer\n",
              in_bytes / (h2d_ms * 1e-3) / 1e9, h2d_ms, 100 * in_bytes / (h2d_ms * 1e-3) / 1e9 / h2d_peer);
  std::printf("kernel %7.1f GB/s (%.0f ms) = %.0f%% of device memory bandwidth; %.0f Mpixel/s\n",
              kernel_gbps, k_ms, 100 * kernel_gbps / dev_peer, pixels / (k_ms * 1e-3) / 1e6);
  std::printf("D2H    %7.1f GB/s (%.0f ms, single stream)\n", out_bytes / (d2h_ms * 1e-3) / 1e9, d2h_ms);

  // Pipelined: several slots and streams.
  auto gpu = pipeline::make_cuda_executor(false);
  double const wall = timed_run(*gpu, s, plan, readers, pipeline::default_slot_count(readers, true));
  double const copy_bound = std::max(double(in_bytes) / (h2d_peer * 1e9), double(out_bytes) / (d2h_peer * 1e9));
  std::printf("GPU end to end %.3f s, %.0f Mpixel/s = %.0f%% of the copy bound (%.3f s, the larger of "
              "H2D and D2H at peer bandwidth); serial phases would take %.3f s\n",
              wall, pixels / wall / 1e6, 100 * copy_bound / wall, copy_bound, (h2d_ms + k_ms + d2h_ms) * 1e-3);

  // The CPU executor on the same kernel and tiles.
  int const cores = int(std::max(1u, std::thread::hardware_concurrency()));
  auto cpu = pipeline::make_cpu_executor();
  double const cpu_wall = timed_run(*cpu, s, plan, cores, pipeline::default_slot_count(cores, false));
  std::printf("CPU executor (%d threads) %.3f s, %.0f Mpixel/s; GPU / CPU = %.1fx\n", cores, cpu_wall,
              pixels / cpu_wall / 1e6, cpu_wall / wall);
  if (s.name == "composite")
    std::printf("composite: %d observations, %.3g observation-pixels/s on the GPU, %.3g on the CPU\n",
                observations, double(observations) * pixels / wall, double(observations) * pixels / cpu_wall);
#endif
  return 0;
}
