// The error of a failed CUDA call or launch, with the CUDA runtime's code (libcudf's
// cuda_error). In kernels/, the lowest layer, so that the launchers throw it without reaching
// into src/; sinkmap's exit code for it is 1 (a run failure), like runtime_failure.
#pragma once

#include <stdexcept>
#include <string>

namespace sinkmap {

/// A CUDA call failed or no CUDA device is usable where one was required. Keeps the CUDA
/// runtime's error code, so a caller can tell a launch that asked too much
/// (cudaErrorInvalidConfiguration, cudaErrorMemoryAllocation) from a context that is gone. The
/// code is the cudaError_t value as an int, so this header needs no CUDA; 0 where no CUDA call
/// failed (no device at all).
struct cuda_error : std::runtime_error {
  explicit cuda_error(std::string const& message, int code = 0) : std::runtime_error(message), code_(code) {}
  /// The cudaError_t of the failed call (0: none).
  [[nodiscard]] int error_code() const noexcept { return code_; }
  /// A sticky error (an illegal address, a trap, a launch failure) leaves the CUDA context
  /// unusable: the process must not run more device work. Codes 700..719 of cudaError_t.
  [[nodiscard]] bool sticky() const noexcept { return code_ >= 700 && code_ <= 719; }

 private:
  int code_;
};

}  // namespace sinkmap
