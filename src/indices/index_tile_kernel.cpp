#include "indices/index_tile_kernel.hpp"

#include "core/error.hpp"

#if SINKMAP_WITH_CUDA
#include "sinkmap/kernels/index_launcher.hpp"
#endif

namespace sinkmap::indices {

index_tile_kernel::index_tile_kernel(kernels::index_stage_params const& params,
                                     kernels::pixel_type type, int n_inputs)
  : params_(params), type_(type), n_inputs_(n_inputs)
{
}

std::size_t index_tile_kernel::input_bytes_per_pixel() const
{
  return std::size_t(n_inputs_) * kernels::pixel_type_size(type_);
}

std::size_t index_tile_kernel::output_bytes_per_pixel() const
{
  return std::size_t(params_.n_outputs) * sizeof(float);
}

void index_tile_kernel::run_cpu(void const* in, void* out, std::size_t plane, std::size_t begin,
                                std::size_t end) const
{
  kernels::dispatch_pixel_type(type_, [&](auto tag) {
    using T = decltype(tag);
    kernels::run_index_stage_host(params_, static_cast<T const*>(in), static_cast<float*>(out),
                                  plane, begin, end);
  });
}

void index_tile_kernel::run_cuda([[maybe_unused]] void const* d_in, [[maybe_unused]] void* d_out,
                                 [[maybe_unused]] std::size_t plane,
                                 [[maybe_unused]] void* stream) const
{
#if SINKMAP_WITH_CUDA
  kernels::launch_index_stage(params_, type_, d_in, static_cast<float*>(d_out), plane, stream);
#else
  SINKMAP_FAIL(cuda_error, "this sinkmap was built without CUDA");
#endif
}

}  // namespace sinkmap::indices
