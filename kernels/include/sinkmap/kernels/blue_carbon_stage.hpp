// InVEST Coastal Blue Carbon's timeline per pixel, so a user of InVEST's biophysical table and
// transition matrix gets its numbers from sinkmap's streamed tiles (and a GPU): stocks, yearly
// accumulation, emissions of disturbed carbon with half-life decay, and net sequestration between
// snapshot years. Written from natcap/invest's coastal_blue_carbon.py (commit 54ff9ca1) and its
// user guide; where they differ this follows the code, which is what InVEST outputs
// (docs/blue-carbon.md lists each difference):
//  - baseline B (first snapshot) to the first transition T1: every pool, litter included, grows
//    at its class's yearly accumulation; the transition matrix is not used;
//  - at each transition Ti (prev = class at the previous snapshot, cur = class at Ti), for biomass
//    and soil: the rate from Ti on is cur's accumulation where the matrix cell is "accum", else 0;
//    a "*-impact-disturb" cell disturbs D = prev's fraction of that level x the stock at the start
//    of Ti (a later disturbance replaces an earlier one); the half-life is prev's;
//  - in year y >= y0 a disturbance emits D (0.5^((y-y0)/h) - 0.5^((y-y0+1)/h)), from the
//    disturbance year on (h = 0: no emission); a year with emissions (> 1e-8) does not
//    accumulate; stock(y+1) = stock(y) + rate or - emissions;
//  - litter takes no part after T1 (InVEST drops it from stocks and sequestration there).
// Units are the table's, per hectare (InVEST converts none).
#pragma once

#include "sinkmap/kernels/deterministic_math.hpp"
#include "sinkmap/kernels/pixel_type.hpp"

#include <cmath>
#include <cstddef>

namespace sinkmap::kernels {

inline constexpr int max_cbc_classes = 64;    ///< rows of the biophysical table
inline constexpr int max_cbc_snapshots = 16;  ///< snapshot years (baseline + transitions)
inline constexpr unsigned char cbc_no_class = 255;

/// Transition matrix cells.
enum cbc_cell : unsigned char { cbc_ncc = 0, cbc_accum, cbc_low, cbc_med, cbc_high };

/// Pools with a disturbance and a half-life (litter has neither).
enum cbc_pool : int { cbc_biomass = 0, cbc_soil = 1 };

struct cbc_class {
  float initial[3];       ///< biomass, soil, litter stock at the baseline
  float accumulation[3];  ///< biomass, soil, litter per year
  float half_life[2];     ///< biomass, soil (years; 0: the disturbed carbon is never emitted)
  float disturb[2][3];    ///< biomass, soil x low, med, high: fraction disturbed on leaving the class
};

struct cbc_params {
  int n_snapshots = 0;
  int years[max_cbc_snapshots] = {};
  int analysis_year = 0;  ///< >= the last snapshot year (equal: the last transition is not counted)
  unsigned char row_of_code[256];  ///< land-cover code -> table row (cbc_no_class: not in the table)
  cbc_class rows[max_cbc_classes];
  unsigned char cell[max_cbc_classes][max_cbc_classes];  ///< [from][to]
};

/// Output planes: the biomass and soil stocks at each snapshot year and the analysis year, then
/// per interval [P, Q) of the list B, T1, ..., Tn, A (an empty last one when A = Tn): realised
/// accumulation, emissions and net sequestration (all pools), then the total net sequestration.
SINKMAP_HD int cbc_stock_times(cbc_params const& p) { return p.n_snapshots + 1; }
SINKMAP_HD int cbc_intervals(cbc_params const& p) { return p.n_snapshots; }
inline constexpr int cbc_interval_bands = 3;
enum cbc_interval_band : int { cbc_accumulation = 0, cbc_emissions, cbc_net };
SINKMAP_HD int cbc_output_count(int snapshots) { return 2 * (snapshots + 1) + snapshots * cbc_interval_bands + 1; }
SINKMAP_HD int cbc_outputs(cbc_params const& p) { return cbc_output_count(p.n_snapshots); }

/// Emissions in year y of a disturbance of D in year y0 with half-life h (0 where h is 0).
SINKMAP_HD double cbc_emission(double d, int y0, double h, int y)
{
  if (std::fabs(h) <= 1e-8) return 0.0;
  double const k = double(y - y0);
  return d * (std::pow(0.5, k / h) - std::pow(0.5, (k + 1.0) / h));
}

template <typename T>
struct blue_carbon_stage {
  cbc_params const& p;
  T const* in;  ///< one plane per snapshot: its land-cover codes
  float* out;
  std::size_t plane;

