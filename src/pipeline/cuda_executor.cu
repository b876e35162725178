// CUDA executor: pinned host slots and device buffers allocated once per run, one stream and
// one event per slot (at least two), so that while the writer drains slot t-1 and a reader
// fills slot t+1, slot t is being copied and computed (CCCL image_pipeline's double buffering).
#include "core/error.hpp"
#include "sinkmap/kernels/cuda_check.hpp"
#include "pipeline/executor.hpp"

#include <cstdio>
#include <vector>

namespace sinkmap::pipeline {
namespace {

struct cuda_slot {
  void* host_in = nullptr;
  void* host_out = nullptr;
  void* dev_in = nullptr;
  void* dev_out = nullptr;
  void* dev_scratch = nullptr;  // the kernel's per-pixel workspace (composites), if any
  cudaStream_t stream = nullptr;
  cudaEvent_t done = nullptr;
  cudaEvent_t marks[4] = {};  // profiling: start, after H2D, after kernel, after D2H
  std::size_t in_bytes = 0, out_bytes = 0;             // bytes of the tile in flight
};

class cuda_executor final : public executor {
 public:
  explicit cuda_executor(bool profile) : profile_(profile)
  {
    if (cuda_device_count() == 0)
      SINKMAP_FAIL(cuda_error, "--device cuda: no CUDA device is available on this machine");
    SINKMAP_CUDA_TRY(cudaSetDevice(0));
  }

  ~cuda_executor() override { release(); }

  std::string name() const override { return "cuda"; }

  void allocate(int slots, std::size_t in_bytes, std::size_t out_bytes, std::size_t scratch_bytes) override
  {
    // Pinned allocations are slow: a second run with the same layout reuses the slots.
    if (slots_.size() == std::size_t(slots) && in_bytes == in_capacity_ && out_bytes == out_capacity_ &&
        scratch_bytes == scratch_capacity_)
      return;
    release();
    // Build the new slots aside and keep them only when every allocation succeeded: a failed
    // pinned or device allocation must not leave slots with null buffers that a later
    // allocate() of the same layout would take as ready.
    std::vector<cuda_slot> fresh(static_cast<std::size_t>(slots));
    try {
      for (auto& s : fresh) {
        SINKMAP_CUDA_TRY(cudaHostAlloc(&s.host_in, in_bytes, cudaHostAllocDefault));
        SINKMAP_CUDA_TRY(cudaHostAlloc(&s.host_out, out_bytes, cudaHostAllocDefault));
        SINKMAP_CUDA_TRY(cudaMalloc(&s.dev_in, in_bytes));
        SINKMAP_CUDA_TRY(cudaMalloc(&s.dev_out, out_bytes));
        if (scratch_bytes > 0) SINKMAP_CUDA_TRY(cudaMalloc(&s.dev_scratch, scratch_bytes));
        SINKMAP_CUDA_TRY(cudaStreamCreateWithFlags(&s.stream, cudaStreamNonBlocking));
        SINKMAP_CUDA_TRY(cudaEventCreateWithFlags(&s.done, cudaEventDisableTiming));
        if (profile_)
          for (auto& e : s.marks) SINKMAP_CUDA_TRY(cudaEventCreate(&e));
      }
    } catch (...) {
      free_slots(fresh);
      throw;
    }
    slots_ = std::move(fresh);
    in_capacity_ = in_bytes;
    out_capacity_ = out_bytes;
    scratch_capacity_ = scratch_bytes;
  }

  void* host_input(int slot) override { return slots_.at(std::size_t(slot)).host_in; }
  void* host_output(int slot) override { return slots_.at(std::size_t(slot)).host_out; }

