// A synthetic Monte Carlo problem in memory (no GDAL), for the GPU equality test and the GPU
// benchmark: a W x H map of three classes (forest: linear NDVI model with a per-pixel residual;
// grassland: power model; cropland: Tier 1 constant), two zones (west and east halves), one
// class table per iteration with perturbed coefficients, and a land-cover confusion matrix.
// `run` streams it through an executor and returns the exact per-(zone, class) iteration
// totals and the per-pixel SD plane.
#pragma once

#include "pipeline/stream_runner.hpp"
#include "uncertainty/mc_tile_kernel.hpp"

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace sinkmap::bench {

struct mc_problem {
  int width, height, iterations;
  std::vector<float> planes;  // cls, x (NDVI), c_total; the cell plane is added per tile
  std::vector<kernels::class_tables> tables;
  kernels::mc_params params;

  mc_problem(int w, int h, int n, bool confusion, std::uint64_t seed = 20261121)
    : width(w), height(h), iterations(n)
  {
    std::size_t const px = std::size_t(w) * h;
    planes.assign(3 * px, 0.0f);
    std::uint32_t state = 12345u;
    auto next = [&] {
      state = state * 1664525u + 1013904223u;  // LCG: reproducible on every machine
      return float(state >> 8) / float(1u << 24);
    };
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        std::size_t const i = std::size_t(y) * w + x;
        int const patch = ((x / 37) * 7 + (y / 29) * 3) % 3;  // land-cover patches, so runs occur
        planes[i] = float(1 + patch);
        planes[px + i] = patch == 2 ? NAN : 0.15f + 0.8f * next();
        planes[2 * px + i] = (i % 101 == 0) ? NAN : 1.0f;  // some unmapped pixels
      }
    tables.resize(std::size_t(n));
    for (int it = 0; it < n; ++it) {
      auto& t = tables[std::size_t(it)];
      std::memset(&t, 0, sizeof t);
      std::memset(t.set_of, kernels::no_param_set, sizeof t.set_of);
      float const d = 0.9f + 0.2f * float((it * 7919) % 101) / 100.0f;  // a per-iteration draw
      kernels::class_params forest, grass, crop;
      forest.form = kernels::agb_form::linear;
      forest.index_output = 0;
      forest.a = -20.0f * d;
      forest.b = 300.0f;
      forest.x_min = -1;
      forest.x_max = 1;
      forest.agb_max = 400;
      forest.residual_sd = 25;
      grass.form = kernels::agb_form::power;
      grass.index_output = 0;
      grass.a = 8.0f * d;
      grass.b = 1.5f;
      grass.x_min = 0;
      grass.x_max = 1;
      grass.agb_max = 30;
      grass.residual_sd = 2;
      crop.form = kernels::agb_form::constant;
      crop.a = 5.0f * d;
      for (auto* c : {&forest, &grass, &crop}) {
        c->rs_steps = 1;
        c->rs_below[0] = INFINITY;
        c->rs_ratio[0] = 0.2f * d;
        c->carbon_fraction = 0.47f;
        c->dead_c = 2;
        c->soil_c = 38.0f * d;
      }
      t.sets[0] = forest;
      t.sets[1] = grass;
      t.sets[2] = crop;
      t.n_sets = 3;
      for (int c = 1; c <= 3; ++c)
        for (int a = 0; a < kernels::age_classes; ++a) t.set_of[c][0][a] = static_cast<unsigned char>(c - 1);
    }
    auto& p = params;
    p.iterations = n;
    p.seed = seed;
    p.planes.cls[0] = 0;
    p.planes.x[0] = 1;
    p.planes.c_total[0] = 2;
    p.planes.cell = 3;
    std::memset(p.zone_lut, 0, sizeof p.zone_lut);
    p.residuals = 1;
    p.pixel_ha = 0.09;
    p.raster_width = w;
    p.with_sd = 1;
    if (confusion) {
      p.confusion = 1;
      for (int c = 0; c < kernels::max_classes; ++c)
        for (int k = 0; k < kernels::max_classes; ++k) p.confusion_cdf[c][k] = k >= c ? 1.0f : 0.0f;
      float const forest_row[4] = {0, 0.85f, 0.95f, 1.0f};  // forest mapped: 85 % forest, 10 % grass, 5 % crop
      float const grass_row[4] = {0, 0.1f, 0.9f, 1.0f};
      for (int k = 0; k < 4; ++k) {
        p.confusion_cdf[1][k] = forest_row[k];
        p.confusion_cdf[2][k] = grass_row[k];
      }
    }
  }

  /// Totals per (zone 1 west / 2 east, class) and accumulator, iteration by iteration.
  struct result {
    std::map<std::pair<int, int>, std::vector<long long>> totals;
    std::vector<float> sd;
  };

  result run(pipeline::executor& ex, int tile, int readers) const
  {
    uncertainty::tile_cells cells;
    uncertainty::mc_tile_kernel const kernel(params, tables, {}, 4, cells);
    struct source : pipeline::tile_source {
      mc_problem const& pr;
      uncertainty::tile_cells& cells;
      source(mc_problem const& p, uncertainty::tile_cells& c) : pr(p), cells(c) {}
      void read(int, pipeline::window const& w, void* dst) override
      {
        auto* out = static_cast<float*>(dst);
        std::size_t const n = w.pixels(), px = std::size_t(pr.width) * pr.height;
        for (int b = 0; b < 3; ++b)
          for (int y = 0; y < w.h; ++y)
            std::memcpy(out + std::size_t(b) * n + std::size_t(y) * w.w,
                        pr.planes.data() + std::size_t(b) * px + std::size_t(w.y + y) * pr.width + w.x,
                        std::size_t(w.w) * 4);
        std::vector<std::pair<int, int>> list;
        for (std::size_t i = 0; i < n; ++i) {
          if (std::isnan(out[2 * n + i])) {
            out[3 * n + i] = NAN;
            continue;
          }
          int const zone = (w.x + int(i % std::size_t(w.w))) < pr.width / 2 ? 1 : 2;
          std::pair<int, int> const key{zone, int(out[i])};
          std::size_t k = 0;
          while (k < list.size() && list[k] != key) ++k;
          if (k == list.size()) list.push_back(key);
          out[3 * n + i] = float(k);
        }
        cells.set(w, std::move(list));
      }
    } src(*this, cells);
    result r;
    r.sd.assign(std::size_t(width) * height, NAN);
    struct sd_sink : pipeline::tile_sink {
      result& r;
      int width;
      sd_sink(result& res, int w) : r(res), width(w) {}
      void write(int, pipeline::window const& w, void const* data) override
      {
        for (int y = 0; y < w.h; ++y)
          std::memcpy(r.sd.data() + std::size_t(w.y + y) * width + w.x,
                      static_cast<float const*>(data) + std::size_t(y) * w.w, std::size_t(w.w) * 4);
      }
    } sink(r, width);
    int const A = kernels::mc_accumulators(params), n = params.iterations;
    std::mutex mutex;
    pipeline::stream_options opt;
    opt.readers = readers;
    opt.slots = pipeline::default_slot_count(readers, ex.name() == "cuda");
    opt.on_output = [&](int, pipeline::window const& w, void const* out) {
      auto const* partial = reinterpret_cast<long long const*>(
        static_cast<std::byte const*>(out) + pipeline::reduction_offset(w.pixels(), kernel.output_bytes_per_pixel()));
      auto const list = cells.get(w);
      std::lock_guard lock(mutex);
      for (std::size_t c = 0; c < list.size(); ++c) {
        auto& acc = r.totals[list[c]];
        if (acc.empty()) acc.assign(std::size_t(A) * n, 0);
        for (std::size_t k = 0; k < acc.size(); ++k) acc[k] += partial[c * acc.size() + k];
      }
    };
    pipeline::run_stream(pipeline::tile_plan(width, height, tile, tile), src, kernel, ex, sink, opt);
    return r;
  }
};

}  // namespace sinkmap::bench
