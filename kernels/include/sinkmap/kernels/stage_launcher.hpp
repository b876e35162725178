// Host entry points of the CUDA kernels for the carbon stages other than indices.
#pragma once

#include "sinkmap/kernels/accounting_stage.hpp"
#include "sinkmap/kernels/blue_carbon_stage.hpp"
#include "sinkmap/kernels/carbon_stage.hpp"
#include "sinkmap/kernels/composite_stage.hpp"
#include "sinkmap/kernels/sink_stage.hpp"
#include "sinkmap/kernels/trend_stage.hpp"
#include "sinkmap/kernels/pixel_type.hpp"
#include "sinkmap/kernels/pool_lookup_stage.hpp"

#include <cstddef>

namespace sinkmap::kernels {

void launch_carbon_stage(carbon_stage_params const& params, pixel_type type, void const* d_in,
                         float* d_out, std::size_t plane, void* stream);
void launch_pool_lookup_stage(pool_lookup_params const& params, pixel_type type, void const* d_in,
                              float* d_out, std::size_t plane, void* stream);
void launch_composite_stage(composite_stage_params const& params, pixel_type type, void const* d_in,
                            float* d_out, std::size_t plane, void* stream);
void launch_sink_stage(sink_params const& params, pixel_type type, void const* d_in, float* d_out,
                       std::size_t plane, void* stream);
void launch_trend_stage(trend_params const& params, pixel_type type, void const* d_in, float* d_out,
                        std::size_t plane, void* stream);
void launch_accounting_stage(accounting_params const& params, pixel_type type, void const* d_in,
                             float* d_out, std::size_t plane, void* stream);
void launch_blue_carbon_stage(cbc_params const& params, pixel_type type, void const* d_in, float* d_out,
                              std::size_t plane, void* stream);
void launch_stock_change_stage(stock_change_params const& params, pixel_type type,
                               void const* d_in, float* d_out, std::size_t plane, void* stream);

}  // namespace sinkmap::kernels
