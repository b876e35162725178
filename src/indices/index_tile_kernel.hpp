// The fused index stage as a tile_kernel: binds the kernels/ functor to the executors.
#pragma once

#include "pipeline/tile_kernel.hpp"
#include "sinkmap/kernels/index_stage.hpp"
#include "sinkmap/kernels/pixel_type.hpp"

namespace sinkmap::indices {

class index_tile_kernel final : public pipeline::tile_kernel {
 public:
  /// `n_inputs` band-sequential input planes of `type`; params.n_outputs float output planes.
  index_tile_kernel(kernels::index_stage_params const& params, kernels::pixel_type type,
                    int n_inputs);

  std::size_t input_bytes_per_pixel() const override;
  std::size_t output_bytes_per_pixel() const override;
  void run_cpu(void const* in, void* out, std::size_t plane, std::size_t begin,
               std::size_t end) const override;
  void run_cuda(void const* d_in, void* d_out, std::size_t plane, void* stream) const override;

  [[nodiscard]] kernels::index_stage_params const& params() const { return params_; }

 private:
  kernels::index_stage_params params_;
  kernels::pixel_type type_;
  int n_inputs_;
};

}  // namespace sinkmap::indices
