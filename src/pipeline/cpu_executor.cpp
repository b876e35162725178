#include "core/error.hpp"
#include "pipeline/executor.hpp"

#include <vector>

namespace sinkmap::pipeline {
namespace {

class cpu_executor final : public executor {
 public:
  std::string name() const override { return "cpu"; }

  // No scratch: the CPU forms of the kernels keep a per-thread workspace of one pixel.
  void allocate(int slots, std::size_t in_bytes, std::size_t out_bytes, std::size_t /*scratch_bytes*/) override
  {
    // Like the CUDA executor, a second run with the same layout keeps its slots (and their
    // content): re-zeroing gigabytes per run is not the executor's work to time.
    if (in_.size() == std::size_t(slots) && in_bytes == in_bytes_ && out_bytes == out_bytes_) return;
    in_.assign(std::size_t(slots), std::vector<std::byte>(in_bytes));
    out_.assign(std::size_t(slots), std::vector<std::byte>(out_bytes));
    in_bytes_ = in_bytes;
    out_bytes_ = out_bytes;
  }
  void* host_input(int slot) override { return in_.at(std::size_t(slot)).data(); }
  void* host_output(int slot) override { return out_.at(std::size_t(slot)).data(); }

  void submit(int slot, window const& w, tile_kernel const& kernel) override
  {
    kernel.run_tile_cpu(host_input(slot), host_output(slot), w);
  }
  void wait(int) override {}
  bool synchronous() const override { return true; }

 private:
  std::vector<std::vector<std::byte>> in_, out_;
  std::size_t in_bytes_ = 0, out_bytes_ = 0;
};

}  // namespace

std::unique_ptr<executor> make_cpu_executor() { return std::make_unique<cpu_executor>(); }

device_kind parse_device(std::string const& name)
{
  if (name == "auto") return device_kind::auto_select;
  if (name == "cpu") return device_kind::cpu;
  if (name == "cuda") return device_kind::cuda;
  SINKMAP_FAIL(bad_input, "--device: unknown device '" + name + "' (expected auto, cpu or cuda)");
}

std::unique_ptr<executor> make_executor(device_kind kind, bool profile)
{
  if (kind == device_kind::cpu) return make_cpu_executor();
  if (kind == device_kind::cuda) return make_cuda_executor(profile);
  return cuda_device_count() > 0 ? make_cuda_executor(profile) : make_cpu_executor();
}

std::string describe_device_choice(device_kind kind)
{
  int const n = cuda_device_count();
  if (kind == device_kind::cpu) return "cpu (--device cpu)";
  if (kind == device_kind::cuda)
    return n > 0 ? "cuda: " + cuda_device_description() : "cuda requested but no CUDA device";
  return n > 0 ? "cuda: " + cuda_device_description() : "cpu (no CUDA device found)";
}

}  // namespace sinkmap::pipeline
