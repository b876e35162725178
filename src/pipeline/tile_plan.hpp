// Splits a raster into tiles that follow the file's block layout and fit a memory budget.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sinkmap::pipeline {

/// A pixel window of the raster: column x, row y, width w, height h.
struct window {
  int x = 0, y = 0, w = 0, h = 0;
  [[nodiscard]] std::size_t pixels() const { return std::size_t(w) * std::size_t(h); }
};

/// What the plan needs to know about a run.
struct tile_plan_request {
  int width = 0, height = 0;           ///< raster size in pixels
  int block_w = 256, block_h = 256;    ///< natural block size of the (first) input
  std::size_t bytes_per_pixel = 0;     ///< all input planes plus all output planes of one pixel
  std::size_t memory_budget = 256u << 20;  ///< bytes for all tile slots together
  int slots = 2;                       ///< tile slots the memory is shared between
  int workers = 1;                     ///< tiles should be at least 2 x workers when possible
  int forced_tile = 0;                 ///< --tile N: N x N tiles regardless of blocks (0 = plan)
};

/// The tiles of one run, in row-major order.
class tile_plan {
 public:
  tile_plan() = default;
  tile_plan(int width, int height, int tile_w, int tile_h);
  /// Tiles of part of a block: the `per_block` tiles that share a block row of the input are
  /// numbered consecutively, block after block, so GDAL's cache decodes each block once.
  tile_plan(int width, int height, int tile_w, int tile_h, int per_block);

  /// Plans tiles: whole blocks per tile, as many as fit in memory_budget / slots, full raster
  /// rows when possible (long contiguous reads), but enough tiles to keep all workers busy.
  /// When one block does not fit (a composite of hundreds of scenes), tiles shrink to part of a
  /// block: one block wide and a divisor of its height, or part of one row. Throws bad_input
  /// only when a slot cannot hold one pixel.
  static tile_plan make(tile_plan_request const& r);

  [[nodiscard]] int count() const { return tiles_x_ * tiles_y_; }
  [[nodiscard]] window tile(int t) const;
  [[nodiscard]] int tile_width() const { return tile_w_; }
  [[nodiscard]] int tile_height() const { return tile_h_; }
  [[nodiscard]] int tiles_x() const { return tiles_x_; }
  [[nodiscard]] int tiles_y() const { return tiles_y_; }
  [[nodiscard]] std::size_t max_tile_pixels() const { return std::size_t(tile_w_) * tile_h_; }

 private:
  int width_ = 0, height_ = 0, tile_w_ = 0, tile_h_ = 0, tiles_x_ = 0, tiles_y_ = 0;
  int per_block_ = 1;  ///< tile rows per block row (1: plain row-major order)
};

}  // namespace sinkmap::pipeline
