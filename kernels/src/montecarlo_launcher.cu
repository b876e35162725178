// The Monte Carlo on the GPU: one thread per pixel runs every iteration; a warp whose pixels
// share a (zone, class) cell sums their fixed-point values with shuffles, and the block adds
// per (cell, accumulator, iteration) in shared memory, a chunk of iterations at a time, and flushes only the cells it touched to the tile's partial
// block with 64-bit atomics. Integer sums are exact, so the order of the atomics cannot change
// the totals, and the per-pixel values come from the same functions the CPU calls.
#include "sinkmap/kernels/montecarlo_stage.hpp"

#include "sinkmap/kernels/cuda_check.hpp"
#include "launch_grid.cuh"

#include <cuda_runtime.h>

namespace sinkmap::kernels {
namespace {

constexpr int block = 256;
constexpr int shared_entries = 6080;  // 47.5 KiB of 64-bit partials (48 KiB static limit with the flags)

__device__ unsigned long long warp_sum(unsigned long long x)
{
  for (int off = 16; off > 0; off >>= 1) x += __shfl_down_sync(0xffffffffu, x, off);
  return x;  // in lane 0
}

__global__ void montecarlo_kernel(__grid_constant__ mc_params const p, float const* in, float* sd,
                                  unsigned long long* partial, std::size_t plane, int tile_x,
                                  int tile_y, int tile_w, int n_cells, int chunk)
{
  __shared__ unsigned long long acc[shared_entries];
  __shared__ unsigned int touched[max_mc_cells / 32];
  int const A = mc_accumulators(p), V = mc_value_count(p), n = p.iterations;
  int const lane = int(threadIdx.x & 31u);
  std::size_t const stride = std::size_t(gridDim.x) * blockDim.x;
  for (std::size_t base = std::size_t(blockIdx.x) * blockDim.x; base < plane; base += stride) {
    std::size_t const i = base + threadIdx.x;
    bool const active = i < plane;
    mc_pixel px;
    if (active) px = mc_load(p, in, plane, i, tile_x, tile_y, tile_w);
    bool const has = active && px.cell >= 0;
    double s = 0, s2 = 0;
    int m = 0;
    mc_shape_cache cache;
    for (int it0 = 0; it0 < n; it0 += chunk) {
      int const len = n - it0 < chunk ? n - it0 : chunk;
      for (int k = threadIdx.x; k < n_cells * A * chunk; k += blockDim.x) acc[k] = 0ull;
      if (threadIdx.x < max_mc_cells / 32) touched[threadIdx.x] = 0u;
      __syncthreads();
      if (has) atomicOr(&touched[px.cell >> 5], 1u << (px.cell & 31));
      // Every lane runs every iteration (the loop is uniform), so the warp can add its lanes'
      // values with shuffles where they all fall in one cell (a land-cover patch): one shared
      // atomic per warp instead of 32 on the same address.
      for (int j = 0; j < len; ++j) {
        float v[3] = {0, 0, 0};
        bool const ok = has && mc_values(p, px, std::uint32_t(it0 + j), v, cache);
        if (has && !ok) atomicAdd(&acc[(px.cell * A + A - 1) * chunk + j], 1ull);
        if (ok) {
          s += v[0];
          s2 += double(v[0]) * v[0];
          ++m;
        }
        int const key = ok ? px.cell : -1;
        unsigned const peers = __match_any_sync(0xffffffffu, key);
        for (int a = 0; a < V; ++a) {
          unsigned long long const f = ok ? static_cast<unsigned long long>(mc_fixed(v[a], px.ha)) : 0ull;
          if (peers == 0xffffffffu) {
            unsigned long long const sum = warp_sum(f);
            if (lane == 0 && key >= 0) atomicAdd(&acc[(key * A + a) * chunk + j], sum);
          } else if (ok) {
            atomicAdd(&acc[(px.cell * A + a) * chunk + j], f);
          }
        }
      }
      __syncthreads();
      for (int k = threadIdx.x; k < n_cells * A * chunk; k += blockDim.x) {
        int const cell = k / (A * chunk), j = k % chunk, a = (k / chunk) % A;
        if (j >= len || !((touched[cell >> 5] >> (cell & 31)) & 1u)) continue;
        unsigned long long const v = acc[k];
        if (v != 0ull) atomicAdd(&partial[(std::size_t(cell) * A + a) * n + it0 + j], v);
      }
      __syncthreads();
    }
    if (active && p.with_sd) sd[i] = stored(mc_sd(s, s2, m));
  }
}

// A tile without a counted pixel still owes its SD plane: NaN everywhere, as the CPU writes.
__global__ void fill_nodata_kernel(float* out, std::size_t n)
{
  std::size_t const stride = std::size_t(gridDim.x) * blockDim.x;
  for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = stored(NAN);
}

}  // namespace

void launch_montecarlo(mc_params const& p, float const* d_in, float* d_sd, long long* d_partial,
                       std::size_t plane, int tile_x, int tile_y, int tile_w, int n_cells, void* stream)
{
  auto const s = static_cast<cudaStream_t>(stream);
  int const A = mc_accumulators(p);
  SINKMAP_CUDA_TRY(cudaMemsetAsync(d_partial, 0, std::size_t(n_cells) * A * p.iterations * sizeof(long long), s));
  if (plane == 0) return;
  if (n_cells == 0) {  // every pixel unmapped or outside the zones: nothing to draw
    if (p.with_sd) {
      fill_nodata_kernel<<<launch_grid(plane, block, 16), block, 0, s>>>(d_sd, plane);
      check_launch("the Monte Carlo nodata fill");
    }
    return;
  }
  int const fit = shared_entries / (n_cells * A);
  int const chunk = fit < 1 ? 1 : (fit < p.iterations ? fit : p.iterations);
  montecarlo_kernel<<<launch_grid(plane, block, 8), block, 0, s>>>(
    p, d_in, d_sd, reinterpret_cast<unsigned long long*>(d_partial), plane, tile_x, tile_y, tile_w, n_cells, chunk);
  check_launch("the Monte Carlo kernel");
}

}  // namespace sinkmap::kernels
