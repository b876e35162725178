// Per-pixel spectral index formulas, host/device. Each formula cites the paper that defines it;
// formulas and default constants follow the Awesome Spectral Indices catalogue v1, and the
// default constants themselves live in models/spectral_indices.json with their sources.
//
// Inputs are surface reflectances (unitless, 0..1) or NaN for nodata. NaN propagates through
// every formula; a zero denominator gives NaN (safe_ratio), never inf.
#pragma once

#include "sinkmap/kernels/band_role.hpp"
#include "sinkmap/kernels/deterministic_math.hpp"
#include "sinkmap/kernels/host_device.hpp"

namespace sinkmap::kernels {

enum class index_id : int {
  ndvi = 0, evi, evi2, savi, msavi2, ndwi, mndwi, ndmi, nbr, gndvi, kndvi, nirv,
};
inline constexpr int index_count = 12;
inline constexpr int max_index_constants = 5;

/// Reflectance of every role at one pixel (NaN where the role is absent or nodata).
struct pixel_bands {
  float v[band_role_count];
  SINKMAP_HD float operator[](band_role r) const { return v[static_cast<int>(r)]; }
};

/// Normalized difference (a - b) / (a + b).
SINKMAP_HD float normalized_difference(float a, float b) { return safe_ratio(a - b, a + b); }

/// The formula of index I at one pixel. `c` holds the index's constants in the order of its
/// entry in index_catalog (src/indices/index_catalog.cpp), e.g. EVI: g, C1, C2, L.
template <index_id I>
SINKMAP_HD float index_formula(pixel_bands const& p, float const* c)
{
  float const B = p[band_role::blue];
  float const G = p[band_role::green];
  float const R = p[band_role::red];
  float const N = p[band_role::nir];
  float const S1 = p[band_role::swir1];
  float const S2 = p[band_role::swir2];
  (void)B; (void)G; (void)R; (void)N; (void)S1; (void)S2; (void)c;
  if constexpr (I == index_id::ndvi) {
    // Rouse et al. 1974.
    return normalized_difference(N, R);
  } else if constexpr (I == index_id::evi) {
    // Huete et al. 2002: g (N - R) / (N + C1 R - C2 B + L); c = {g, C1, C2, L}.
    return safe_ratio(c[0] * (N - R), N + c[1] * R - c[2] * B + c[3]);
  } else if constexpr (I == index_id::evi2) {
    // Jiang et al. 2008: g (N - R) / (N + (C1 - C2 / c) R + L); c = {g, C1, C2, c, L}.
    return safe_ratio(c[0] * (N - R), N + (c[1] - c[2] / c[3]) * R + c[4]);
  } else if constexpr (I == index_id::savi) {
    // Huete 1988: (1 + L) (N - R) / (N + R + L); c = {L}.
    return safe_ratio((1.0f + c[0]) * (N - R), N + R + c[0]);
  } else if constexpr (I == index_id::msavi2) {
    // Qi et al. 1994: 0.5 (2N + 1 - sqrt((2N + 1)^2 - 8 (N - R))). A negative discriminant
    // (unphysical reflectances) gives NaN from sqrt.
    float const a = 2.0f * N + 1.0f;
    return 0.5f * (a - sqrtf(a * a - 8.0f * (N - R)));
  } else if constexpr (I == index_id::ndwi) {
    // McFeeters 1996.
    return normalized_difference(G, N);
  } else if constexpr (I == index_id::mndwi) {
    // Xu 2006.
    return normalized_difference(G, S1);
  } else if constexpr (I == index_id::ndmi) {
    // Wilson & Sader 2002.
    return normalized_difference(N, S1);
  } else if constexpr (I == index_id::nbr) {
    // Key & Benson 2002.
    return normalized_difference(N, S2);
  } else if constexpr (I == index_id::gndvi) {
    // Gitelson et al. 1996.
    return normalized_difference(N, G);
  } else if constexpr (I == index_id::kndvi) {
    // Camps-Valls et al. 2021: (1 - k) / (1 + k) with the RBF kernel k = exp(-(N-R)^2 / 2s^2),
    // which equals tanh((N - R)^2 / (4 s^2)). c = {sigma}; sigma <= 0 selects the authors'
    // recommendation s = 0.5 (N + R), i.e. tanh(NDVI^2).
    float const x = c[0] > 0.0f ? (N - R) / (2.0f * c[0]) : normalized_difference(N, R);
    return det_tanhf(x * x);
  } else {
    static_assert(I == index_id::nirv, "every index_id needs a formula");
    // Badgley et al. 2017: NIRv = NDVI * N.
    return normalized_difference(N, R) * N;
  }
}

/// Calls f.operator()<I>() for the runtime id: the one switch that turns a runtime index choice
/// into a compile-time formula, shared by the CPU executor (hoisted out of its pixel loop) and
/// the CUDA kernel (per pixel; the id is uniform across a warp, so there is no divergence).
/// Ids are validated on the host (index_catalog); an out-of-range id is a programming error.
template <typename F>
SINKMAP_HD auto dispatch_index(index_id id, F&& f)
{
  switch (id) {
    case index_id::ndvi: return f.template operator()<index_id::ndvi>();
    case index_id::evi: return f.template operator()<index_id::evi>();
    case index_id::evi2: return f.template operator()<index_id::evi2>();
    case index_id::savi: return f.template operator()<index_id::savi>();
    case index_id::msavi2: return f.template operator()<index_id::msavi2>();
    case index_id::ndwi: return f.template operator()<index_id::ndwi>();
    case index_id::mndwi: return f.template operator()<index_id::mndwi>();
    case index_id::ndmi: return f.template operator()<index_id::ndmi>();
    case index_id::nbr: return f.template operator()<index_id::nbr>();
    case index_id::gndvi: return f.template operator()<index_id::gndvi>();
    case index_id::kndvi: return f.template operator()<index_id::kndvi>();
    case index_id::nirv:
    default: return f.template operator()<index_id::nirv>();
  }
}

/// One index of a run: which formula and its constants (defaults or --const overrides).
struct index_term {
  index_id id;
  float c[max_index_constants];
};

/// Evaluates one index at one pixel.
struct evaluate_index {
  pixel_bands const& p;
  float const* c;
  template <index_id I>
  SINKMAP_HD float operator()() const { return index_formula<I>(p, c); }
};

SINKMAP_HD float evaluate(index_term const& t, pixel_bands const& p)
{
  return dispatch_index(t.id, evaluate_index{p, t.c});
}

}  // namespace sinkmap::kernels
