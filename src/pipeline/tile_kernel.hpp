// The fused per-pixel stage chain of one run, as the executors see it: band-sequential input
// planes in, float output planes out. The CPU and CUDA paths of an implementation call the same
// host/device functor (kernels/), so the two backends cannot drift.
#pragma once

#include "pipeline/tile_plan.hpp"

#include <cstddef>

namespace sinkmap::pipeline {

/// Byte offset of a tile's reduction block in its output: after the planes, 8-byte aligned
/// (reduction_bytes() includes the 8 bytes this alignment may take).
inline std::size_t reduction_offset(std::size_t pixels, std::size_t output_bytes_per_pixel)
{
  return (pixels * output_bytes_per_pixel + 7) / 8 * 8;
}

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

  /// Bytes of device workspace per pixel that the CUDA path needs besides its input and output
  /// (the executor gives each slot max tile pixels x this); 0 for most kernels. The CPU path keeps
  /// its own per-thread scratch.
  [[nodiscard]] virtual std::size_t scratch_bytes_per_pixel() const { return 0; }

  /// Bytes of a per-tile reduction block that follows the output planes (partial sums that
  /// leave the device instead of per-pixel values); 0 for pure per-pixel kernels.
  [[nodiscard]] virtual std::size_t reduction_bytes() const { return 0; }

  /// Whole-tile entry points, for kernels that need the tile's position (global pixel ids for
  /// counter-based random numbers, rows for cell areas) or write the reduction block (at
  /// reduction_offset() of the output). Default: the pixel forms.
  virtual void run_tile_cpu(void const* in, void* out, window const& w) const
  {
    run_cpu(in, out, w.pixels(), 0, w.pixels());
  }
  /// `d_scratch`: the slot's device workspace (scratch_bytes_per_pixel() x w.pixels() bytes at
  /// least), or nullptr when the kernel needs none.
  virtual void run_tile_cuda(void const* d_in, void* d_out, window const& w, void* stream,
                             [[maybe_unused]] void* d_scratch) const
  {
    run_cuda(d_in, d_out, w.pixels(), stream);
  }
};

}  // namespace sinkmap::pipeline