  void submit(int slot, window const& w, tile_kernel const& kernel) override
  {
    auto& s = slots_.at(std::size_t(slot));
    std::size_t const pixels = w.pixels();
    s.in_bytes = pixels * kernel.input_bytes_per_pixel();
    s.out_bytes = pixels * kernel.output_bytes_per_pixel() + kernel.reduction_bytes();
    SINKMAP_EXPECTS(s.in_bytes <= in_capacity_ && s.out_bytes <= out_capacity_ &&
                      pixels * kernel.scratch_bytes_per_pixel() <= scratch_capacity_,
                    runtime_failure, "a tile of " + std::to_string(pixels) + " pixels exceeds the CUDA slot it was given");
    mark(s, 0);
    SINKMAP_CUDA_TRY(
      cudaMemcpyAsync(s.dev_in, s.host_in, s.in_bytes, cudaMemcpyHostToDevice, s.stream));
    mark(s, 1);
    kernel.run_tile_cuda(s.dev_in, s.dev_out, w, s.stream, s.dev_scratch);
    mark(s, 2);
    SINKMAP_CUDA_TRY(
      cudaMemcpyAsync(s.host_out, s.dev_out, s.out_bytes, cudaMemcpyDeviceToHost, s.stream));
    mark(s, 3);
    SINKMAP_CUDA_TRY(cudaEventRecord(s.done, s.stream));
  }

  void wait(int slot) override
  {
    auto& s = slots_.at(std::size_t(slot));
    SINKMAP_CUDA_TRY(cudaEventSynchronize(s.done));
    if (!profile_) return;
    float ms[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i)
      SINKMAP_CUDA_TRY(cudaEventElapsedTime(&ms[i], s.marks[i], s.marks[i + 1]));
    stats_.h2d_ms += ms[0];
    stats_.kernel_ms += ms[1];
    stats_.d2h_ms += ms[2];
    stats_.h2d_bytes += s.in_bytes;
    stats_.d2h_bytes += s.out_bytes;
    ++stats_.tiles;
  }

  executor_stats stats() const override { return stats_; }

 private:
  void mark(cuda_slot& s, int i)
  {
    if (profile_) SINKMAP_CUDA_TRY(cudaEventRecord(s.marks[i], s.stream));
  }

  static void free_slots(std::vector<cuda_slot>& slots) noexcept
  {
    for (auto& s : slots) {
      if (s.stream) cudaStreamSynchronize(s.stream);
      cudaFreeHost(s.host_in);
      cudaFreeHost(s.host_out);
      cudaFree(s.dev_in);
      cudaFree(s.dev_out);
      cudaFree(s.dev_scratch);
      if (s.stream) cudaStreamDestroy(s.stream);
      if (s.done) cudaEventDestroy(s.done);
      for (auto e : s.marks)
        if (e) cudaEventDestroy(e);
    }
    slots.clear();
  }

  void release() noexcept
  {
    free_slots(slots_);
    in_capacity_ = out_capacity_ = scratch_capacity_ = 0;
  }

  bool profile_;
  std::size_t in_capacity_ = 0, out_capacity_ = 0, scratch_capacity_ = 0;
  std::vector<cuda_slot> slots_;
  executor_stats stats_;
};

}  // namespace

int cuda_device_count()
{
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error on machines without a GPU
    return 0;
  }
  return n;
}

std::string cuda_unavailable_reason()
{
  int n = 0;
  cudaError_t const e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
  }
  if (n == 0) return "the CUDA runtime reports no device";
  // A device can be listed but unusable (e.g. busy or prohibited compute mode).
  cudaError_t const s = cudaSetDevice(0);
  if (s != cudaSuccess) {
    cudaGetLastError();
    return std::string(cudaGetErrorName(s)) + ": " + cudaGetErrorString(s);
  }
  void* probe = nullptr;
  cudaError_t const m = cudaMalloc(&probe, 256);
  if (m != cudaSuccess) {
    cudaGetLastError();
    return std::string(cudaGetErrorName(m)) + ": " + cudaGetErrorString(m);
  }
  cudaFree(probe);
  return "";
}

std::string cuda_device_description()
{
  cudaDeviceProp p{};
  if (cuda_device_count() == 0 || cudaGetDeviceProperties(&p, 0) != cudaSuccess) return "none";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s (sm_%d%d, %.0f GiB, %d SMs)", p.name, p.major, p.minor,
                double(p.totalGlobalMem) / double(1u << 30), p.multiProcessorCount);
  return buf;
}

std::unique_ptr<executor> make_cuda_executor(bool profile)
{
  return std::make_unique<cuda_executor>(profile);
}

}  // namespace sinkmap::pipeline
