// CUDA launchers of the carbon stages: one grid-stride kernel template serves every per-pixel
// functor; the parameter block stays in the constant bank (__grid_constant__).
#include "sinkmap/kernels/stage_launcher.hpp"

#include "sinkmap/kernels/cuda_check.hpp"
#include "launch_grid.cuh"

#include <cuda_runtime.h>

namespace sinkmap::kernels {
namespace {

template <template <typename> class Stage, typename Params, typename T>
__global__ void stage_kernel(__grid_constant__ Params const p, T const* in, float* out,
                             std::size_t plane)
{
  Stage<T> const stage{p, in, out, plane};
  std::size_t const stride = std::size_t(blockDim.x) * gridDim.x;
  for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < plane; i += stride)
    stage(i);
}

template <template <typename> class Stage, typename Params>
void launch(char const* name, Params const& params, pixel_type type, void const* d_in, float* d_out,
            std::size_t plane, void* stream)
{
  if (plane == 0) return;
  constexpr int block = 256;
  int const grid = launch_grid(plane, block, 16);
  auto const s = static_cast<cudaStream_t>(stream);
  dispatch_pixel_type(type, [&](auto tag) {
    using T = decltype(tag);
    stage_kernel<Stage, Params, T><<<grid, block, 0, s>>>(params, static_cast<T const*>(d_in),
                                                          d_out, plane);
  });
  check_launch(name);
}

}  // namespace

void launch_carbon_stage(carbon_stage_params const& params, pixel_type type, void const* d_in,
                         float* d_out, std::size_t plane, void* stream)
{
  launch<carbon_stage>("the carbon stage kernel", params, type, d_in, d_out, plane, stream);
}

void launch_pool_lookup_stage(pool_lookup_params const& params, pixel_type type, void const* d_in,
                              float* d_out, std::size_t plane, void* stream)
{
  launch<pool_lookup_stage>("the pool lookup kernel", params, type, d_in, d_out, plane, stream);
}

void launch_composite_stage(composite_stage_params const& params, pixel_type type, void const* d_in,
                            float* d_out, std::size_t plane, void* stream)
{
  launch<composite_stage>("the composite kernel", params, type, d_in, d_out, plane, stream);
}

void launch_sink_stage(sink_params const& params, pixel_type type, void const* d_in, float* d_out,
                       std::size_t plane, void* stream)
{
  launch<sink_stage>("the sink kernel", params, type, d_in, d_out, plane, stream);
}

void launch_trend_stage(trend_params const& params, pixel_type type, void const* d_in, float* d_out,
                        std::size_t plane, void* stream)
{
  launch<trend_stage>("the trend kernel", params, type, d_in, d_out, plane, stream);
}

void launch_accounting_stage(accounting_params const& params, pixel_type type, void const* d_in,
                             float* d_out, std::size_t plane, void* stream)
{
  launch<accounting_stage>("the carbon accounting kernel", params, type, d_in, d_out, plane, stream);
}

void launch_blue_carbon_stage(cbc_params const& params, pixel_type type, void const* d_in, float* d_out,
                              std::size_t plane, void* stream)
{
  launch<blue_carbon_stage>("the blue carbon kernel", params, type, d_in, d_out, plane, stream);
}

void launch_stock_change_stage(stock_change_params const& params, pixel_type type,
                               void const* d_in, float* d_out, std::size_t plane, void* stream)
{
  launch<stock_change_stage>("the stock change kernel", params, type, d_in, d_out, plane, stream);
}

}  // namespace sinkmap::kernels
