// The tile kernel of passes that only read (inventories): its float input planes pass through
// unchanged to the reducers. It runs on the CPU: there is nothing to compute on a GPU.
#pragma once

#include "core/error.hpp"
#include "pipeline/tile_kernel.hpp"

#include <cstring>

namespace sinkmap::jobs {

class read_only_kernel final : public pipeline::tile_kernel {
 public:
  explicit read_only_kernel(int planes) : planes_(planes) {}
  std::size_t input_bytes_per_pixel() const override { return std::size_t(planes_) * 4; }
  std::size_t output_bytes_per_pixel() const override { return std::size_t(planes_) * 4; }
  void run_cpu(void const* in, void* out, std::size_t plane, std::size_t, std::size_t) const override
  {
    std::memcpy(out, in, plane * input_bytes_per_pixel());
  }
  void run_cuda(void const*, void*, std::size_t, void*) const override
  {
    SINKMAP_FAIL(cuda_error, "the inventory pass runs on the CPU");
  }

 private:
  int planes_;
};

}  // namespace sinkmap::jobs
