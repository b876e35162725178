// The carbon stages as tile_kernels: one template binds any per-pixel functor of kernels/ to
// the CPU executor (a plain loop) and to its CUDA launcher.
#pragma once

#include "core/error.hpp"
#include "pipeline/tile_kernel.hpp"
#include "sinkmap/kernels/pixel_type.hpp"
#include "sinkmap/kernels/stage_launcher.hpp"

#include <type_traits>

namespace sinkmap::carbon {

/// Stage<T> is a kernels/ functor {params const&, T const* in, float* out, size_t plane}.
template <template <typename> class Stage, typename Params>
class stage_tile_kernel final : public pipeline::tile_kernel {
 public:
  using launcher = void (*)(Params const&, kernels::pixel_type, void const*, float*, std::size_t,
                            void*);

  stage_tile_kernel(Params const& params, kernels::pixel_type type, int inputs, int outputs,
                    launcher cuda)
    : params_(params), type_(type), inputs_(inputs), outputs_(outputs), cuda_(cuda)
  {
  }

  std::size_t input_bytes_per_pixel() const override
  {
    return std::size_t(inputs_) * kernels::pixel_type_size(type_);
  }
  std::size_t output_bytes_per_pixel() const override { return std::size_t(outputs_) * sizeof(float); }

  void run_cpu(void const* in, void* out, std::size_t plane, std::size_t begin,
               std::size_t end) const override
  {
    kernels::dispatch_pixel_type(type_, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_same_v<Params, kernels::carbon_stage_params>) {
        // Block-wise host form of the same math (vectorized decode and indices).
        kernels::run_carbon_stage_host(params_, static_cast<T const*>(in), static_cast<float*>(out),
                                       plane, begin, end);
      } else {
        Stage<T> const stage{params_, static_cast<T const*>(in), static_cast<float*>(out), plane};
        for (std::size_t i = begin; i < end; ++i) stage(i);
      }
    });
  }

  void run_cuda([[maybe_unused]] void const* d_in, [[maybe_unused]] void* d_out,
                [[maybe_unused]] std::size_t plane, [[maybe_unused]] void* stream) const override
  {
#if SINKMAP_WITH_CUDA
    cuda_(params_, type_, d_in, static_cast<float*>(d_out), plane, stream);
#else
    SINKMAP_FAIL(cuda_error, "this sinkmap was built without CUDA");
#endif
  }

  [[nodiscard]] Params const& params() const { return params_; }

 private:
  Params params_;
  kernels::pixel_type type_;
  int inputs_, outputs_;
  launcher cuda_;
};

/// The launcher to pass, or nullptr in a build without CUDA.
#if SINKMAP_WITH_CUDA
#define SINKMAP_CUDA_LAUNCHER(fn) (&::sinkmap::kernels::fn)
#else
#define SINKMAP_CUDA_LAUNCHER(fn) nullptr
#endif

using carbon_tile_kernel = stage_tile_kernel<kernels::carbon_stage, kernels::carbon_stage_params>;
using pool_lookup_tile_kernel =
  stage_tile_kernel<kernels::pool_lookup_stage, kernels::pool_lookup_params>;
using composite_tile_kernel =
  stage_tile_kernel<kernels::composite_stage, kernels::composite_stage_params>;
using sink_tile_kernel = stage_tile_kernel<kernels::sink_stage, kernels::sink_params>;
using blue_carbon_tile_kernel = stage_tile_kernel<kernels::blue_carbon_stage, kernels::cbc_params>;
using trend_tile_kernel = stage_tile_kernel<kernels::trend_stage, kernels::trend_params>;
using accounting_tile_kernel = stage_tile_kernel<kernels::accounting_stage, kernels::accounting_params>;
using stock_change_tile_kernel =
  stage_tile_kernel<kernels::stock_change_stage, kernels::stock_change_params>;

}  // namespace sinkmap::carbon
