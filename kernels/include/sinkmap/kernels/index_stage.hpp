// The fused index stage: digital numbers -> reflectance (scale, offset, nodata) -> every
// requested index, in one pass over the pixel. Inputs are band-sequential planes of one sample
// type; outputs are float planes, NaN for nodata.
#pragma once

#include "sinkmap/kernels/spectral_index.hpp"

#include <cstddef>

namespace sinkmap::kernels {

inline constexpr int max_stage_outputs = 16;

/// How one input plane becomes reflectance: DN * scale + offset; DN == nodata -> NaN.
struct input_decode {
  float scale = 1.0f;
  float offset = 0.0f;
  float nodata = 0.0f;
  int has_nodata = 0;
};

/// Plain-data parameters of a run (trivially copyable: passed by value to the kernel).
struct index_stage_params {
  int plane_of_role[band_role_count];       ///< input plane of each role, -1 where absent
  input_decode decode_of_role[band_role_count];
  int n_outputs = 0;
  index_term terms[max_stage_outputs];
};

template <typename T>
SINKMAP_HD float decode_sample(T dn, input_decode const& d)
{
  float const x = static_cast<float>(dn);
  bool const nodata = (d.has_nodata != 0 && x == d.nodata) || is_nodata(x);
  return nodata ? NAN : x * d.scale + d.offset;
}

/// Reflectances of every role at pixel i. The role loop is unrolled so `v` stays in registers.
template <typename T>
SINKMAP_HD pixel_bands load_pixel(index_stage_params const& p, T const* in, std::size_t plane,
                                  std::size_t i)
{
  pixel_bands b;
#if defined(__CUDACC__)
#pragma unroll
#endif
  for (int r = 0; r < band_role_count; ++r) {
    int const s = p.plane_of_role[r];
    b.v[r] = s < 0 ? NAN : decode_sample(in[std::size_t(s) * plane + i], p.decode_of_role[r]);
  }
  return b;
}

/// The per-pixel stage functor: the CUDA kernel calls it once per pixel.
template <typename T>
struct index_stage {
  index_stage_params const& p;
  T const* in;
  float* out;
  std::size_t plane;

  SINKMAP_HD void operator()(std::size_t i) const
  {
    pixel_bands const b = load_pixel(p, in, plane, i);
    for (int k = 0; k < p.n_outputs; ++k) out[std::size_t(k) * plane + i] = evaluate(p.terms[k], b);
  }
};

namespace detail {

inline constexpr std::size_t host_block = 512;

/// One index over a block of decoded pixels (host only): the switch is outside the loop.
struct host_block_loop {
  float const (*buf)[host_block];
  float* dst;
  std::size_t n;
  float const* c;
  template <index_id I>
  void operator()() const
  {
    for (std::size_t j = 0; j < n; ++j) {
      pixel_bands px;
      for (int r = 0; r < band_role_count; ++r) px.v[r] = buf[r][j];
      dst[j] = index_formula<I>(px, c);
    }
  }
};

}  // namespace detail

/// CPU form of the same stage over pixels [begin, end): pixels are decoded a block at a time
/// and the index switch is hoisted out of the pixel loop so g++ vectorizes the formula. The
/// formula and decode functions are the ones the CUDA kernel calls.
template <typename T>
void run_index_stage_host(index_stage_params const& p, T const* in, float* out, std::size_t plane,
                          std::size_t begin, std::size_t end)
{
  constexpr std::size_t block = detail::host_block;
  alignas(64) float buf[band_role_count][block];
  for (std::size_t b0 = begin; b0 < end; b0 += block) {
    std::size_t const n = (end - b0 < block) ? end - b0 : block;
    for (int r = 0; r < band_role_count; ++r) {
      int const s = p.plane_of_role[r];
      if (s < 0) {
        for (std::size_t j = 0; j < n; ++j) buf[r][j] = NAN;
        continue;
      }
      T const* src = in + std::size_t(s) * plane + b0;
      input_decode const d = p.decode_of_role[r];
      for (std::size_t j = 0; j < n; ++j) buf[r][j] = decode_sample(src[j], d);
    }
    for (int k = 0; k < p.n_outputs; ++k) {
      float* dst = out + std::size_t(k) * plane + b0;
      index_term const& t = p.terms[k];
      dispatch_index(t.id, detail::host_block_loop{buf, dst, n, t.c});
    }
  }
}

}  // namespace sinkmap::kernels
