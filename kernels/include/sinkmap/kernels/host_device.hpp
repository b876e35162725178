// One macro marks the per-pixel math as callable from host and device, so g++ and nvcc compile
// the very same formula (docs/architecture.md: "one formula, two backends").
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define SINKMAP_HD __host__ __device__ __forceinline__
#else
#define SINKMAP_HD inline
#endif

namespace sinkmap::kernels {

/// Quiet NaN, the nodata value of every float raster sinkmap writes.
SINKMAP_HD float nodata_value() { return NAN; }

/// True for NaN. Written as a self-comparison because std::isnan is not usable in device code
/// without warnings; this relies on sinkmap never being compiled with fast-math.
SINKMAP_HD bool is_nodata(float x) { return x != x; }

/// A float's bit pattern, and the float of a bit pattern (exact, on host and device).
SINKMAP_HD std::uint32_t float_bits(float x)
{
#if defined(__CUDA_ARCH__)
  return __float_as_uint(x);
#else
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
#endif
}

SINKMAP_HD float float_from_bits(std::uint32_t u)
{
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
#endif
}

/// The bits of the one NaN sinkmap stores: the positive quiet NaN 0x7FC00000 (what the NAN
/// literal gives on both compilers).
inline constexpr std::uint32_t canonical_nan_bits = 0x7FC00000u;

/// `x`, or the canonical NaN where x is any NaN. Every output store goes through it: x86 makes
/// 0xFFC00000 for 0/0 and keeps an input NaN's payload, CUDA makes 0x7FFFFFFF, so without it
/// the two backends write different bytes for the same nodata pixel. Done on the bits, so no
/// compiler can fold it away as "NaN in, NaN out".
SINKMAP_HD float stored(float x) { return x != x ? float_from_bits(canonical_nan_bits) : x; }

/// num / den, or nodata where the denominator is zero: never inf, never a silent 0.
SINKMAP_HD float safe_ratio(float num, float den) { return den == 0.0f ? NAN : num / den; }

}  // namespace sinkmap::kernels
