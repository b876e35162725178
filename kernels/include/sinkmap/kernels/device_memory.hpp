// Device copies of host tables (kernels/src/device_memory.cu): parameter tables too large for a
// kernel's parameter block (Monte Carlo draws, a composite's observations) live in device memory.
#pragma once

#include <cstddef>

namespace sinkmap::kernels {

/// A device copy of `bytes` bytes at `host`, copied on `stream` (a cudaStream_t) and complete
/// when this returns, so kernels on any stream see it. Free it with device_free.
void* device_upload(void const* host, std::size_t bytes, void* stream);
void device_free(void* device) noexcept;

}  // namespace sinkmap::kernels
