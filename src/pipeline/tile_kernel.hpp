// The fused per-pixel stage chain of one run, as the executors see it: band-sequential input
// planes in, float output planes out. The CPU and CUDA paths of an implementation call the same
// host/device functor (kernels/), so the two backends cannot drift.
#pragma once

#include <cstddef>

namespace sinkmap::pipeline {

class tile_kernel {
 public:
  virtual ~tile_kernel() = default;

  /// Bytes of all input planes for one pixel.
  [[nodiscard]] virtual std::size_t input_bytes_per_pixel() const = 0;
  /// Bytes of all output planes for one pixel.
  [[nodiscard]] virtual std::size_t output_bytes_per_pixel() const = 0;

  /// Computes pixels [begin, end) of a tile whose planes hold `plane` pixels each.
  virtual void run_cpu(void const* in, void* out, std::size_t plane, std::size_t begin,
                       std::size_t end) const = 0;

  /// Enqueues the whole tile on `stream` (a cudaStream_t); device pointers. Throws cuda_error
  /// in a build without CUDA.
  virtual void run_cuda(void const* d_in, void* d_out, std::size_t plane, void* stream) const = 0;
};

}  // namespace sinkmap::pipeline
