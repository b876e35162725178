// GDAL-free streaming benchmark of one stage on the GPU and on the CPU executor of the same
// machine.
//
//   gpu_stream_bench [--stage index|carbon|composite|montecarlo] [--size N] [--tile-rows R]
//                    [--readers K] [--observations M] [--iterations I]
//
// Each backend streams the synthetic scene twice:
//  1. the check run: every tile is generated from its global pixel ids and every output tile is
//     hashed (64-bit, per tile); GPU and CPU must give the same hashes, byte for byte (NaN is
//     stored canonically on both), at benchmark scale. It also warms up the device (module
//     load, first launches) and fills every slot with valid data;
//  2. the timed run: the reader does nothing (the slots keep the check run's scene data; all
//     tiles have one size), so the executor alone is measured, not a generator or file reader.
// Reported:
//  - peers measured in the same run: pinned H2D and D2H copy bandwidth (one stream, one large
//    copy) and device-memory bandwidth (a device-to-device copy, read + write);
//  - per phase, from a single-slot run (copy in, kernel, copy out one after another, so no
//    phase waits behind another stream): H2D, kernel and D2H throughput;
//  - the pipelined run (several slots and streams): end to end against the copy bound, which is
//    the larger of the H2D and D2H times at peer bandwidth (PCIe is full duplex);
//  - the CPU executor on the same kernel and tiles, with one worker per core: GPU / CPU.
// The last line, "SUMMARY key=value ...", is what scripts/gpu-check.sh tabulates.
#include "carbon/stage_tile_kernel.hpp"
#include "indices/index_request.hpp"
#include "indices/index_tile_kernel.hpp"
#include "pipeline/executor.hpp"
#include "montecarlo_problem.hpp"
#include "pipeline/stream_runner.hpp"

#include "core/error.hpp"

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
#include "sinkmap/kernels/cuda_check.hpp"

#include <cuda_runtime.h>
#endif

using namespace sinkmap;

