#include "uncertainty/grouped_montecarlo.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_map>

namespace sinkmap::uncertainty {
namespace {

constexpr double ha_scale = 1099511627776.0;  // 2^40
constexpr double ha2_scale = 68719476736.0;   // 2^36
constexpr int low_bits = 24 - grouped_index_bits;  // float: 24 significant bits
constexpr std::uint32_t low_mask = (1u << low_bits) - 1u;
using kernels::float_bits;
using kernels::float_from_bits;

int reads_slot(int cls, int zone, int age) { return (cls * kernels::max_zones + zone) * kernels::age_classes + age; }

struct key_hash {
  std::size_t operator()(group_key const& k) const
  {
    std::uint64_t h = std::uint64_t(std::uint32_t(k.zone_id)) * 0x9E3779B97F4A7C15ull;
    h ^= (std::uint64_t(k.cls) << 40) ^ (std::uint64_t(k.climate) << 48) ^ (std::uint64_t(k.age) << 56) ^ k.reads;
    h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull;
    h ^= std::uint64_t(k.x) * 0x94D049BB133111EBull ^ (std::uint64_t(k.volume) << 17);
    return std::size_t(h ^ (h >> 31));
  }
};

}  // namespace

void group_sums::add(group_sums const& o)
{
  pixels += o.pixels;
  ha += o.ha;
  ha2 += o.ha2;
  x_low += o.x_low;
  nominal += o.nominal;
  nominal_missing += o.nominal_missing;
}

group_table::group_table(kernels::mc_params const& p, std::vector<kernels::class_tables> const& tables,
                         kernels::class_tables const& nominal)
  : p_(p), deterministic_(p), tables_(tables), nominal_(nominal)
{
  deterministic_.residuals = 0;
  deterministic_.confusion = 0;
  SINKMAP_EXPECTS(!p.sink, runtime_failure, "the grouped Monte Carlo covers stock maps");
  SINKMAP_EXPECTS(int(tables.size()) == p.iterations && !tables.empty(), runtime_failure,
                  "grouped Monte Carlo: one table per iteration");
  // Whether a pixel's key holds its index and volume: does any class it may truly be read them?
  // (Forms do not change between iterations: the first table tells.)
  for (int cls = 0; cls < kernels::max_classes; ++cls) {
    double prob[kernels::max_classes];
    true_class_probabilities(p_, cls, prob);
    for (int z = 0; z < kernels::max_zones; ++z)
      for (int a = 0; a < kernels::age_classes; ++a) {
        std::uint8_t r = 0;
        auto& edges = edges_[std::size_t(reads_slot(cls, z, a))];
        for (int k = 1; k < kernels::max_classes; ++k) {
          if (prob[k] <= 0) continue;
          int const set = kernels::param_set(tables.front(), k, z, a);
          if (set < 0) continue;
          kernels::class_params const& m = tables.front().sets[set];
          if (kernels::reads_index(m)) {
            r |= 1;
            // Where the model starts or stops giving a value (its valid range is not drawn).
            for (float e : {m.x_min, m.x_max})
              if (std::isfinite(e)) edges.push_back(e);
            if (m.form == kernels::agb_form::power || m.form == kernels::agb_form::logarithmic) edges.push_back(0.0f);
          }
          if (m.vb_form != kernels::volume_form::none) r |= 2;
        }
        reads_[std::size_t(reads_slot(cls, z, a))] = r;
      }
  }
}

std::pair<group_key, group_sums> group_table::key_of(kernels::mc_pixel const& px, int zone_id) const
{
  group_key k;
  k.zone_id = zone_id;
  k.cls = px.cls[0];
  k.climate = px.zone;
  k.age = px.age;
  group_sums s;
  s.pixels = 1;
  // Straight to 128 bits: a coarse pixel (0.1 degree is 12 000 ha) would overflow 64.
  s.ha = __int128(std::nearbyint(px.ha * ha_scale));
  s.ha2 = __int128(std::nearbyint(px.ha * px.ha * ha2_scale));
  bool const known = k.cls >= 0 && k.cls < kernels::max_classes && k.climate >= 0 && k.climate < kernels::max_zones &&
                     k.age >= 0 && k.age < kernels::age_classes;
  k.reads = known ? reads_[std::size_t(reads_slot(k.cls, k.climate, k.age))] : 0;
  if (k.reads & 1) {
    std::uint32_t const u = float_bits(px.x[0]);
    if (std::isnan(px.x[0])) {
      k.x = kernels::canonical_nan_bits;
    } else if (std::isinf(px.x[0])) {
      k.x = u;
    } else {
      k.x = u & ~low_mask;
      s.x_low = u & low_mask;
      // A bin holding a point where a model starts or stops giving a value (x_min, x_max, 0
      // for x^b and ln x) would put its pixels on one side of it: they keep their exact value.
      float const a = float_from_bits(k.x), b = float_from_bits(k.x + (1u << low_bits));
      float const lo = std::fmin(a, b), hi = std::fmax(a, b);
      for (float e : edges_[std::size_t(reads_slot(k.cls, k.climate, k.age))])
        if (lo <= e && e <= hi) {
          k.x = u;
          s.x_low = 0;
          k.reads |= 4;
          break;
        }
    }
  }
  if (k.reads & 2) k.volume = std::isnan(px.volume) ? kernels::canonical_nan_bits : float_bits(px.volume);
  // The deterministic value at the exact index, to measure what the grouping does to it.
  if (k.reads & 1) {
    value_moments const v = class_moments(deterministic_, nominal_, k.cls, px.x[0], px.volume, k.climate, k.age);
    if (v.valid > 0) s.nominal = kernels::mc_fixed_host(float(v.mean), px.ha);
    else s.nominal_missing = 1;
  }
  return {k, s};
}

void group_table::add(std::vector<std::pair<group_key, group_sums>> const& tile)
{
  std::lock_guard lock(mutex_);
  for (auto const& [k, s] : tile) groups_[k].add(s);
}

float group_bin_middle(group_key const& k)
{
  if (!(k.reads & 1)) return NAN;
  float const lower = float_from_bits(k.x);
  if (!std::isfinite(lower) || (k.reads & 4)) return lower;
  return float_from_bits(k.x | (1u << (low_bits - 1)));
}

float group_index_value(group_key const& k, group_sums const& s)
{
  if (!(k.reads & 1)) return NAN;
  float const lower = float_from_bits(k.x);
  if (!std::isfinite(lower) || s.pixels == 0 || (k.reads & 4)) return lower;
  // |x| = |lower| + (its low bits) x ulp within the bin, for either sign.
  double const ulp = double(float_from_bits((k.x & 0x7fffffffu) + 1u)) - double(float_from_bits(k.x & 0x7fffffffu));
  double const mag = double(float_from_bits(k.x & 0x7fffffffu)) + ulp * (double(s.x_low) / double(s.pixels));
  return float(std::signbit(lower) ? -mag : mag);
}

float group_table::sd(group_key k)
{
  k.zone_id = 0;  // the moments do not depend on the zone
  {
    std::lock_guard lock(mutex_);
    if (auto it = sd_.find(k); it != sd_.end()) return it->second;
  }
  // Outside the lock: another thread may evaluate the same key; both get the same number.
  float const x = group_bin_middle(k), vol = (k.reads & 2) ? float_from_bits(k.volume) : NAN;
  double s1 = 0, s2 = 0, sv = 0, w = 0;
  for (auto const& t : tables_) {
    value_moments const m = pixel_moments(p_, t, k.cls, x, vol, k.climate, k.age);
    s1 += m.mean;
    s2 += m.second;
    sv += m.variance();
    w += m.valid;
  }
  // The expectation of the sample SD's square exact mode gives over the iterations with a value
  // (kernels::mc_sd): E[(sum v^2 - (sum v)^2 / w) / (w - 1)], where E[(sum v)^2] = s1^2 + sv.
  float const sd = w < 2 ? NAN : float(std::sqrt(std::fmax(0.0, (s2 - (s1 * s1 + sv) / w) / (w - 1))));
  std::lock_guard lock(mutex_);
  return sd_.emplace(k, sd).first->second;
}

grouped_tile_kernel::grouped_tile_kernel(group_table& table, std::vector<double> row_ha, int inputs,
                                         tile_cells const& cells)
  : table_(table), row_ha_(std::move(row_ha)), inputs_(inputs), cells_(cells)
{
}

void grouped_tile_kernel::run_cpu(void const*, void*, std::size_t, std::size_t, std::size_t) const
{
  SINKMAP_FAIL(runtime_failure, "the grouped Monte Carlo runs whole tiles only");
}

void grouped_tile_kernel::run_cuda(void const*, void*, std::size_t, void*) const
{
  SINKMAP_FAIL(runtime_failure, "the grouped Monte Carlo's pass runs on the CPU");
}

void grouped_tile_kernel::run_tile_cpu(void const* in, void* out, pipeline::window const& w) const
{
  kernels::mc_params p = table_.params();
  p.row_ha = row_ha_.empty() ? nullptr : row_ha_.data();
  auto const cells = cells_.get(w);
  std::size_t const plane = w.pixels();
  std::unordered_map<group_key, int, key_hash> index;
  std::vector<std::pair<group_key, group_sums>> groups;
  std::vector<int> group_of(p.with_sd ? plane : 0, -1);
  for (std::size_t i = 0; i < plane; ++i) {
    kernels::mc_pixel const px = kernels::mc_load(p, static_cast<float const*>(in), plane, i, w.x, w.y, w.w);
    if (px.cell < 0 || px.cell >= int(cells.size())) continue;
    auto [key, sums] = table_.key_of(px, cells[std::size_t(px.cell)].first);
    auto [it, fresh] = index.try_emplace(key, int(groups.size()));
    if (fresh) groups.emplace_back(key, sums);
    else groups[std::size_t(it->second)].second.add(sums);
    if (p.with_sd) group_of[i] = it->second;
  }
  table_.add(groups);
  if (!p.with_sd) return;
  std::vector<float> sd(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) sd[g] = table_.sd(groups[g].first);
  auto* plane_out = static_cast<float*>(out);
  for (std::size_t i = 0; i < plane; ++i)
    plane_out[i] = kernels::stored(group_of[i] < 0 ? NAN : sd[std::size_t(group_of[i])]);
}

std::map<std::pair<int, int>, std::vector<__int128>> grouped_partials(group_table const& table, int threads,
                                                                      grouping_effect& effect)
{
  kernels::mc_params const& p = table.params();
  auto const& tables = table.tables();
  int const n = p.iterations, A = kernels::mc_accumulators(p);
  // The moments depend on a group's key without its zone: each iteration evaluates them once
  // per such value key (at its index bin's mean over all zones), however many zones share it.
  std::map<group_key, group_sums> pooled;
  for (auto const& [k, s] : table.groups()) {
    group_key v = k;
    v.zone_id = 0;
    pooled[v].add(s);
  }
  struct value_key {
    group_key key;
    float x, volume;
  };
  std::vector<value_key> vks;
  std::map<group_key, std::size_t> vk_of;
  for (auto const& [k, s] : pooled) {
    vk_of[k] = vks.size();
    vks.push_back({k, group_index_value(k, s), (k.reads & 2) ? float_from_bits(k.volume) : NAN});
  }
  // The groups in their (deterministic) order, with what each iteration needs of them.
  struct group {
    group_key key;
    double ha, ha2, pixels;
    std::size_t cell, vk;  ///< its zone-class cell; its value key (index value and volume)
  };
  std::vector<group> gs;
  std::map<std::pair<int, int>, std::size_t> cell_of;
  effect = {};
  for (auto const& [k, s] : table.groups()) {
    group_key v = k;
    v.zone_id = 0;
    std::size_t const vk = vk_of.at(v);
    group g{k, double(s.ha) / ha_scale, double(s.ha2) / ha2_scale, double(s.pixels), 0, vk};
    g.cell = cell_of.try_emplace({k.zone_id, k.cls}, cell_of.size()).first->second;
    gs.push_back(g);
    effect.pixels += std::size_t(s.pixels);
    if (k.reads & 1) {
      ++effect.index_groups;
      // The deterministic total of the group at its one index value against its pixels' own.
      value_moments const v =
        class_moments(table.deterministic_params(), table.nominal(), k.cls, vks[vk].x, vks[vk].volume, k.climate, k.age);
      double const exact = double(s.nominal) / kernels::mc_fixed_scale;
      double const grouped = v.valid > 0 ? double(float(v.mean)) * g.ha : 0.0;
      if (s.nominal_missing == 0 || s.nominal_missing == s.pixels) {
        effect.change += grouped - exact;
        effect.bound += std::fabs(grouped - exact);
      }
      effect.nominal_total += exact;
    }
  }
  effect.groups = gs.size();
  std::size_t const cells = cell_of.size();
  // A cell of few pixels is no place for the central limit (a two-class mixture of ten pixels is
  // far from normal): its pixels are drawn one by one, at their group's index value.
  std::vector<double> cell_pixels(cells, 0.0);
  for (auto const& g : gs) cell_pixels[g.cell] += g.pixels;
  std::vector<char> drawn(cells, 0);
  for (std::size_t c = 0; c < cells; ++c) {
    drawn[c] = cell_pixels[c] < double(grouped_min_normal_pixels) ? 1 : 0;
    if (drawn[c]) effect.drawn_pixels += std::size_t(cell_pixels[c]);
  }
  // Sums per cell and iteration; threads take whole iterations, so their order is the keys'.
  std::vector<double> mean(cells * std::size_t(n), 0.0), var(cells * std::size_t(n), 0.0),
    missing(cells * std::size_t(n), 0.0);
  auto work = [&](int first, int last) {
    std::vector<value_moments> moments(vks.size());
    for (int it = first; it < last; ++it) {
      kernels::class_tables const& t = tables[std::size_t(it)];
      for (std::size_t v = 0; v < vks.size(); ++v)
        moments[v] = pixel_moments(p, t, vks[v].key.cls, vks[v].x, vks[v].volume, vks[v].key.climate, vks[v].key.age);
      for (std::size_t gi = 0; gi < gs.size(); ++gi) {
        group const& g = gs[gi];
        std::size_t const at = g.cell * std::size_t(n) + std::size_t(it);
        if (drawn[g.cell]) {
          // Exact mode's draws for each pixel (ids of their own: bit 63 set, the group's place).
          double const ha = g.ha / g.pixels;
          for (std::uint64_t k = 0; k < std::uint64_t(g.pixels); ++k) {
            kernels::mc_shape_cache cache;
            std::uint64_t const id = (std::uint64_t(1) << 63) | (std::uint64_t(gi) << 24) | k;
            float const c = kernels::mc_pools(p, t, g.key.cls, vks[g.vk].x, vks[g.vk].volume, g.key.climate,
                                              g.key.age, std::uint32_t(it), id, 0, cache).c_total;
            if (std::isnan(c)) missing[at] += 1;
            else mean[at] += double(c) * ha;
          }
          continue;
        }
        value_moments const& m = moments[g.vk];
        mean[at] += g.ha * m.mean;
        var[at] += g.ha2 * m.variance();
        missing[at] += g.pixels * (1.0 - m.valid);
      }
    }
  };
  int const t = std::max(1, std::min(threads, n));
  std::vector<std::thread> pool;
  for (int k = 0; k < t; ++k) pool.emplace_back(work, n * k / t, n * (k + 1) / t);
  for (auto& th : pool) th.join();

  std::map<std::pair<int, int>, std::vector<__int128>> acc;
  for (auto const& [cell, c] : cell_of) {
    auto& a = acc[cell];
    a.assign(std::size_t(A) * std::size_t(n), 0);
    std::uint64_t const id = std::uint64_t(std::uint32_t(cell.first)) * kernels::max_classes + std::uint64_t(cell.second);
    for (int it = 0; it < n; ++it) {
      std::size_t const at = c * std::size_t(n) + std::size_t(it);
      double const z = kernels::normal_quantile(kernels::mc_uniform(p, kernels::random_stream::group_sum, std::uint32_t(it), id, 0));
      double const total = mean[at] + std::sqrt(var[at]) * z;
      a[std::size_t(it)] = __int128(std::nearbyint(total * kernels::mc_fixed_scale));
      a[std::size_t(A - 1) * std::size_t(n) + std::size_t(it)] = __int128(std::llround(missing[at]));
    }
  }
  return acc;
}

}  // namespace sinkmap::uncertainty
