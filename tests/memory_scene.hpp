// An in-memory scene and sink for pipeline tests: deterministic pseudo-random uint16 planes
// (with some nodata and zero pixels) read through the same tile_source interface GDAL uses.
#pragma once

#include "indices/index_request.hpp"
#include "indices/index_tile_kernel.hpp"
#include "pipeline/stream_runner.hpp"

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace sinkmap::test {

struct memory_scene : pipeline::tile_source {
  int width, height, bands;
  std::vector<std::uint16_t> planes;  // bands x height x width

  memory_scene(int w, int h, int b, unsigned seed = 42) : width(w), height(h), bands(b)
  {
    planes.resize(std::size_t(w) * h * b);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> dn(0, 12000);
    for (auto& v : planes) {
      int const r = dn(rng);
      v = std::uint16_t(r < 150 ? 0 : r);  // ~1% zeros: nodata (DN 0) and zero denominators
    }
  }

  void read(int, pipeline::window const& win, void* dst) override
  {
    auto* out = static_cast<std::uint16_t*>(dst);
    for (int b = 0; b < bands; ++b)
      for (int y = 0; y < win.h; ++y)
        std::memcpy(out + std::size_t(b) * win.pixels() + std::size_t(y) * win.w,
                    planes.data() + (std::size_t(b) * height + win.y + y) * width + win.x,
                    std::size_t(win.w) * sizeof(std::uint16_t));
  }
};

struct memory_sink : pipeline::tile_sink {
  int width, height, bands;
  std::vector<float> planes;
  memory_sink(int w, int h, int b) : width(w), height(h), bands(b), planes(std::size_t(w) * h * b) {}

  void write(int, pipeline::window const& win, void const* src) override
  {
    auto const* in = static_cast<float const*>(src);
    for (int b = 0; b < bands; ++b)
      for (int y = 0; y < win.h; ++y)
        std::memcpy(planes.data() + (std::size_t(b) * height + win.y + y) * width + win.x,
                    in + std::size_t(b) * win.pixels() + std::size_t(y) * win.w,
                    std::size_t(win.w) * sizeof(float));
  }
};

/// Stage parameters over a 6-band scene: blue, green, red, nir, swir1, swir2 in planes 0..5,
/// Landsat C2L2 scaling and DN 0 as nodata; all twelve indices as outputs.
inline indices::index_tile_kernel all_index_kernel(std::vector<std::string> names = {
                                                     "NDVI,EVI,EVI2,SAVI,MSAVI2,NDWI,MNDWI,NDMI,"
                                                     "NBR,GNDVI,kNDVI,NIRv"})
{
  using kernels::band_role;
  auto const req = indices::make_index_request(names, {});
  kernels::index_stage_params p{};
  for (auto& r : p.plane_of_role) r = -1;
  band_role const roles[] = {band_role::blue, band_role::green, band_role::red,
                             band_role::nir,  band_role::swir1, band_role::swir2};
  for (int i = 0; i < 6; ++i) {
    p.plane_of_role[int(roles[i])] = i;
    p.decode_of_role[int(roles[i])] = {2.75e-5, -0.2, 0.0, 1};
  }
  p.n_outputs = int(req.terms.size());
  for (std::size_t k = 0; k < req.terms.size(); ++k) p.terms[k] = req.terms[k];
  return indices::index_tile_kernel(p, kernels::pixel_type::u16, 6);
}

/// The whole scene in one call of the CPU kernel: the untiled reference.
inline std::vector<float> untiled_reference(memory_scene& s, indices::index_tile_kernel const& k)
{
  std::size_t const n = std::size_t(s.width) * s.height;
  std::vector<float> out(n * std::size_t(k.params().n_outputs));
  k.run_cpu(s.planes.data(), out.data(), n, 0, n);
  return out;
}

/// Bitwise equality. NaN too: every backend stores the one canonical NaN (kernels::stored), so
/// a NaN with another payload or sign is a difference.
inline bool same_float(float a, float b) { return kernels::float_bits(a) == kernels::float_bits(b); }

}  // namespace sinkmap::test