namespace {

double now_s()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Deterministic vegetation-like DNs (and QA planes) from global pixel ids, in the check run;
// in the timed run the slot content is reused and read() does nothing.
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

// Hashes each output tile (its planes, not the reduction block): 64-bit words mixed with a
// multiply-rotate (fast enough for gigabytes in the writer thread; collisions do not matter for
// an equality check between two backends).
struct hashing_sink : pipeline::tile_sink {
  std::vector<std::uint64_t> tile_hash;
  std::size_t bytes_per_pixel = 0;
  bool enabled = true;
  void write(int t, pipeline::window const& w, void const* src) override
  {
    if (!enabled) return;
    std::size_t const bytes = w.pixels() * bytes_per_pixel;
    auto const* p = static_cast<unsigned char const*>(src);
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ bytes;
    std::size_t k = 0;
    for (; k + 8 <= bytes; k += 8) {
      std::uint64_t v;
      std::memcpy(&v, p + k, 8);
      h = (h ^ v) * 0xff51afd7ed558ccdull;
      h = (h << 31) | (h >> 33);
    }
    for (; k < bytes; ++k) h = (h ^ p[k]) * 0x100000001b3ull;
    tile_hash.at(std::size_t(t)) = h;
  }
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
    std::vector<kernels::observation> obs(static_cast<std::size_t>(observations));
    for (int k = 0; k < observations; ++k) {
      obs[k].first_plane = 5 * k;
      obs[k].doy = 150 + k;
      obs[k].tests[0].plane = 5 * k + 4;
      obs[k].tests[0].mode = 2;
      obs[k].tests[0].set[0] = 1u;  // 0 = clear
    }
    auto const req = indices::make_index_request({"NDVI"}, {});
    p->n_indices = 1;
    p->terms[0] = req.terms[0];
    s.kernel = std::make_unique<carbon::composite_tile_kernel>(*p, kernels::pixel_type::u16, 5 * observations,
                                                               kernels::composite_output_count(*p),
                                                               SINKMAP_CUDA_LAUNCHER(launch_composite_stage), obs);
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
// One large copy of `bytes`, five times after a warm-up: GB/s (device-to-device counts read and
// write).
double copy_gbps(cudaMemcpyKind kind, std::size_t bytes)
{
  void *h = nullptr, *d = nullptr, *d2 = nullptr;
  SINKMAP_CUDA_TRY(cudaMalloc(&d, bytes));
  if (kind == cudaMemcpyDeviceToDevice) SINKMAP_CUDA_TRY(cudaMalloc(&d2, bytes));
  else SINKMAP_CUDA_TRY(cudaHostAlloc(&h, bytes, cudaHostAllocDefault));
  void* dst = kind == cudaMemcpyHostToDevice ? d : kind == cudaMemcpyDeviceToHost ? h : d2;
  void* src = kind == cudaMemcpyHostToDevice ? h : d;
  cudaEvent_t a, b;
  SINKMAP_CUDA_TRY(cudaEventCreate(&a));
  SINKMAP_CUDA_TRY(cudaEventCreate(&b));
  SINKMAP_CUDA_TRY(cudaMemcpy(dst, src, bytes, kind));  // warm-up
  int const reps = 5;
  SINKMAP_CUDA_TRY(cudaEventRecord(a));
  for (int i = 0; i < reps; ++i) SINKMAP_CUDA_TRY(cudaMemcpyAsync(dst, src, bytes, kind));
  SINKMAP_CUDA_TRY(cudaEventRecord(b));
  SINKMAP_CUDA_TRY(cudaEventSynchronize(b));
  float ms = 0;
  SINKMAP_CUDA_TRY(cudaEventElapsedTime(&ms, a, b));
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  cudaFree(d);
  cudaFree(d2);
  cudaFreeHost(h);
  double const moved = double(bytes) * reps * (kind == cudaMemcpyDeviceToDevice ? 2 : 1);
  return moved / (ms * 1e-3) / 1e9;
}
#endif

struct backend_run {
  double wall_s = 0;                 ///< the timed run
  std::vector<std::uint64_t> hashes;  ///< per tile, from the check run
};

// The check run (tiles generated, outputs hashed; also the warm-up), then the timed run.
backend_run run_backend(pipeline::executor& ex, stage const& s, pipeline::tile_plan const& plan, int readers,
                        int slots)
{
  synthetic_source src;
  src.planes = s.planes;
  src.value = s.value;
  hashing_sink sink;
  sink.tile_hash.assign(std::size_t(plan.count()), 0);
  sink.bytes_per_pixel = s.kernel->output_bytes_per_pixel();
  pipeline::stream_options opt;
  opt.readers = readers;
  opt.slots = slots;
  pipeline::run_stream(plan, src, *s.kernel, ex, sink, opt);
  src.fill = false;
  sink.enabled = false;
  double const t0 = now_s();
  pipeline::run_stream(plan, src, *s.kernel, ex, sink, opt);
  return {now_s() - t0, sink.tile_hash};
}

int cpu_cores() { return int(std::max(1u, std::thread::hardware_concurrency())); }

// The Monte Carlo (bench/montecarlo_problem.hpp: residuals, three classes, two zones):
// pixel-iterations per second on the CPU executor (one worker per core) over a slice of rows
// (its rate does not depend on the slice's size), and on the GPU over SIZE x SIZE after a
// warm-up on that slice, whose totals and SD plane must equal the CPU's to the last bit.
int montecarlo_bench(int size, int iterations)
{
  if (size > 8192) size = 8192;
  int const cores = cpu_cores();
  auto timed = [&](pipeline::executor& ex, bench::mc_problem const& pr, int tile, int readers,
                   bench::mc_problem::result* keep) {
    double const t0 = now_s();
    auto r = pr.run(ex, tile, readers);
    double const s = now_s() - t0;
    double const rate = double(pr.width) * pr.height * iterations / s;
    std::printf("  %-5s %5dx%-5d x %d iterations, %d workers: %8.2f s, %8.3f G pixel-iterations/s\n",
                ex.name().c_str(), pr.width, pr.height, iterations, readers, s, rate / 1e9);
    if (keep) *keep = std::move(r);
    return rate;
  };
  std::printf("stage montecarlo: %d iterations, per-pixel residuals, 3 classes, 2 zones\n", iterations);
  int const cpu_rows = std::max(64, std::min(size, int(4e8 / (double(size) * iterations) * cores / 16)));
  bench::mc_problem const slice(size, cpu_rows, iterations, false);
  auto cpu = pipeline::make_cpu_executor();
  bench::mc_problem::result cpu_result;
  double const cpu_rate = timed(*cpu, slice, 1024, cores, &cpu_result);
  if (pipeline::cuda_device_count() == 0) {
    std::printf("no usable CUDA device (%s): CPU only\n", pipeline::cuda_unavailable_reason().c_str());
    std::printf("SUMMARY stage=montecarlo size=%d cpu_rate=%.4g cpu_threads=%d gpu=none\n", size, cpu_rate, cores);
    return 0;
  }
  std::printf("device: %s\n", pipeline::cuda_device_description().c_str());
  auto gpu = pipeline::make_cuda_executor();
  bench::mc_problem::result gpu_slice;
  timed(*gpu, slice, 1024, 4, &gpu_slice);  // warm-up and the equality check
  bool equal = gpu_slice.totals == cpu_result.totals && gpu_slice.sd.size() == cpu_result.sd.size() &&
               std::memcmp(gpu_slice.sd.data(), cpu_result.sd.data(), cpu_result.sd.size() * sizeof(float)) == 0;
  std::printf("GPU == CPU on %dx%d x %d: %s (iteration totals of %zu cells, SD plane bytes)\n", size, cpu_rows,
              iterations, equal ? "yes" : "NO", cpu_result.totals.size());
  bench::mc_problem const full(size, size, iterations, false);
  double const gpu_rate = timed(*gpu, full, 2048, 4, nullptr);
  std::printf("GPU / CPU (%d threads) = %.1fx; target >= 50 G pixel-iterations/s on an H100: %s\n", cores,
              gpu_rate / cpu_rate, gpu_rate >= 50e9 ? "met" : "NOT met");
  std::printf("SUMMARY stage=montecarlo size=%d gpu_rate=%.4g cpu_rate=%.4g cpu_threads=%d speedup=%.1f equal=%s\n",
              size, gpu_rate, cpu_rate, cores, gpu_rate / cpu_rate, equal ? "yes" : "NO");
  return equal ? 0 : 3;
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
  if (size < 64 || iterations < 2 || observations < 1 || readers < 1) {
    std::fprintf(stderr, "gpu_stream_bench: --size >= 64, --iterations >= 2, --observations >= 1, --readers >= 1\n");
    return 2;
  }
  try {
    if (stage_name == "montecarlo") return montecarlo_bench(size, iterations);
    if (stage_name == "composite" && size > 4096) size = 4096;  // 24 scenes x 5 planes per pixel
    if (pipeline::cuda_device_count() == 0) {
      std::printf("gpu_stream_bench: no usable CUDA device (%s), nothing to measure\n",
                  pipeline::cuda_unavailable_reason().c_str());
      std::printf("SUMMARY stage=%s size=%d gpu=none\n", stage_name.c_str(), size);
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
    if (tile_rows == 0) {
      // About 128 MB of input and output per tile, a power of two so that every tile of a
      // power-of-two scene has one size (the timed run reuses slot content across tiles).
      std::size_t const want = std::max<std::size_t>(16, (std::size_t(128) << 20) / ((in_px + out_px + s.kernel->scratch_bytes_per_pixel()) * std::size_t(size)));
      tile_rows = 16;
      while (std::size_t(tile_rows) * 2 <= want) tile_rows *= 2;
    }
    tile_rows = std::min(tile_rows, size);
    pipeline::tile_plan const plan(size, size, size, tile_rows);
    std::size_t const pixels = std::size_t(size) * size;
    std::size_t const in_bytes = pixels * in_px, out_bytes = pixels * out_px;
    std::printf("stage %s: %dx%d pixels, %zu B in and %zu B out per pixel, %d tiles of %dx%d\n",
                s.name.c_str(), size, size, in_px, out_px, plan.count(), size, tile_rows);

    // Phases, one slot: copy in, kernel, copy out of each tile strictly one after another, so
    // no phase's time includes a wait behind another stream.
    pipeline::executor_stats st;
    {
      auto ex = pipeline::make_cuda_executor(true);
      std::size_t const max_px = plan.max_tile_pixels();
      ex->allocate(1, max_px * in_px, max_px * out_px, max_px * s.kernel->scratch_bytes_per_pixel());
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
    double const h2d_gbps = in_bytes / (h2d_ms * 1e-3) / 1e9, d2h_gbps = out_bytes / (d2h_ms * 1e-3) / 1e9;
    double const kernel_gbps = double(in_bytes + out_bytes) / (k_ms * 1e-3) / 1e9;
    std::printf("H2D    %7.1f GB/s (%.0f ms, single stream) = %.0f%% of the pinned-copy peer\n", h2d_gbps, h2d_ms,
                100 * h2d_gbps / h2d_peer);
    std::printf("kernel %7.1f GB/s (%.0f ms) = %.0f%% of device memory bandwidth; %.0f Mpixel/s\n", kernel_gbps,
                k_ms, 100 * kernel_gbps / dev_peer, pixels / (k_ms * 1e-3) / 1e6);
    std::printf("D2H    %7.1f GB/s (%.0f ms, single stream) = %.0f%% of the pinned-copy peer\n", d2h_gbps, d2h_ms,
                100 * d2h_gbps / d2h_peer);

    // Pipelined: several slots and streams.
    auto gpu = pipeline::make_cuda_executor(false);
    auto const g = run_backend(*gpu, s, plan, readers, pipeline::default_slot_count(readers, true));
    double const copy_bound = std::max(double(in_bytes) / (h2d_peer * 1e9), double(out_bytes) / (d2h_peer * 1e9));
    std::printf("GPU end to end %.3f s, %.0f Mpixel/s = %.0f%% of the copy bound (%.3f s, the larger of "
                "H2D and D2H at peer bandwidth); serial phases would take %.3f s\n",
                g.wall_s, pixels / g.wall_s / 1e6, 100 * copy_bound / g.wall_s, copy_bound,
                (h2d_ms + k_ms + d2h_ms) * 1e-3);

    // The CPU executor on the same kernel and tiles, one worker per core.
    int const cores = cpu_cores();
    auto cpu = pipeline::make_cpu_executor();
    auto const c = run_backend(*cpu, s, plan, cores, pipeline::default_slot_count(cores, false));
    std::printf("CPU executor (%d threads) %.3f s, %.0f Mpixel/s; GPU / CPU = %.1fx\n", cores, c.wall_s,
                pixels / c.wall_s / 1e6, c.wall_s / g.wall_s);
    if (s.name == "composite")
      std::printf("composite: %d observations, %.3g observation-pixels/s on the GPU, %.3g on the CPU\n",
                  observations, double(observations) * pixels / g.wall_s, double(observations) * pixels / c.wall_s);
    std::size_t differing = 0;
    for (std::size_t t = 0; t < g.hashes.size(); ++t) differing += g.hashes[t] != c.hashes[t];
    bool const equal = differing == 0;
    std::printf("GPU == CPU: %s (%zu of %d tiles differ, %.2f GB of output compared)\n", equal ? "yes" : "NO",
                differing, plan.count(), double(out_bytes) / 1e9);
    std::printf("SUMMARY stage=%s size=%d h2d_gbps=%.1f kernel_gbps=%.1f d2h_gbps=%.1f hbm_pct=%.0f "
                "copy_bound_pct=%.0f gpu_s=%.3f cpu_s=%.3f cpu_threads=%d speedup=%.1f equal=%s\n",
                s.name.c_str(), size, h2d_gbps, kernel_gbps, d2h_gbps, 100 * kernel_gbps / dev_peer,
                100 * copy_bound / g.wall_s, g.wall_s, c.wall_s, cores, c.wall_s / g.wall_s, equal ? "yes" : "NO");
    return equal ? 0 : 3;
#endif
  } catch (sinkmap::cuda_error const& e) {
    std::fprintf(stderr, "gpu_stream_bench: CUDA error %d: %s\n", e.error_code(), e.what());
    return 1;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "gpu_stream_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
