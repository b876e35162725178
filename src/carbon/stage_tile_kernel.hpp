// The carbon stages as tile_kernels: one template binds any per-pixel functor of kernels/ to
// the CPU executor (a plain loop) and to its CUDA launcher. A stage that composites scenes
// (a `comp` member: the composite and the fused composite + carbon stage) gets its observation
// table and its workspace bound here, host memory for the CPU and device memory for CUDA.
#pragma once

#include "core/error.hpp"
#include "pipeline/device_table.hpp"
#include "pipeline/tile_kernel.hpp"
#include "sinkmap/kernels/pixel_type.hpp"
#include "sinkmap/kernels/stage_launcher.hpp"

#include <type_traits>
#include <utility>
#include <vector>

namespace sinkmap::carbon {

/// True for parameter blocks that hold a composite (kernels::composite_params `comp`).
template <typename P, typename = void>
struct has_composite : std::false_type {};
template <typename P>
struct has_composite<P, std::void_t<decltype(std::declval<P&>().comp.obs)>> : std::true_type {};

/// Stage<T> is a kernels/ functor {params const&, T const* in, float* out, size_t plane}.
template <template <typename> class Stage, typename Params>
class stage_tile_kernel final : public pipeline::tile_kernel {
 public:
  using launcher = void (*)(Params const&, kernels::pixel_type, void const*, float*, std::size_t,
                            void*);

  /// `observations`: the composite's observation table (params.comp.n_obs entries) for a stage
  /// that composites, else empty.
  stage_tile_kernel(Params const& params, kernels::pixel_type type, int inputs, int outputs,
                    launcher cuda, std::vector<kernels::observation> observations = {})
    : params_(params), type_(type), inputs_(inputs), outputs_(outputs), cuda_(cuda),
      observations_(std::move(observations))
  {
    if constexpr (has_composite<Params>::value)
      SINKMAP_EXPECTS(observations_.host().size() == std::size_t(params_.comp.n_obs), runtime_failure,
                      "a composite stage needs its " + std::to_string(params_.comp.n_obs) + " observations");
    else
      SINKMAP_EXPECTS(observations_.empty(), runtime_failure, "observations given to a stage that does not composite");
  }

  std::size_t input_bytes_per_pixel() const override
  {
    return std::size_t(inputs_) * kernels::pixel_type_size(type_);
  }
  std::size_t output_bytes_per_pixel() const override { return std::size_t(outputs_) * sizeof(float); }
  std::size_t scratch_bytes_per_pixel() const override
  {
    if constexpr (has_composite<Params>::value)
      return std::size_t(params_.comp.n_obs) * std::size_t(kernels::composite_workspace_columns(params_.comp)) *
             sizeof(float);
    return 0;
  }

  void run_cpu(void const* in, void* out, std::size_t plane, std::size_t begin,
               std::size_t end) const override
  {
    // The composite's workspace: one pixel's, reused pixel after pixel by this thread.
    std::vector<float> workspace;
    Params const* p = &params_;
    Params bound;
    if constexpr (has_composite<Params>::value) {
      if (params_.comp.n_obs > 0) {
        workspace.resize(scratch_bytes_per_pixel() / sizeof(float));
        bound = params_;
        bound.comp.obs = observations_.host().data();
        bound.comp.workspace = workspace.data();
        bound.comp.workspace_per_pixel = 0;
        p = &bound;
      }
    }
    kernels::dispatch_pixel_type(type_, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_same_v<Params, kernels::carbon_stage_params>) {
        // Block-wise host form of the same math (vectorized decode and indices).
        kernels::run_carbon_stage_host(*p, static_cast<T const*>(in), static_cast<float*>(out), plane, begin, end);
      } else {
        Stage<T> const stage{*p, static_cast<T const*>(in), static_cast<float*>(out), plane};
        for (std::size_t i = begin; i < end; ++i) stage(i);
      }
    });
  }

  void run_cuda(void const* d_in, void* d_out, std::size_t plane, void* stream) const override
  {
    run_on_device(d_in, d_out, plane, stream, nullptr);
  }

  void run_tile_cuda(void const* d_in, void* d_out, pipeline::window const& w, void* stream,
                     void* d_scratch) const override
  {
    run_on_device(d_in, d_out, w.pixels(), stream, d_scratch);
  }

  [[nodiscard]] Params const& params() const { return params_; }

 private:
  void run_on_device([[maybe_unused]] void const* d_in, [[maybe_unused]] void* d_out,
                     [[maybe_unused]] std::size_t plane, [[maybe_unused]] void* stream,
                     [[maybe_unused]] void* d_scratch) const
  {
#if SINKMAP_WITH_CUDA
    if constexpr (has_composite<Params>::value) {
      if (params_.comp.n_obs > 0) {
        SINKMAP_EXPECTS(d_scratch != nullptr || scratch_bytes_per_pixel() == 0, runtime_failure,
                        "the composite kernel was given no device workspace");
        Params bound = params_;  // a copy per tile: the launcher passes it by value
        bound.comp.obs = observations_.device(stream);
        bound.comp.workspace = static_cast<float*>(d_scratch);
        bound.comp.workspace_per_pixel = 1;
        cuda_(bound, type_, d_in, static_cast<float*>(d_out), plane, stream);
        return;
      }
    }
    cuda_(params_, type_, d_in, static_cast<float*>(d_out), plane, stream);
#else
    SINKMAP_FAIL(cuda_error, "this sinkmap was built without CUDA");
#endif
  }

  Params params_;
  kernels::pixel_type type_;
  int inputs_, outputs_;
  launcher cuda_;
  pipeline::device_table<kernels::observation> observations_;
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
