// A host table with its device copy, uploaded once by the first tile that needs it (from any
// reader thread and stream) and freed with the owner: the Monte Carlo's per-iteration tables,
// a composite's observations.
#pragma once

#include "core/error.hpp"

#if SINKMAP_WITH_CUDA
#include "sinkmap/kernels/device_memory.hpp"
#endif

#include <mutex>
#include <vector>

namespace sinkmap::pipeline {

template <typename T>
class device_table {
 public:
  device_table() = default;
  explicit device_table(std::vector<T> host) : host_(std::move(host)) {}
  device_table(device_table const&) = delete;
  device_table& operator=(device_table const&) = delete;
  ~device_table()
  {
#if SINKMAP_WITH_CUDA
    if (device_) kernels::device_free(device_);
#endif
  }

  [[nodiscard]] std::vector<T> const& host() const { return host_; }
  [[nodiscard]] bool empty() const { return host_.empty(); }

  /// The device copy (nullptr for an empty table), uploaded on `stream` the first time.
  [[nodiscard]] T const* device([[maybe_unused]] void* stream) const
  {
    if (host_.empty()) return nullptr;
#if SINKMAP_WITH_CUDA
    std::call_once(uploaded_, [&] { device_ = kernels::device_upload(host_.data(), host_.size() * sizeof(T), stream); });
    return static_cast<T const*>(device_);
#else
    SINKMAP_FAIL(cuda_error, "this sinkmap was built without CUDA");
#endif
  }

 private:
  std::vector<T> host_;
  mutable std::once_flag uploaded_;
  mutable void* device_ = nullptr;
};

}  // namespace sinkmap::pipeline
