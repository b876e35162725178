// InVEST-compatible carbon: each land-use code looks up four pool densities (C_above, C_below,
// C_soil, C_dead, Mg C / ha) from a table, as InVEST's Carbon Storage model does.
#pragma once

#include "sinkmap/kernels/ecosystem_class.hpp"
#include "sinkmap/kernels/host_device.hpp"

#include <cstddef>

namespace sinkmap::kernels {

struct pool_lookup_params {
  float pools[landcover_codes][4];      ///< c_above, c_below, c_dead, c_soil per code
  unsigned char known[landcover_codes]; ///< 1 where the table lists the code
  int has_nodata = 0;
  float nodata = 0;
};

/// Outputs (5 planes): c_above, c_below, c_dead, c_soil, c_total; NaN for nodata or codes the
/// table does not list.
inline constexpr int pool_lookup_outputs = 5;

template <typename T>
struct pool_lookup_stage {
  pool_lookup_params const& p;
  T const* in;
  float* out;
  std::size_t plane;

  SINKMAP_HD void operator()(std::size_t i) const
  {
    float const code = static_cast<float>(in[i]);
    bool const ok = !is_nodata(code) && !(p.has_nodata && code == p.nodata) && code >= 0.0f &&
                    code < float(landcover_codes) && p.known[static_cast<int>(code)] != 0;
    float total = 0.0f;
    for (int k = 0; k < 4; ++k) {
      float const v = ok ? p.pools[static_cast<int>(code)][k] : NAN;
      out[std::size_t(k) * plane + i] = stored(v);
      total += v;
    }
    out[4 * plane + i] = stored(total);
  }
};

/// Stock-difference sink (IPCC 2006 V4 Eq. 2.5): (C_t2 - C_t1) / years, Mg C/ha/yr, and its CO2
/// equivalent (x 44/12). Two input planes (t1, t2), two outputs (sink_c, sink_co2).
struct stock_change_params {
  float years = 1;
  int has_nodata[2] = {0, 0};  ///< input nodata of the t1 and t2 maps (besides NaN)
  float nodata[2] = {0, 0};
};

template <typename T>
struct stock_change_stage {
  stock_change_params const& p;
  T const* in;
  float* out;
  std::size_t plane;

  SINKMAP_HD void operator()(std::size_t i) const
  {
    float c1 = static_cast<float>(in[i]), c2 = static_cast<float>(in[plane + i]);
    if (p.has_nodata[0] && c1 == p.nodata[0]) c1 = NAN;
    if (p.has_nodata[1] && c2 == p.nodata[1]) c2 = NAN;
    float const sink = (c2 - c1) / p.years;  // NaN propagates
    out[i] = stored(sink);
    out[plane + i] = stored(sink * (44.0f / 12.0f));
  }
};

}  // namespace sinkmap::kernels
