// Host entry point of the CUDA index kernel (compiled by nvcc in kernels/src/index_launcher.cu).
#pragma once

#include "sinkmap/kernels/index_stage.hpp"
#include "sinkmap/kernels/pixel_type.hpp"

#include <cstddef>

namespace sinkmap::kernels {

/// Enqueues the fused index stage over `plane` pixels on `stream` (a cudaStream_t).
/// d_in: band-sequential planes of `type`; d_out: n_outputs float planes. Device pointers.
void launch_index_stage(index_stage_params const& params, pixel_type type, void const* d_in,
                        float* d_out, std::size_t plane, void* stream);

}  // namespace sinkmap::kernels
