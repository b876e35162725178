// GDAL-free GPU streaming benchmark: synthetic uint16 red/nir tiles from host memory through the
// same stream runner and CUDA executor `sinkmap index` uses, NDVI out. Reports the pinned-copy
// and device-memory bandwidth measured in the same run as the peers, then H2D, kernel and D2H
// throughput of the pipeline and how much of the copy time the overlap hides.
//   gpu_stream_bench [SIZE=16384] [TILE_ROWS=1024] [READERS=4]
#include "indices/index_request.hpp"
#include "indices/index_tile_kernel.hpp"
#include "pipeline/executor.hpp"
#include "pipeline/stream_runner.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// Tiles "arrive" already in the pinned slot (filled once at start): the executor alone is
// measured. With --memcpy-source each tile is memcpy'd from a pageable host scene instead.
struct synthetic_source : pipeline::tile_source {
  std::vector<std::uint16_t> const* scene = nullptr;  // 2 planes, width x height
  int width = 0, height = 0;
  void read(int, pipeline::window const& w, void* dst) override
  {
    if (!scene) return;
    auto* out = static_cast<std::uint16_t*>(dst);
    for (int b = 0; b < 2; ++b)
      std::memcpy(out + std::size_t(b) * w.pixels(),
                  scene->data() + (std::size_t(b) * height + w.y) * width,
                  w.pixels() * sizeof(std::uint16_t));
  }
};

struct null_sink : pipeline::tile_sink {
  std::size_t tiles = 0;
  void write(int, pipeline::window const&, void const*) override { ++tiles; }
};

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
  cudaFree(d);
  cudaFree(d2);
  cudaFreeHost(h);
  // A device-to-device copy reads and writes every byte.
  double const moved = double(bytes) * reps * (kind == cudaMemcpyDeviceToDevice ? 2 : 1);
  return moved / (ms * 1e-3) / 1e9;
}
#endif

}  // namespace

int main(int argc, char** argv)
{
  int const size = argc > 1 ? std::atoi(argv[1]) : 16384;
  int const tile_rows = argc > 2 ? std::atoi(argv[2]) : 1024;
  int const readers = argc > 3 ? std::atoi(argv[3]) : 4;
  if (pipeline::cuda_device_count() == 0) {
    std::printf("gpu_stream_bench: no CUDA device, nothing to measure\n");
    return 0;
  }
#if SINKMAP_WITH_CUDA
  std::printf("device: %s\n", pipeline::cuda_device_description().c_str());
  std::size_t const probe = std::size_t(512) << 20;
  double const h2d_peer = copy_gbps(cudaMemcpyHostToDevice, probe);
  double const d2h_peer = copy_gbps(cudaMemcpyDeviceToHost, probe);
  double const dev_peer = copy_gbps(cudaMemcpyDeviceToDevice, probe);
  std::printf("peers (same run): pinned H2D %.1f GB/s, pinned D2H %.1f GB/s, device memory "
              "(D2D copy, read+write) %.1f GB/s\n", h2d_peer, d2h_peer, dev_peer);

  auto const req = indices::make_index_request({"NDVI"}, {});
  kernels::index_stage_params p{};
  for (auto& r : p.plane_of_role) r = -1;
  p.plane_of_role[int(kernels::band_role::red)] = 0;
  p.plane_of_role[int(kernels::band_role::nir)] = 1;
  for (auto r : {kernels::band_role::red, kernels::band_role::nir})
    p.decode_of_role[int(r)] = {1e-4, 0.0, 0.0, 1};
  p.n_outputs = 1;
  p.terms[0] = req.terms[0];
  indices::index_tile_kernel const kernel(p, kernels::pixel_type::u16, 2);

  pipeline::tile_plan const plan(size, size, size, tile_rows);
  std::size_t const pixels = std::size_t(size) * size;
  std::size_t const in_bytes = pixels * kernel.input_bytes_per_pixel();
  std::size_t const out_bytes = pixels * kernel.output_bytes_per_pixel();

  std::vector<std::uint16_t> scene(pixels * 2);
  for (std::size_t i = 0; i < pixels; ++i) {
    scene[i] = std::uint16_t(1500 + (i * 7919) % 1000);
    scene[pixels + i] = std::uint16_t(3500 + (i * 104729) % 2000);
  }

  auto run = [&](bool profile, bool memcpy_source, pipeline::executor_stats* stats) {
    auto ex = pipeline::make_cuda_executor(profile);
    synthetic_source src;
    src.width = size;
    src.height = size;
    src.scene = &scene;
    null_sink sink;
    pipeline::stream_options opt;
    opt.readers = readers;
    opt.slots = pipeline::default_slot_count(readers, true);
    // Fill the slots once (warm-up run also pages in the driver and the kernel).
    pipeline::run_stream(plan, src, kernel, *ex, sink, opt);
    if (!memcpy_source) src.scene = nullptr;
    double const t0 = now_s();
    pipeline::run_stream(plan, src, kernel, *ex, sink, opt);
    double const wall = now_s() - t0;
    if (stats) *stats = ex->stats();
    return wall;
  };

  double const wall = run(false, false, nullptr);
  double const wall_memcpy = run(false, true, nullptr);
  pipeline::executor_stats st;
  run(true, false, &st);
  // The profiled executor counted the warm-up run too: halve to one run.
  double const h2d_ms = st.h2d_ms / 2, k_ms = st.kernel_ms / 2, d2h_ms = st.d2h_ms / 2;

  double const copy_bound_s = double(in_bytes) / (h2d_peer * 1e9) + double(out_bytes) / (d2h_peer * 1e9);
  double const serial_s = (h2d_ms + k_ms + d2h_ms) * 1e-3;
  double const copy_s = (h2d_ms + d2h_ms) * 1e-3;
  double const kernel_gbps = double(in_bytes + out_bytes) / (k_ms * 1e-3) / 1e9;
  double const hidden = copy_s > 0 ? std::max(0.0, std::min(1.0, (serial_s - wall) / copy_s)) : 0;

  std::printf("scene: %dx%d uint16 red+nir -> float32 NDVI, %d tiles of %dx%d, %d readers, %d slots\n",
              size, size, plan.count(), size, tile_rows, readers,
              pipeline::default_slot_count(readers, true));
  std::printf("H2D    %.1f GB/s (%.0f ms summed over tiles)\n", in_bytes / (h2d_ms * 1e-3) / 1e9, h2d_ms);
  std::printf("kernel %.1f GB/s (%.0f ms) = %.0f%% of device memory bandwidth; %.0f Mpixel/s\n",
              kernel_gbps, k_ms, 100 * kernel_gbps / dev_peer, pixels / (k_ms * 1e-3) / 1e6);
  std::printf("D2H    %.1f GB/s (%.0f ms)\n", out_bytes / (d2h_ms * 1e-3) / 1e9, d2h_ms);
  std::printf("end to end %.3f s = %.1f GB/s moved, %.0f Mpixel/s = %.0f%% of the pinned-copy "
              "bound (%.3f s); overlap hides %.0f%% of the copy time\n",
              wall, double(in_bytes + out_bytes) / wall / 1e9, pixels / wall / 1e6,
              100 * copy_bound_s / wall, copy_bound_s, 100 * hidden);
  std::printf("with a pageable-memory source (memcpy per tile): %.3f s, %.0f Mpixel/s\n",
              wall_memcpy, pixels / wall_memcpy / 1e6);
#endif
  return 0;
}
