// Executors own the tile slots (host buffers, and device buffers and streams for CUDA) and run
// a tile_kernel over a slot. Slots are allocated once per run and reused.
#pragma once

#include "pipeline/tile_kernel.hpp"

#include <cstddef>
#include <memory>
#include <string>

namespace sinkmap::pipeline {

/// Where a run executes (--device).
enum class device_kind { auto_select, cpu, cuda };

/// Parses "auto", "cpu" or "cuda"; throws bad_input naming --device otherwise.
device_kind parse_device(std::string const& name);

/// Timings a CUDA executor can collect (all zero for CPU).
struct executor_stats {
  double h2d_ms = 0, kernel_ms = 0, d2h_ms = 0;  ///< summed over tiles, device time
  std::size_t h2d_bytes = 0, d2h_bytes = 0, tiles = 0;
};

class executor {
 public:
  virtual ~executor() = default;

  /// "cpu" or "cuda".
  [[nodiscard]] virtual std::string name() const = 0;

  /// Allocates `slots` slots of `in_bytes` input and `out_bytes` output each, and (CUDA)
  /// `scratch_bytes` of device workspace each (tile_kernel::scratch_bytes_per_pixel).
  virtual void allocate(int slots, std::size_t in_bytes, std::size_t out_bytes, std::size_t scratch_bytes = 0) = 0;

  [[nodiscard]] virtual void* host_input(int slot) = 0;
  [[nodiscard]] virtual void* host_output(int slot) = 0;

  /// Runs the kernel over the tile `w` held in a slot (its planes of w.pixels() pixels, then
  /// any reduction block). The CPU executor computes in the calling thread; the CUDA executor
  /// enqueues copy-in, kernel and copy-out on the slot's stream and returns at once.
  virtual void submit(int slot, window const& w, tile_kernel const& kernel) = 0;

  /// Blocks until the slot's output is in host memory.
  virtual void wait(int slot) = 0;

  /// True when submit() leaves the output ready (CPU): per-tile reductions can then run in the
  /// worker thread right after it.
  [[nodiscard]] virtual bool synchronous() const { return false; }

  /// Per-phase timings (CUDA with profiling on).
  [[nodiscard]] virtual executor_stats stats() const { return {}; }
};

/// CPU executor: the calling (worker) thread computes its own tile, so N workers use N cores.
std::unique_ptr<executor> make_cpu_executor();

/// Number of usable CUDA devices (0 in a build without CUDA or on a machine without a GPU).
int cuda_device_count();

/// Why no CUDA device is usable: "" when one is, else the CUDA runtime's error (e.g. "CUDA
/// driver version is insufficient for CUDA runtime version") or "built without CUDA".
std::string cuda_unavailable_reason();

/// Short description of CUDA device 0, e.g. "NVIDIA H100 80GB HBM3 (sm_90, 79 GiB)".
std::string cuda_device_description();

/// CUDA executor with pinned host slots, device buffers, one stream and event per slot.
/// `profile` records per-phase events. Throws cuda_error when no device is usable.
std::unique_ptr<executor> make_cuda_executor(bool profile = false);

/// --device auto|cpu|cuda: auto picks CUDA when a device is present.
std::unique_ptr<executor> make_executor(device_kind kind, bool profile = false);

/// What make_executor would pick, in words (for `sinkmap info`).
std::string describe_device_choice(device_kind kind);

}  // namespace sinkmap::pipeline
