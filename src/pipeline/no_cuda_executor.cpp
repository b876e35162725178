// Linked in a build without nvcc: the CPU backend only.
#include "core/error.hpp"
#include "pipeline/executor.hpp"

namespace sinkmap::pipeline {

int cuda_device_count() { return 0; }
std::string cuda_unavailable_reason() { return "this sinkmap was built without CUDA"; }
std::string cuda_device_description() { return "none (built without CUDA)"; }
std::unique_ptr<executor> make_cuda_executor(bool)
{
  SINKMAP_FAIL(cuda_error, "--device cuda: this sinkmap was built without CUDA");
}

}  // namespace sinkmap::pipeline
