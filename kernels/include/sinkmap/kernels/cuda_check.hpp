// Turns a failed CUDA runtime call or kernel launch into a cuda_error that names the call and
// keeps cudaError_t (libcudf's CUDF_CUDA_TRY / CUDF_CHECK_CUDA). Every launcher and the CUDA
// executor use these, so a caller sees one exception type with the code, whatever failed.
#pragma once

#include "sinkmap/kernels/cuda_error.hpp"

#include <cuda_runtime.h>

#include <string>

namespace sinkmap {

/// Throws cuda_error "WHAT: cudaErrorName (description)" with the code.
[[noreturn]] inline void throw_cuda_error(cudaError_t status, std::string const& what)
{
  throw cuda_error(what + ": " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")",
                   static_cast<int>(status));
}

/// After a launch: the launch's own error (bad configuration, too many resources). Clears it,
/// so that a non-sticky error does not resurface at an unrelated later call.
inline void check_launch(char const* kernel)
{
  cudaError_t const status = cudaGetLastError();
  if (status != cudaSuccess) throw_cuda_error(status, std::string("launch of ") + kernel);
}

}  // namespace sinkmap

#define SINKMAP_CUDA_TRY(call)                                                    \
  do {                                                                            \
    cudaError_t const sinkmap_status_ = (call);                                   \
    if (sinkmap_status_ != cudaSuccess) ::sinkmap::throw_cuda_error(sinkmap_status_, #call); \
  } while (0)
