#include "pipeline/tile_plan.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <string>

namespace sinkmap::pipeline {

tile_plan::tile_plan(int width, int height, int tile_w, int tile_h)
  : width_(width), height_(height), tile_w_(std::min(tile_w, width)),
    tile_h_(std::min(tile_h, height))
{
  SINKMAP_EXPECTS(width > 0 && height > 0, bad_input, "raster has no pixels");
  SINKMAP_EXPECTS(tile_w > 0 && tile_h > 0, bad_input, "tile size must be positive");
  tiles_x_ = (width_ + tile_w_ - 1) / tile_w_;
  tiles_y_ = (height_ + tile_h_ - 1) / tile_h_;
}

tile_plan::tile_plan(int width, int height, int tile_w, int tile_h, int per_block)
  : tile_plan(width, height, tile_w, tile_h)
{
  per_block_ = std::max(per_block, 1);
}

window tile_plan::tile(int t) const
{
  // Row-major over groups of per_block_ tile rows (one block row); inside a group, the tiles
  // of one block column come one after another.
  int const group = t / (tiles_x_ * per_block_);
  int const rows = std::min(per_block_, tiles_y_ - group * per_block_);  // the last group may be short
  int const rest = t - group * tiles_x_ * per_block_;
  int const tx = rest / rows, ty = group * per_block_ + rest % rows;
  window w;
  w.x = tx * tile_w_;
  w.y = ty * tile_h_;
  w.w = std::min(tile_w_, width_ - w.x);
  w.h = std::min(tile_h_, height_ - w.y);
  return w;
}

tile_plan tile_plan::make(tile_plan_request const& r)
{
  SINKMAP_EXPECTS(r.width > 0 && r.height > 0, bad_input, "raster has no pixels");
  if (r.forced_tile > 0) return tile_plan(r.width, r.height, r.forced_tile, r.forced_tile);
  SINKMAP_EXPECTS(r.bytes_per_pixel > 0 && r.slots > 0, bad_input, "empty pipeline");

  int const bw = std::clamp(r.block_w, 1, r.width);
  int const bh = std::clamp(r.block_h, 1, r.height);
  std::size_t const slot_bytes = r.memory_budget / std::size_t(r.slots);
  std::size_t const max_pixels = slot_bytes / r.bytes_per_pixel;
  std::size_t const block_row_pixels = std::size_t(r.width) * std::size_t(bh);
  SINKMAP_EXPECTS(max_pixels >= 1, bad_input,
                  "--memory is too small: one pixel takes " + std::to_string(r.bytes_per_pixel) + " bytes in each of " +
                    std::to_string(r.slots) + " tile slots; raise --memory");
  if (std::size_t(bw) * bh > max_pixels) {
    // Part of a block per tile. One block wide when a block row fits, with the largest
    // divisor of the block height that fits, so tiles never straddle two block rows.
    if (std::size_t(bw) > max_pixels) return tile_plan(r.width, r.height, int(max_pixels), 1);
    int const fit = int(max_pixels / std::size_t(bw));
    int rows = 1;
    for (int d = 1; d <= fit; ++d)
      if (bh % d == 0) rows = d;
    return tile_plan(r.width, r.height, bw, rows, bh / rows);
  }

  if (block_row_pixels <= max_pixels) {
    // Full-width strips of whole block rows: each read is one contiguous run of blocks.
    int rows = int(std::min<std::size_t>(max_pixels / block_row_pixels, (r.height + bh - 1) / bh));
    int const block_rows = (r.height + bh - 1) / bh;
    int const wanted_tiles = 2 * std::max(r.workers, 1);
    // Enough tiles for every worker, as long as each tile keeps at least one block row.
    rows = std::max(1, std::min(rows, block_rows / wanted_tiles));
    return tile_plan(r.width, r.height, r.width, rows * bh);
  }
  int const blocks_across = int(std::max<std::size_t>(max_pixels / (std::size_t(bw) * bh), 1));
  return tile_plan(r.width, r.height, blocks_across * bw, bh);
}

}  // namespace sinkmap::pipeline
