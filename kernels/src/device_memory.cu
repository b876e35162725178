#include "sinkmap/kernels/device_memory.hpp"

#include "sinkmap/kernels/cuda_check.hpp"

#include <cuda_runtime.h>

namespace sinkmap::kernels {

void* device_upload(void const* host, std::size_t bytes, void* stream)
{
  // Ordered on the tile's stream and finished before the first kernel on any stream reads it:
  // a plain cudaMemcpy from pageable memory may return before its DMA lands and is not ordered
  // with the executor's non-blocking streams.
  auto const s = static_cast<cudaStream_t>(stream);
  void* d = nullptr;
  SINKMAP_CUDA_TRY(cudaMalloc(&d, bytes > 0 ? bytes : 1));
  try {
    if (bytes > 0) SINKMAP_CUDA_TRY(cudaMemcpyAsync(d, host, bytes, cudaMemcpyHostToDevice, s));
    SINKMAP_CUDA_TRY(cudaStreamSynchronize(s));
  } catch (...) {
    cudaFree(d);
    throw;
  }
  return d;
}

void device_free(void* device) noexcept { cudaFree(device); }

}  // namespace sinkmap::kernels
