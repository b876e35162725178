#include "jobs/accounting_montecarlo.hpp"

#include "core/error.hpp"
#include "io/cell_area.hpp"
#include "jobs/read_only_kernel.hpp"
#include "models/accounting_tables.hpp"
#include "sinkmap/kernels/accounting_montecarlo.hpp"
#include "uncertainty/parameter_draws.hpp"
#include "uncertainty/summary.hpp"

#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

namespace sinkmap::jobs {

namespace k = kernels;

namespace {

constexpr int max_iterations = 10000;

// Fixed-point iteration sums of one (zone, class, value slot) cell.
struct cell_sums {
  std::vector<__int128> sum;  ///< per iteration
  std::int64_t missing = 0;   ///< pixel-iterations without a value
};

using cell_key = std::tuple<int, int, int>;  // zone id, class id, slot

}  // namespace

accounting_mc_totals run_accounting_montecarlo(accounting_job_options const& opt, uncertainty::mc_options const& mc,
                                               io::zone_set const& zones)
{
  SINKMAP_EXPECTS(mc.iterations >= 2 && mc.iterations <= max_iterations, bad_input,
                  "[uncertainty] iterations: " + std::to_string(mc.iterations) + "; give 2 to " +
                    std::to_string(max_iterations));
  check_accounting_inputs(opt);
  accounting_layout const layout = layout_of(opt);
  accounting_pass a = prepare_accounting_pass(opt, layout);
  int const n = mc.iterations, Y = layout.years, T = layout.intervals;
  int const slots = Y + 3 * T;  // stock per map, then net, gains, losses per interval

  // The first map's biomass-model input (imagery classes redraw their AGB from it).
  int x0 = -1;
  if (a.fresh) {
    auto ds = io::open_raster(opt.observed.front(), "observed stock");
    if (int const b = io::band_named(*ds, "agb_input")) {
      x0 = int(a.planes.size());
      a.planes.push_back({opt.observed.front(), b});
    }
  }
  // The draws' bindings, as the stock Monte Carlo has them.
  k::mc_params d;
  d.seed = mc.seed;
  d.iterations = n;
  std::memcpy(d.zone_lut, a.cp.zone_lut, sizeof d.zone_lut);
  d.default_zone = a.cp.default_zone;
  d.default_age = a.cp.default_age;
  d.age_boundary_years = a.cp.age_boundary_years;
  d.bcef = a.cp.bcef;
  for (int s = 0; s < a.in.model.tables->n_sets; ++s) d.residuals |= a.in.model.tables->sets[s].residual_sd > 0 ? 1 : 0;
  bool imagery = false;
  for (auto const& c : a.in.model.classes) imagery |= !c.tier1;
  accounting_mc_totals out;
  if (a.fresh && imagery && x0 < 0)
    out.warnings.push_back("the first year's stock map has no agb_input band: imagery biomass is not redrawn");

  // One set of accounting parameters per iteration, from that iteration's drawn tables.
  std::vector<k::class_tables> const tables = uncertainty::iteration_tables(a.in.model, mc.seed, n);
  std::vector<std::unique_ptr<k::accounting_params>> params;
  for (int it = 0; it < n; ++it) {
    auto p = std::make_unique<k::accounting_params>(*a.params);
    p->tables = tables[std::size_t(it)];
    (void)models::fill_accounting_tables(a.in.model, p->tables, *p);
    params.push_back(std::move(p));
  }

  io::cell_area const areas(a.grid);
  std::map<cell_key, cell_sums> acc;
  std::mutex acc_mutex;
  raster_stream_request r;
  r.planes = a.planes;
  r.read_type = k::pixel_type::f32;
  r.grid = a.grid;
  r.run = opt.run;
  r.label = "sinkmap accounting Monte Carlo";
  // Whether a start draws a per-pixel residual (the only draw keyed by the pixel): where it does
  // not, a pixel whose input planes and area equal the previous pixel's has the same trajectory
  // in every iteration, so it reuses them (land-cover patches: long runs of equal pixels).
  k::class_tables const& forms = params.front()->tables;  // forms and residual SDs are not drawn
  auto draws_residual = [&](float const* planes, std::size_t px, std::size_t i) {
    if (!d.residuals || x0 < 0 || !a.fresh) return false;
    k::accounting_planes const& q = a.params->planes;
    int const cls = k::observed_class(k::acc_sample(planes, q.cls[0], px, i));
    int const zone = k::zone_from_code(a.params->zone_lut, q.zone >= 0, a.params->default_zone,
                                       k::acc_sample(planes, q.zone, px, i));
    float const age = k::start_age(*a.params, planes, px, i);
    int const age_class = k::age_from_years(!k::is_nodata(age), a.params->default_age, a.params->age_boundary_years, age);
    int const set = k::param_set(forms, cls, zone, age_class);
    return set >= 0 && k::reads_index(forms.sets[set]) && forms.sets[set].residual_sd > 0.0f;
  };
  std::size_t const n_planes = a.planes.size();
  r.reducer = [&](int, pipeline::window const& w, float const* planes) {
    std::size_t const px = w.pixels();
    std::vector<int> ids;
    zones.rasterize(w, ids);
    std::map<cell_key, cell_sums> local;
    std::vector<k::accounting_trajectory> traj(static_cast<std::size_t>(n));
    std::vector<unsigned char> ok(static_cast<std::size_t>(n));
    int const first = a.fresh ? 1 : 0;
    int valid = 0;
    std::size_t ref = 0;
    // Adds `count` pixels of the trajectories in traj/ok to zone `zone` (count x the fixed-point
    // value: exactly what adding them one by one gives).
    auto accumulate = [&](int zone, double ha, long long count) {
      if (count == 0 || valid == 0) return;  // unmapped in every iteration: the coverage reports it
      for (int slot = 0; slot < slots; ++slot) {
        int y, part = -1;
        if (slot < Y) {
          y = slot;  // every map has a stock (a fresh start's first: the drawn start)
        } else {
          int const t = (slot - Y) / 3;
          part = (slot - Y) % 3;
          y = t + first;
          if (y >= Y) continue;
        }
        int const cls = traj[ref].cls[y];  // the classes do not depend on the draws
        auto& c = local[{zone, cls, slot}];
        if (c.sum.empty()) c.sum.assign(std::size_t(n), 0);
        for (int it = 0; it < n; ++it) {
          if (!ok[std::size_t(it)]) {
            c.missing += count;
            continue;
          }
          auto const& tr = traj[std::size_t(it)];
          float const v = slot < Y ? tr.stock[y] : part == 0 ? tr.net[y - first] : part == 1 ? tr.gains[y - first] : tr.losses[y - first];
          if (std::isnan(v)) {
            c.missing += count;
            continue;
          }
          c.sum[std::size_t(it)] += __int128(count) * k::mc_fixed_host(v, ha);
        }
      }
    };
    std::vector<float> key(n_planes + 2), last(n_planes + 2);
    bool have_last = false;
    int run_zone = 0;
    double run_ha = 0;
    long long run_len = 0;
    for (std::size_t i = 0; i < px; ++i) {
      if (ids[i] <= 0) continue;
      int const row = w.y + int(i / std::size_t(w.w)), col = w.x + int(i % std::size_t(w.w));
      std::uint64_t const id = std::uint64_t(row) * std::uint64_t(a.grid.width) + std::uint64_t(col);
      double const ha = areas.hectares(row);
      // The key: every input plane's bits and the area.
      for (std::size_t k2 = 0; k2 < n_planes; ++k2) key[k2] = planes[k2 * px + i];
      std::memcpy(&key[n_planes], &ha, sizeof ha);
      bool const pure = !draws_residual(planes, px, i);
      // Bitwise: equal bits (NaN included) give equal trajectories.
      bool const same = pure && have_last && std::memcmp(key.data(), last.data(), key.size() * sizeof(float)) == 0;
      if (same && ids[i] == run_zone) {
        ++run_len;
        continue;
      }
      accumulate(run_zone, run_ha, run_len);
      run_zone = ids[i];
      run_ha = ha;
      run_len = 1;
      if (same) continue;  // another zone, the same trajectories
      k::mc_shape_cache cache;
      valid = 0;
      for (int it = 0; it < n; ++it) {
        ok[std::size_t(it)] = k::accounting_iteration(*params[std::size_t(it)], d, planes, px, i, x0, id,
                                                      std::uint32_t(it), cache, traj[std::size_t(it)]) ? 1 : 0;
        valid += ok[std::size_t(it)];
      }
      ref = 0;
      while (ref + 1 < std::size_t(n) && !ok[ref]) ++ref;
      last = key;
      have_last = pure;
    }
    accumulate(run_zone, run_ha, run_len);
    std::lock_guard<std::mutex> lock(acc_mutex);
    for (auto& [key2, c] : local) {
      auto& g = acc[key2];
      if (g.sum.empty()) g.sum.assign(std::size_t(n), 0);
      for (std::size_t it = 0; it < g.sum.size(); ++it) g.sum[it] += c.sum[it];
      g.missing += c.missing;
    }
  };
  run_raster_stream(r, read_only_kernel(int(a.planes.size())));

  // Totals by names: (zone, class), (zone, *), (*, *), per map and per interval.
  auto totals = [&](int slot0, int values, bool sink) {
    uncertainty::mc_totals t;
    t.iterations = n;
    t.seed = mc.seed;
    t.sink = sink;
    std::map<std::pair<std::string, std::string>, std::vector<std::vector<__int128>>> by_name;
    std::map<std::pair<std::string, std::string>, std::int64_t> missing;
    for (auto const& [key, c] : acc) {
      auto const [zone, cls, slot] = key;
      if (slot < slot0 || slot >= slot0 + values) continue;
      auto const it = a.class_names.find(cls);
      std::string const z = zones.name(zone), cn = it == a.class_names.end() ? "none" : it->second;
      for (auto const& name : {std::pair{z, cn}, std::pair{z, std::string("*")}, std::pair{std::string("*"), std::string("*")}}) {
        auto& v = by_name[name];
        if (v.empty()) v.assign(std::size_t(values), std::vector<__int128>(std::size_t(n), 0));
        for (int s = 0; s < n; ++s) v[std::size_t(slot - slot0)][std::size_t(s)] += c.sum[std::size_t(s)];
        if (slot == slot0) missing[name] += c.missing;
      }
    }
    for (auto const& [name, v] : by_name) {
      std::vector<uncertainty::mc_summary> s;
      for (auto const& per_it : v) {
        std::vector<double> x(static_cast<std::size_t>(n));
        for (int it = 0; it < n; ++it) x[std::size_t(it)] = double(per_it[std::size_t(it)]) / k::mc_fixed_scale;
        s.push_back(uncertainty::summarize(std::move(x)));
      }
      t.rows[name] = s;
    }
    for (auto const& [name, m] : missing)
      if (m > 0) {
        t.missing[name] = m;
        if (name.second != "*")
          out.warnings.push_back("zone " + name.first + ", class " + name.second + ": " + std::to_string(m) +
                                 " pixel-iterations had no start stock under their draw (a class without parameters there)");
      }
    return t;
  };
  for (int y = 0; y < Y; ++y) out.stocks.push_back(totals(y, 1, false));
  // The whole series per iteration: each zone's total stock per map (all classes), then its
  // mean annual change and its least-squares trend against the year.
  if (Y >= 2) {
    std::map<std::string, std::vector<std::vector<__int128>>> stock;  // zone -> [map][iteration]
    for (auto const& [key, c] : acc) {
      auto const [zone, cls, slot] = key;
      if (slot >= Y) continue;
      for (std::string const& z : {zones.name(zone), std::string("*")}) {
        auto& v = stock[z];
        if (v.empty()) v.assign(std::size_t(Y), std::vector<__int128>(std::size_t(n), 0));
        for (int s = 0; s < n; ++s) v[std::size_t(slot)][std::size_t(s)] += c.sum[std::size_t(s)];
      }
    }
    auto const& yrs = opt.years;
    double const span = double(yrs.back() - yrs.front());
    double ybar = 0;
    for (int y : yrs) ybar += y;
    ybar /= double(Y);
    double sxx = 0;
    for (int y : yrs) sxx += (y - ybar) * (y - ybar);
    for (auto const& entry : stock) {
      auto const& z = entry.first;
      auto const& v = entry.second;  // a plain reference: lambdas cannot capture a structured binding before C++20
      std::vector<double> change(static_cast<std::size_t>(n)), slope(static_cast<std::size_t>(n));
      for (int it = 0; it < n; ++it) {
        auto at = [&](int y) { return double(v[std::size_t(y)][std::size_t(it)]) / k::mc_fixed_scale; };
        change[std::size_t(it)] = (at(Y - 1) - at(0)) / span;
        double sxy = 0;
        for (int y = 0; y < Y; ++y) sxy += (yrs[std::size_t(y)] - ybar) * at(y);
        slope[std::size_t(it)] = sxy / sxx;
      }
      series_interval s;
      s.zone = z;
      s.from = yrs.front();
      s.to = yrs.back();
      s.mean_annual_sink = uncertainty::summarize(std::move(change));
      if (Y >= 3) s.stock_trend = uncertainty::summarize(std::move(slope));
      out.series.push_back(s);
    }
  }
  for (int t = 0; t < T; ++t) out.sinks.push_back(totals(Y + 3 * t, 3, true));
  int independent = 0, joint = 0;
  for (auto const& par : a.in.model.parameters)
    if (par.sd > 0) ++(par.joint >= 0 ? joint : independent);
  out.notes.push_back(std::to_string(n) + " trajectories per pixel through the yearly accounting; " +
                      std::to_string(independent + joint) + " uncertain numbers of model " + a.in.model.name +
                      " drawn once per iteration for every year and the whole map" +
                      (d.residuals ? "; imagery residuals per pixel and iteration at the start" : "") +
                      (a.fresh ? "" : "; the start state's pools are taken as certain"));
  return out;
}

}  // namespace sinkmap::jobs
