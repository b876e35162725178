// Errors are exceptions; the type is the API, the text is for people (libcudf's EXPECTS/FAIL).
// bad_input: the user's files, options or models are at fault (exit code 2).
// runtime_failure: the run failed for another reason, e.g. a write error or a full disk (exit 1).
#pragma once

#include <stdexcept>
#include <string>

namespace sinkmap {

/// A file, band, field or option given by the user is wrong. The message names it.
struct bad_input : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The run could not complete (IO failure, device failure, full disk).
struct runtime_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A CUDA call failed or no CUDA device is usable where one was required. Keeps the CUDA
/// runtime's error code (libcudf's cuda_error), so a caller can tell a launch that asked too
/// much (cudaErrorInvalidConfiguration, cudaErrorMemoryAllocation) from a context that is gone.
/// The code is the cudaError_t value as an int, so this header needs no CUDA; 0 where no CUDA
/// call failed (no device at all).
struct cuda_error : runtime_failure {
  explicit cuda_error(std::string const& message, int code = 0) : runtime_failure(message), code_(code) {}
  /// The cudaError_t of the failed call (0: none).
  [[nodiscard]] int error_code() const noexcept { return code_; }
  /// A sticky error (an illegal address, a trap, a launch failure) leaves the CUDA context
  /// unusable: the process must not run more device work. Codes 700..719 of cudaError_t.
  [[nodiscard]] bool sticky() const noexcept { return code_ >= 700 && code_ <= 719; }

 private:
  int code_;
};

}  // namespace sinkmap

#define SINKMAP_EXPECTS(cond, exception_type, msg) \
  do {                                              \
    if (!(cond)) throw exception_type(msg);         \
  } while (0)

#define SINKMAP_FAIL(exception_type, msg) throw exception_type(msg)
