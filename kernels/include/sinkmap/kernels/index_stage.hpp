// The fused index stage: digital numbers -> reflectance (scale, offset, nodata) -> every
// requested index, in one pass over the pixel. Inputs are band-sequential planes of one sample
// type; outputs are float planes, NaN for nodata.
#pragma once

#include "sinkmap/kernels/spectral_index.hpp"

#include <cstddef>

namespace sinkmap::kernels {

inline constexpr int max_stage_outputs = 16;
inline constexpr int max_stage_masks = 2;

/// A quality plane that masks pixels: Landsat QA_PIXEL / QA_RADSAT (any of `bits` set) or
/// Sentinel-2 SCL (class value v masked where bit v of `bits` is set).
struct mask_test {
  int plane = -1;    ///< input plane of the mask, -1: unused
  int by_class = 0;  ///< 0: bit test, 1: class set
  unsigned bits = 0;
};

/// True where a quality sample masks the pixel.
SINKMAP_HD bool masks_pixel(mask_test const& m, float sample)
{
  if (sample != sample || sample < 0.0f) return false;
  unsigned const v = static_cast<unsigned>(sample);
  return m.by_class != 0 ? (v < 32u && ((m.bits >> v) & 1u) != 0u) : (v & m.bits) != 0u;
}

/// How one input plane becomes reflectance: DN * scale + offset; DN == nodata -> NaN.
/// Scale and offset are applied in double: in float, 2.75e-5 and -0.2 (Landsat C2L2) are not
/// representable closely enough, and dark pixels (reflectance ~0.005 = 0.205 - 0.2) would lose
/// their leading digits to cancellation. The reflectance is then rounded once to float.
struct input_decode {
  double scale = 1.0;
  double offset = 0.0;
  double nodata = 0.0;
  int has_nodata = 0;
};

/// Plain-data parameters of a run (trivially copyable: passed by value to the kernel).
struct index_stage_params {
  int plane_of_role[band_role_count];       ///< input plane of each role, -1 where absent
  input_decode decode_of_role[band_role_count];
  mask_test masks[max_stage_masks];
  int n_outputs = 0;
  index_term terms[max_stage_outputs];
};

template <typename T>
SINKMAP_HD float decode_sample(T dn, input_decode const& d)
{
  double const x = static_cast<double>(dn);
  bool const nodata = (d.has_nodata != 0 && x == d.nodata) || x != x;
  return nodata ? NAN : static_cast<float>(x * d.scale + d.offset);
}

/// True where any quality plane masks pixel i.
template <typename T>
SINKMAP_HD bool pixel_masked(index_stage_params const& p, T const* in, std::size_t plane,
                             std::size_t i)
{
  bool masked = false;
#if defined(__CUDACC__)
#pragma unroll
#endif
  for (int m = 0; m < max_stage_masks; ++m) {
    int const s = p.masks[m].plane;
    if (s >= 0) masked |= masks_pixel(p.masks[m], static_cast<float>(in[std::size_t(s) * plane + i]));
  }
  return masked;
}

/// Reflectances of every role at pixel i (all NaN where a quality plane masks the pixel). The
/// role loop is unrolled so `v` stays in registers.
template <typename T>
SINKMAP_HD pixel_bands load_pixel(index_stage_params const& p, T const* in, std::size_t plane,
                                  std::size_t i)
{
  pixel_bands b;
  bool const masked = pixel_masked(p, in, plane, i);
#if defined(__CUDACC__)
#pragma unroll
#endif
  for (int r = 0; r < band_role_count; ++r) {
    int const s = p.plane_of_role[r];
    b.v[r] = (s < 0 || masked) ? NAN
                               : decode_sample(in[std::size_t(s) * plane + i], p.decode_of_role[r]);
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
    for (int k = 0; k < p.n_outputs; ++k) out[std::size_t(k) * plane + i] = stored(evaluate(p.terms[k], b));
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
  SINKMAP_HD void operator()() const
  {
    for (std::size_t j = 0; j < n; ++j) {
      pixel_bands px;
      for (int r = 0; r < band_role_count; ++r) px.v[r] = buf[r][j];
      dst[j] = stored(index_formula<I>(px, c));
    }
  }
};

/// Sets the rows of absent roles to NaN, once per call: decode_block never writes them.
inline void fill_absent_roles(index_stage_params const& p, float (*buf)[host_block])
{
  for (int r = 0; r < band_role_count; ++r)
    if (p.plane_of_role[r] < 0)
      for (std::size_t j = 0; j < host_block; ++j) buf[r][j] = NAN;
}

/// Decodes pixels [b0, b0 + n) of every bound role into buf (NaN for masked pixels); the rows of
/// absent roles keep the NaN fill_absent_roles() gave them.
template <typename T>
void decode_block(index_stage_params const& p, T const* in, std::size_t plane, std::size_t b0,
                  std::size_t n, float (*buf)[host_block])
{
  for (int r = 0; r < band_role_count; ++r) {
    int const s = p.plane_of_role[r];
    if (s < 0) continue;
    T const* src = in + std::size_t(s) * plane + b0;
    input_decode const d = p.decode_of_role[r];
    for (std::size_t j = 0; j < n; ++j) buf[r][j] = decode_sample(src[j], d);
  }
  for (int m = 0; m < max_stage_masks; ++m) {
    if (p.masks[m].plane < 0) continue;
    T const* q = in + std::size_t(p.masks[m].plane) * plane + b0;
    for (std::size_t j = 0; j < n; ++j)
      if (masks_pixel(p.masks[m], static_cast<float>(q[j])))
        for (int r = 0; r < band_role_count; ++r)
          if (p.plane_of_role[r] >= 0) buf[r][j] = NAN;
  }
}

/// Every index term over a decoded block: out[k * stride + j].
inline void indices_block(index_stage_params const& p, float const (*buf)[host_block],
                          std::size_t n, float* out, std::size_t stride)
{
  for (int k = 0; k < p.n_outputs; ++k)
    dispatch_index(p.terms[k].id, host_block_loop{buf, out + std::size_t(k) * stride, n, p.terms[k].c});
}

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
  detail::fill_absent_roles(p, buf);
  for (std::size_t b0 = begin; b0 < end; b0 += block) {
    std::size_t const n = (end - b0 < block) ? end - b0 : block;
    detail::decode_block(p, in, plane, b0, n, buf);
    detail::indices_block(p, buf, n, out + b0, plane);
  }
}

}  // namespace sinkmap::kernels
