// CUDA_TRY: turns a failed CUDA runtime call into a cuda_error naming the call.
#pragma once

#include "core/error.hpp"

#include <cuda_runtime.h>

#include <string>

#define SINKMAP_CUDA_TRY(call)                                                               \
  do {                                                                                       \
    cudaError_t const sinkmap_status_ = (call);                                              \
    if (sinkmap_status_ != cudaSuccess)                                                      \
      throw ::sinkmap::cuda_error(std::string("CUDA error in ") + #call + ": " +             \
                                  cudaGetErrorString(sinkmap_status_));                      \
  } while (0)
