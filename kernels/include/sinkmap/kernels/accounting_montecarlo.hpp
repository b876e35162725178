// The Monte Carlo through the yearly accounting (IPCC 2006 Vol. 1 Ch. 3, Approach 2): one state
// trajectory per pixel and iteration. Every number a class shares (Tier 1 stock, growth rate,
// root-to-shoot ratio, carbon fraction, dead organic matter, soil carbon, f_d) is drawn once
// per iteration for all years and the whole map (the host evaluates one accounting_params per
// iteration, B_AFTER and the mature stocks recomputed from the drawn tables), so the stock of
// every year, each interval's sink and the trend carry the same draw: errors of a class that
// stays cancel in its sink, a wrong growth rate accumulates over the years. Imagery models'
// residuals are drawn per pixel and iteration for the first map (the start). The class rules
// (confirmation, dNBR) do not depend on the draws: every iteration books the same conversions.
#pragma once

#include "sinkmap/kernels/accounting_stage.hpp"
#include "sinkmap/kernels/montecarlo_stage.hpp"

namespace sinkmap::kernels {

/// One iteration's trajectory of a pixel: c_total and the confirmed class per map, and per
/// interval (ending at map y; index y - first) the net sink, gains and losses (Mg C / ha / yr).
struct accounting_trajectory {
  float stock[max_accounting_years];
  int cls[max_accounting_years];
  float net[max_accounting_years], gains[max_accounting_years], losses[max_accounting_years];
  int first = 1;  ///< the map of the first interval's end (0 on a run continued from a state)
};

/// Iteration `it` of pixel i: `p` holds that iteration's drawn tables; `d` the Monte Carlo's
/// seed, residual switch and zone/age bindings (as the stock Monte Carlo has them); `x0_plane`
/// the first map's agb_input plane (-1: none). False where the pixel has no start under this
/// draw (unmapped, or its drawn class lacks parameters there): the caller counts it.
template <typename T>
SINKMAP_HD bool accounting_iteration(accounting_params const& p, mc_params const& d, T const* in, std::size_t plane,
                                     std::size_t i, int x0_plane, std::uint64_t pixel_id, std::uint32_t it,
                                     mc_shape_cache& cache, accounting_trajectory& o)
{
  accounting_planes const& q = p.planes;
  carbon_state s;
  int const zone = zone_from_code(p.zone_lut, q.zone >= 0, p.default_zone, acc_sample(in, q.zone, plane, i));
  float const harvest_code = acc_sample(in, q.harvest_zone, plane, i);
  float prev_year = p.state_year;
  o.first = 0;
  if (q.state >= 0) {
    load_state(p, in, plane, i, s);
  } else {
    if (is_nodata(acc_sample(in, q.c_total, plane, i))) return false;
    s.cls = observed_class(acc_sample(in, q.cls[0], plane, i));
    if (s.cls <= 0) return false;
    s.age = start_age(p, in, plane, i);
    int const age_class = age_from_years(!is_nodata(s.age), p.default_age, p.age_boundary_years, s.age);
    year_pools const y0 = mc_pools(d, p.tables, s.cls, acc_sample(in, x0_plane, plane, i), acc_sample(in, q.volume, plane, i), zone,
                                   age_class, it,
                                   pixel_id, 0, cache);
    if (is_nodata(y0.c_total)) return false;
    s.above = y0.c_above;
    s.below = y0.c_below;
    s.dead = y0.c_dead;
    s.soil = y0.c_soil;
    s.last_nbr = acc_sample(in, q.nbr[0], plane, i);
    s.soil_depth = p.soil_depth[s.cls];  // as the deterministic start: Eq. 2.25 needs the depth
    float const inc = acc_sample(in, q.increment, plane, i);
    s.increment = !is_nodata(inc) && inc >= 0.0f ? inc : NAN;
    o.stock[0] = accounted_total(s);
    o.cls[0] = s.cls;
    o.first = 1;
    prev_year = p.years[0];
  }
  if (s.cls <= 0) return false;
  for (int y = o.first; y < p.n_years; ++y) {
    interval_flux f;
    float const before = accounted_total(s);
    float const dt = p.years[y] - prev_year;
    advance_state(p, zone, p.years[y], dt, observed_class(acc_sample(in, q.cls[y], plane, i)),
                  acc_sample(in, q.nbr[y], plane, i), harvest_rate(p, harvest_code, y), s, f);
    prev_year = p.years[y];
    o.stock[y] = accounted_total(s);
    o.cls[y] = s.cls;
    int const t = y - o.first;
    o.net[t] = (o.stock[y] - before) / dt;
    o.gains[t] = f.gains / dt;
    o.losses[t] = f.losses / dt;
  }
  return true;
}

}  // namespace sinkmap::kernels
