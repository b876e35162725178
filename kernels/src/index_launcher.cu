#include "sinkmap/kernels/index_launcher.hpp"

#include "sinkmap/kernels/cuda_check.hpp"
#include "launch_grid.cuh"

#include <cuda_runtime.h>

namespace sinkmap::kernels {
namespace {

constexpr int pixels_per_thread = 4;

/// V consecutive samples loaded or stored as one access (8 bytes for uint16, 16 for float).
template <typename T, int V>
struct alignas(sizeof(T) * V) sample_vec {
  T v[V];
};

// Scalar form: one pixel per thread iteration, for tiles whose planes are not a multiple of the
// vector width (the plane offsets would be misaligned for wide accesses).
// __grid_constant__ lets the kernel index the parameter block (terms[k]) in place instead of
// copying ~600 bytes into every thread's local memory.
template <typename T>
__global__ void index_stage_scalar(__grid_constant__ index_stage_params const p, T const* in,
                                   float* out, std::size_t plane)
{
  index_stage<T> const stage{p, in, out, plane};
  std::size_t const stride = std::size_t(blockDim.x) * gridDim.x;
  for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < plane; i += stride)
    stage(i);
}

// Vector form: each thread handles V consecutive pixels with one wide load per input plane and
// one wide store per output plane; all loads are issued before the first use. Same decode and
// formula functions as the scalar form and the CPU executor.
template <typename T, int V>
__global__ void index_stage_vector(__grid_constant__ index_stage_params const p, T const* in,
                                   float* out, std::size_t plane)
{
  using in_vec = sample_vec<T, V>;
  using out_vec = sample_vec<float, V>;
  std::size_t const groups = plane / V;
  std::size_t const stride = std::size_t(blockDim.x) * gridDim.x;
  for (std::size_t g = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; g < groups;
       g += stride) {
    in_vec dn[band_role_count];
#pragma unroll
    for (int r = 0; r < band_role_count; ++r) {
      int const s = p.plane_of_role[r];
      if (s >= 0) dn[r] = reinterpret_cast<in_vec const*>(in + std::size_t(s) * plane)[g];
    }
    bool masked[V] = {};
#pragma unroll
    for (int m = 0; m < max_stage_masks; ++m) {
      int const s = p.masks[m].plane;
      if (s < 0) continue;
      in_vec const q = reinterpret_cast<in_vec const*>(in + std::size_t(s) * plane)[g];
#pragma unroll
      for (int j = 0; j < V; ++j) masked[j] |= masks_pixel(p.masks[m], static_cast<float>(q.v[j]));
    }
    pixel_bands px[V];
#pragma unroll
    for (int j = 0; j < V; ++j)
#pragma unroll
      for (int r = 0; r < band_role_count; ++r)
        px[j].v[r] = (p.plane_of_role[r] < 0 || masked[j])
                       ? NAN
                       : decode_sample(dn[r].v[j], p.decode_of_role[r]);
    for (int k = 0; k < p.n_outputs; ++k) {
      out_vec o;
#pragma unroll
      for (int j = 0; j < V; ++j) o.v[j] = stored(evaluate(p.terms[k], px[j]));
      reinterpret_cast<out_vec*>(out + std::size_t(k) * plane)[g] = o;
    }
  }
}

}  // namespace

void launch_index_stage(index_stage_params const& params, pixel_type type, void const* d_in,
                        float* d_out, std::size_t plane, void* stream)
{
  if (plane == 0) return;
  constexpr int block = 256;
  auto const s = static_cast<cudaStream_t>(stream);
  dispatch_pixel_type(type, [&](auto tag) {
    using T = decltype(tag);
    auto const* in = static_cast<T const*>(d_in);
    constexpr int V = pixels_per_thread;
    bool const aligned = plane % V == 0 &&
                         reinterpret_cast<std::uintptr_t>(in) % (sizeof(T) * V) == 0 &&
                         reinterpret_cast<std::uintptr_t>(d_out) % (sizeof(float) * V) == 0;
    if (aligned)
      index_stage_vector<T, V><<<launch_grid(plane / V, block, 16), block, 0, s>>>(params, in, d_out, plane);
    else
      index_stage_scalar<T><<<launch_grid(plane, block, 16), block, 0, s>>>(params, in, d_out, plane);
  });
  check_launch("the index kernel");
}

}  // namespace sinkmap::kernels
