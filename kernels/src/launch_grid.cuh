// Grid sizes of the grid-stride launchers: enough blocks for the work, at most `per_sm` per
// multiprocessor of the current device (read once; a persistent-style cap so that huge tiles do
// not launch millions of short blocks).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

namespace sinkmap::kernels {

inline int launch_grid(std::size_t work_items, int block, int per_sm)
{
  static int const sms = [] {
    int dev = 0, n = 0;
    if (cudaGetDevice(&dev) != cudaSuccess ||
        cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess) {
      cudaGetLastError();
      return 0;
    }
    return n;
  }();
  std::size_t const cap = sms > 0 ? std::size_t(sms) * std::size_t(per_sm) : 4096;
  std::size_t const needed = (work_items + std::size_t(block) - 1) / std::size_t(block);
  return int(needed < cap ? needed : cap);
}

}  // namespace sinkmap::kernels
