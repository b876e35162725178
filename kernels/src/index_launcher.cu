#include "sinkmap/kernels/index_launcher.hpp"

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace sinkmap::kernels {
namespace {

// __grid_constant__ lets the kernel index the parameter block (terms[k]) in place instead of
// copying ~600 bytes to every thread's local memory.
template <typename T>
__global__ void index_stage_kernel(__grid_constant__ index_stage_params const p, T const* in,
                                   float* out, std::size_t plane)
{
  index_stage<T> const stage{p, in, out, plane};
  std::size_t const stride = std::size_t(blockDim.x) * gridDim.x;
  for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < plane; i += stride)
    stage(i);
}

int grid_size(std::size_t n, int block)
{
  static int const max_blocks = [] {
    int dev = 0, sms = 0;
    cudaGetDevice(&dev);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
    return sms > 0 ? sms * 32 : 4096;
  }();
  std::size_t const needed = (n + std::size_t(block) - 1) / std::size_t(block);
  return int(needed < std::size_t(max_blocks) ? needed : std::size_t(max_blocks));
}

}  // namespace

void launch_index_stage(index_stage_params const& params, pixel_type type, void const* d_in,
                        float* d_out, std::size_t plane, void* stream)
{
  if (plane == 0) return;
  constexpr int block = 256;
  auto const s = static_cast<cudaStream_t>(stream);
  int const grid = grid_size(plane, block);
  dispatch_pixel_type(type, [&](auto tag) {
    using T = decltype(tag);
    index_stage_kernel<T><<<grid, block, 0, s>>>(params, static_cast<T const*>(d_in), d_out, plane);
  });
  cudaError_t const e = cudaGetLastError();
  if (e != cudaSuccess)
    throw std::runtime_error(std::string("index kernel launch failed: ") + cudaGetErrorString(e));
}

}  // namespace sinkmap::kernels
