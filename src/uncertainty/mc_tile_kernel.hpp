// The Monte Carlo as a tile kernel: every tile's pixels run all iterations while the tile is
// resident, and only its (zone, class) x iteration partial sums leave the executor (the
// reduction block), with the per-pixel SD plane when asked.
#pragma once

#include "pipeline/device_table.hpp"
#include "pipeline/tile_kernel.hpp"
#include "sinkmap/kernels/montecarlo_stage.hpp"

#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace sinkmap::uncertainty {

/// The (zone, class) cells of each tile, in tile-local order: written by the tile source in the
/// reader threads, read by the kernel (how many) and the reduction (which).
class tile_cells {
 public:
  void set(pipeline::window const& w, std::vector<std::pair<int, int>> cells);
  [[nodiscard]] std::vector<std::pair<int, int>> get(pipeline::window const& w) const;
  [[nodiscard]] int count(pipeline::window const& w) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<int, int>, std::vector<std::pair<int, int>>> cells_;  // by tile origin
};

class mc_tile_kernel final : public pipeline::tile_kernel {
 public:
  /// `tables`: one per iteration; `row_ha`: per global row (geographic CRS) or empty (the
  /// params' pixel_ha); `inputs`: float input planes.
  mc_tile_kernel(kernels::mc_params const& params, std::vector<kernels::class_tables> tables,
                 std::vector<double> row_ha, int inputs, tile_cells const& cells);

  std::size_t input_bytes_per_pixel() const override { return std::size_t(inputs_) * 4; }
  std::size_t output_bytes_per_pixel() const override { return params_.with_sd ? 4 : 0; }
  std::size_t reduction_bytes() const override;
  void run_cpu(void const*, void*, std::size_t, std::size_t, std::size_t) const override;
  void run_cuda(void const*, void*, std::size_t, void*) const override;
  void run_tile_cpu(void const* in, void* out, pipeline::window const& w) const override;
  void run_tile_cuda(void const* d_in, void* d_out, pipeline::window const& w, void* stream,
                     void* d_scratch) const override;

  [[nodiscard]] kernels::mc_params const& params() const { return params_; }

 private:
  kernels::mc_params params_;
  pipeline::device_table<kernels::class_tables> tables_;
  pipeline::device_table<double> row_ha_;
  int inputs_;
  tile_cells const& cells_;
};

}  // namespace sinkmap::uncertainty
