// One macro marks the per-pixel math as callable from host and device, so g++ and nvcc compile
// the very same formula (ARCHITECTURE.md: "one formula, two backends").
#pragma once

#include <cmath>

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

/// num / den, or nodata where the denominator is zero: never inf, never a silent 0.
SINKMAP_HD float safe_ratio(float num, float den) { return den == 0.0f ? NAN : num / den; }

}  // namespace sinkmap::kernels
