#include "jobs/run/accounting_sums.hpp"

#include <cmath>

namespace sinkmap::jobs {
using namespace sinkmap::zonal;
namespace {

float const* plane(float const* planes, std::size_t n, int k) { return planes + std::size_t(k) * n; }

bool is_forest(float category)
{
  return !std::isnan(category) && int(category) % 8 == int(kernels::class_group::forest);
}

// Values where the pixel's soil depth is d, NaN elsewhere (the accumulators leave NaN out).
float const* at_depth(float const* v, float const* depth, std::size_t n, int d, std::vector<float>& out)
{
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = depth[i] == float(d) ? v[i] : NAN;
  return out.data();
}

}  // namespace

accounting_sums::accounting_sums(io::zone_set const& zones, io::cell_area const& areas, options o)
    : zones_(zones), areas_(areas), o_(std::move(o))
{
  auto const years = std::size_t(o_.layout.years), intervals = std::size_t(o_.layout.intervals);
  soil.resize(years);
  soil_flux.resize(intervals);
  for (std::size_t y = 0; y < years; ++y) {
    stock.push_back(std::make_unique<zonal_accumulator>(zones, areas));
    for (int d : o_.soil_depths) soil[y][d] = std::make_unique<zonal_accumulator>(zones, areas);
  }
  for (std::size_t t = 0; t < intervals; ++t)
    for (int d : o_.soil_depths) soil_flux[t][d] = std::make_unique<zonal_accumulator>(zones, areas);
  for (auto const& [a, b] : o_.intervals) {
    categories.push_back(std::make_unique<category_accumulator>(zones, areas, double(b - a)));
    transitions.push_back(std::make_unique<sink_accumulator>(zones, areas));
  }
  forest_c.resize(years);
  forest_ha.resize(years);
  forest_flux.resize(intervals);
  forest_flux_ha.resize(intervals);
  booked_m3.assign(zones.size(), std::vector<carbon::exact_sum>(intervals));
}

void accounting_sums::add(pipeline::window const& w, float const* planes)
{
  auto const& L = o_.layout;
  std::size_t const n = w.pixels();
  // The tile's zone ids, once for every accumulator below.
  std::vector<int> ids;
  zones_.rasterize(w, ids);
  auto ha_of = [&](std::size_t i) { return areas_.hectares(w.y + int(i / std::size_t(w.w))); };
  if (o_.forest_statistics) {
    std::vector<carbon::exact_sum> c(forest_c.size()), a(forest_c.size()), fl(forest_flux.size()), fa(forest_flux.size());
    for (int y = 0; y < L.years; ++y) {
      float const* cat = plane(planes, n, L.stock(y, kernels::sb_category));
      float const* above = plane(planes, n, L.stock(y, kernels::sb_c_above));
      float const* below = plane(planes, n, L.stock(y, kernels::sb_c_below));
      for (std::size_t i = 0; i < n; ++i)
        if (ids[i] > 0 && is_forest(cat[i])) {
          c[std::size_t(y)].add(double(above[i] + below[i]) * ha_of(i));
          a[std::size_t(y)].add(ha_of(i));
        }
    }
    for (int t = 0; t < L.intervals; ++t) {
      float const* cat = plane(planes, n, L.stock(t + o_.first_flux_map, kernels::sb_category));
      float const* bio = plane(planes, n, L.flux(t, kernels::fb_biomass));
      for (std::size_t i = 0; i < n; ++i)
        if (ids[i] > 0 && is_forest(cat[i])) {
          fl[std::size_t(t)].add(double(bio[i]) * ha_of(i));
          fa[std::size_t(t)].add(ha_of(i));
        }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t y = 0; y < c.size(); ++y) {
      forest_c[y].add(c[y]);
      forest_ha[y].add(a[y]);
    }
    for (std::size_t t = 0; t < fl.size(); ++t) {
      forest_flux[t].add(fl[t]);
      forest_flux_ha[t].add(fa[t]);
    }
  }
  std::vector<float> masked;
  for (int y = 0; y < L.years; ++y) {
    float const* cls = plane(planes, n, L.stock(y, kernels::sb_class));
    float const* depth = plane(planes, n, L.stock(y, kernels::sb_soil_depth));
    stock[std::size_t(y)]->add_tile(w, plane(planes, n, L.stock(y, kernels::sb_c_total)), cls, ids.data());
    for (auto& [d, acc] : soil[std::size_t(y)])
      acc->add_tile(w, at_depth(plane(planes, n, L.stock(y, kernels::sb_c_soil)), depth, n, d, masked), cls, ids.data());
  }
  for (int t = 0; t < L.intervals; ++t) {
    int const y2 = t + o_.first_flux_map;
    float const* cls = plane(planes, n, L.stock(y2, kernels::sb_class));
    float const* depth = plane(planes, n, L.stock(y2, kernels::sb_soil_depth));
    for (auto& [d, acc] : soil_flux[std::size_t(t)])
      acc->add_tile(w, at_depth(plane(planes, n, L.flux(t, kernels::fb_soil)), depth, n, d, masked), cls, ids.data());
  }
  for (int t = 0; t < L.intervals; ++t) {
    auto f = [&](kernels::flux_band b) { return plane(planes, n, L.flux(t, b)); };
    int const y2 = t + o_.first_flux_map;
    accounted_tile at;
    at.net = f(kernels::fb_net);
    at.gains = f(kernels::fb_gains);
    at.losses = f(kernels::fb_losses);
    at.biomass = f(kernels::fb_biomass);
    at.dom = f(kernels::fb_dom);
    at.soil = f(kernels::fb_soil);
    at.category = f(kernels::fb_category);
    at.events = f(kernels::fb_events);
    at.pending = f(kernels::fb_pending);
    at.stock_before = f(kernels::fb_stock_before);
    at.stock_after = plane(planes, n, L.stock(y2, kernels::sb_c_total));
    at.class_before = f(kernels::fb_class_before);
    at.class_after = plane(planes, n, L.stock(y2, kernels::sb_class));
    categories[std::size_t(t)]->add_tile(w, at, ids.data());
    if (o_.removals) {
      float const* v = f(kernels::fb_removed_volume);
      double const years = double(o_.intervals[std::size_t(t)].second - o_.intervals[std::size_t(t)].first);
      std::vector<carbon::exact_sum> tile(booked_m3.size());
      for (std::size_t i = 0; i < n; ++i)
        if (ids[i] > 0 && !std::isnan(v[i]) && v[i] > 0.0f) tile[std::size_t(ids[i] - 1)].add(double(v[i]) * years * ha_of(i));
      std::lock_guard<std::mutex> lock(mutex_);
      for (std::size_t z = 0; z < tile.size(); ++z) booked_m3[z][std::size_t(t)].add(tile[z]);
    }
    transitions[std::size_t(t)]->add_tile(w, at.net, at.gains, at.losses, at.class_before, at.class_after, ids.data());
  }
}

}  // namespace sinkmap::jobs