  SINKMAP_HD void put(int k, std::size_t i, double v) const { out[std::size_t(k) * plane + i] = float(v); }

  SINKMAP_HD void operator()(std::size_t i) const
  {
    int const n = p.n_snapshots;
    int const outputs = cbc_outputs(p);
    int cls[max_cbc_snapshots];
    bool mapped = n > 0;
    for (int s = 0; s < n; ++s) {
      float const v = static_cast<float>(in[std::size_t(s) * plane + i]);
      int const code = v >= 0.0f && v < 256.0f && v == v ? int(v) : -1;
      cls[s] = code >= 0 ? int(p.row_of_code[code]) : int(cbc_no_class);
      mapped = mapped && cls[s] != int(cbc_no_class);
    }
    if (!mapped) {
      for (int k = 0; k < outputs; ++k) put(k, i, NAN);
      return;
    }
    int const stock_base = 0, interval_base = 2 * cbc_stock_times(p);
    cbc_class const& b = p.rows[cls[0]];
    double stock[2] = {b.initial[0], b.initial[1]};
    double const litter_rate = b.accumulation[2];
    int const end_baseline = n > 1 ? p.years[1] : p.analysis_year;
    put(stock_base + 0, i, stock[0]);
    put(stock_base + 1, i, stock[1]);
    // Baseline: every pool at its class's rate (litter too), no emissions.
    double const years0 = double(end_baseline - p.years[0]);
    double const acc0 = (double(b.accumulation[0]) + double(b.accumulation[1]) + litter_rate) * years0;
    stock[0] += double(b.accumulation[0]) * years0;
    stock[1] += double(b.accumulation[1]) * years0;
    put(interval_base + cbc_accumulation, i, acc0);
    put(interval_base + cbc_emissions, i, 0.0);
    put(interval_base + cbc_net, i, acc0);
    double total = acc0;
    double dist[2] = {0, 0};
    int y0[2] = {0, 0};
    bool disturbed[2] = {false, false};
    for (int s = 1; s < n; ++s) {
      int const from = cls[s - 1], to = cls[s];
      unsigned char const c = p.cell[from][to];
      cbc_class const& prev = p.rows[from];
      cbc_class const& cur = p.rows[to];
      double rate[2], half[2];
      put(stock_base + 2 * s + 0, i, stock[0]);
      put(stock_base + 2 * s + 1, i, stock[1]);
      for (int q = 0; q < 2; ++q) {
        rate[q] = c == cbc_accum ? double(cur.accumulation[q]) : 0.0;
        half[q] = double(prev.half_life[q]);
        double const m = c >= cbc_low ? double(prev.disturb[q][c - cbc_low]) : 0.0;
        if (m != 0.0) {
          dist[q] = m * stock[q];
          y0[q] = p.years[s];
          disturbed[q] = true;
        }
      }
      int const until = s + 1 < n ? p.years[s + 1] : p.analysis_year;
      double acc = 0, emit = 0, net = 0;
      for (int y = p.years[s]; y < until; ++y)
        for (int q = 0; q < 2; ++q) {
          double const e = disturbed[q] ? cbc_emission(dist[q], y0[q], half[q], y) : 0.0;
          bool const emitting = disturbed[q] && std::fabs(half[q]) > 1e-8 && std::fabs(e) > 1e-8;
          double const d = emitting ? -e : rate[q];
          if (emitting) emit += e; else acc += rate[q];
          net += d;
          stock[q] += d;
        }
      int const k = interval_base + s * cbc_interval_bands;
      put(k + cbc_accumulation, i, acc);
      put(k + cbc_emissions, i, emit);
      put(k + cbc_net, i, net);
      total += net;
    }
    put(stock_base + 2 * n + 0, i, stock[0]);
    put(stock_base + 2 * n + 1, i, stock[1]);
    put(outputs - 1, i, total);
  }
};

}  // namespace sinkmap::kernels

static_assert(sizeof(sinkmap::kernels::cbc_params) <= 32000, "cbc_params exceeds the kernel parameter limit");
