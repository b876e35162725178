#include "uncertainty/mc_tile_kernel.hpp"

#include "core/error.hpp"

namespace sinkmap::uncertainty {

void tile_cells::set(pipeline::window const& w, std::vector<std::pair<int, int>> cells)
{
  std::lock_guard lock(mutex_);
  cells_[{w.x, w.y}] = std::move(cells);
}

std::vector<std::pair<int, int>> tile_cells::get(pipeline::window const& w) const
{
  std::lock_guard lock(mutex_);
  auto it = cells_.find({w.x, w.y});
  return it == cells_.end() ? std::vector<std::pair<int, int>>{} : it->second;
}

int tile_cells::count(pipeline::window const& w) const
{
  std::lock_guard lock(mutex_);
  auto it = cells_.find({w.x, w.y});
  return it == cells_.end() ? 0 : int(it->second.size());
}

mc_tile_kernel::mc_tile_kernel(kernels::mc_params const& params, std::vector<kernels::class_tables> tables,
                               std::vector<double> row_ha, int inputs, tile_cells const& cells)
  : params_(params), tables_(std::move(tables)), row_ha_(std::move(row_ha)), inputs_(inputs), cells_(cells)
{
  SINKMAP_EXPECTS(int(tables_.host().size()) == params_.iterations, runtime_failure, "Monte Carlo: one table per iteration");
}

std::size_t mc_tile_kernel::reduction_bytes() const
{
  return std::size_t(kernels::max_mc_cells) * std::size_t(kernels::mc_accumulators(params_)) *
           std::size_t(params_.iterations) * sizeof(long long) + 8;
}

void mc_tile_kernel::run_cpu(void const*, void*, std::size_t, std::size_t, std::size_t) const
{
  SINKMAP_FAIL(runtime_failure, "the Monte Carlo kernel runs whole tiles only");
}

void mc_tile_kernel::run_cuda(void const*, void*, std::size_t, void*) const
{
  SINKMAP_FAIL(runtime_failure, "the Monte Carlo kernel runs whole tiles only");
}

void mc_tile_kernel::run_tile_cpu(void const* in, void* out, pipeline::window const& w) const
{
  kernels::mc_params p = params_;
  p.tables = tables_.host().data();
  p.row_ha = row_ha_.empty() ? nullptr : row_ha_.host().data();
  auto* bytes = static_cast<std::byte*>(out);
  auto* partial = reinterpret_cast<long long*>(bytes + pipeline::reduction_offset(w.pixels(), output_bytes_per_pixel()));
  kernels::mc_tile_host(p, static_cast<float const*>(in), static_cast<float*>(out), partial, w.pixels(), w.x,
                        w.y, w.w, cells_.count(w));
}

void mc_tile_kernel::run_tile_cuda([[maybe_unused]] void const* d_in, [[maybe_unused]] void* d_out,
                                   [[maybe_unused]] pipeline::window const& w,
                                   [[maybe_unused]] void* stream, void* /*d_scratch*/) const
{
#if SINKMAP_WITH_CUDA
  kernels::mc_params p = params_;
  p.tables = tables_.device(stream);
  p.row_ha = row_ha_.device(stream);
  auto* bytes = static_cast<std::byte*>(d_out);
  auto* partial = reinterpret_cast<long long*>(bytes + pipeline::reduction_offset(w.pixels(), output_bytes_per_pixel()));
  kernels::launch_montecarlo(p, static_cast<float const*>(d_in), static_cast<float*>(d_out), partial, w.pixels(),
                             w.x, w.y, w.w, cells_.count(w), stream);
#else
  SINKMAP_FAIL(cuda_error, "this sinkmap was built without CUDA");
#endif
}

}  // namespace sinkmap::uncertainty
