#include "pipeline/tile_plan.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

using namespace sinkmap::pipeline;

namespace {

// Every pixel is covered exactly once.
void expect_partition(tile_plan const& p, int width, int height)
{
  std::vector<int> hits(std::size_t(width) * height, 0);
  for (int t = 0; t < p.count(); ++t) {
    window const w = p.tile(t);
    ASSERT_GT(w.w, 0);
    ASSERT_GT(w.h, 0);
    for (int y = w.y; y < w.y + w.h; ++y)
      for (int x = w.x; x < w.x + w.w; ++x) ++hits[std::size_t(y) * width + x];
  }
  for (int h : hits) ASSERT_EQ(h, 1);
}

}  // namespace

TEST(TilePlan, ForcedTileSizesPartitionTheRaster)
{
  for (int n : {1, 31, 32, 33, 64, 1000})
    for (auto [w, h] : {std::pair{1, 1}, {33, 31}, {100, 257}}) {
      tile_plan const p = tile_plan::make({w, h, 256, 256, 8, 1 << 20, 3, 2, n});
      expect_partition(p, w, h);
    }
}

TEST(TilePlan, BudgetGivesWholeBlockRowsFullWidth)
{
  tile_plan_request r;
  r.width = 16384;
  r.height = 16384;
  r.block_w = r.block_h = 256;
  r.bytes_per_pixel = 8;  // 2 x uint16 in, 1 x float out
  r.memory_budget = 192u << 20;
  r.slots = 3;
  r.workers = 2;
  tile_plan const p = tile_plan::make(r);
  EXPECT_EQ(p.tile_width(), 16384);
  EXPECT_EQ(p.tile_height() % 256, 0);
  EXPECT_LE(p.max_tile_pixels() * r.bytes_per_pixel * r.slots, r.memory_budget);
  EXPECT_GE(p.count(), 4);
  expect_partition(tile_plan(p.tile_width(), p.tile_height(), p.tile_width(), p.tile_height()),
                   p.tile_width(), p.tile_height());
}

TEST(TilePlan, NarrowBudgetSplitsAcrossBlocks)
{
  tile_plan_request r{100000, 512, 256, 256, 8, 3u << 20, 3, 1, 0};
  tile_plan const p = tile_plan::make(r);
  EXPECT_LT(p.tile_width(), 100000);
  EXPECT_EQ(p.tile_width() % 256, 0);
  EXPECT_EQ(p.tile_height(), 256);
  EXPECT_LE(p.max_tile_pixels() * 8 * 3, r.memory_budget);
}

TEST(TilePlan, TilesShrinkBelowABlockAndKeepEachBlockTogether)
{
  // 512x512 blocks of 64 bytes a pixel do not fit 1 MiB / 4 slots (4096 pixels): tiles are one
  // block wide and 8 rows high (the largest divisor of 512 that fits), and the 64 tiles of one
  // block come one after another.
  tile_plan_request const r{1000, 1000, 512, 512, 64, 1 << 20, 4, 1, 0};
  tile_plan const p = tile_plan::make(r);
  EXPECT_EQ(p.tile_width(), 512);
  EXPECT_EQ(p.tile_height(), 8);
  EXPECT_LE(p.max_tile_pixels() * r.bytes_per_pixel * std::size_t(r.slots), r.memory_budget);
  expect_partition(p, 1000, 1000);
  for (int t = 0; t < p.count(); ++t) {
    window const w = p.tile(t);
    int const block = (w.y / 512) * 2 + w.x / 512;  // row-major over the 2x2 blocks
    ASSERT_EQ(w.y / 512, (w.y + w.h - 1) / 512) << "tile " << t << " straddles two block rows";
    ASSERT_EQ(block, t < 64 ? 0 : t < 128 ? 1 : t < 128 + 61 ? 2 : 3) << "tile " << t;
  }
  // A block height without a fitting divisor but 1: single rows; a block row that does not fit:
  // part of one row.
  tile_plan const rows = tile_plan::make({300, 300, 100, 97, 100, 3 * 100 * 100 * 50, 3, 1, 0});
  EXPECT_EQ(rows.tile_height(), 1);
  expect_partition(rows, 300, 300);
  tile_plan const part = tile_plan::make({300, 30, 300, 1, 1000, 3 * 1000 * 70, 3, 1, 0});
  EXPECT_EQ(part.tile_width(), 70);
  EXPECT_EQ(part.tile_height(), 1);
  expect_partition(part, 300, 30);
}

TEST(TilePlan, TooLittleMemoryForOnePixelIsAnError)
{
  EXPECT_THROW(tile_plan::make({1000, 1000, 512, 512, 1 << 20, 1 << 20, 4, 1, 0}), sinkmap::bad_input);
}
