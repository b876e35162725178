// Says whether CUDA can use a GPU on this machine: prints the device, or the CUDA runtime's
// reason it cannot (e.g. a driver older than the runtime) and exits 1. scripts/gpu-check.sh runs
// it where nvidia-smi lists a GPU, so that an unusable device fails loudly instead of every GPU
// test skipping.
#include "pipeline/executor.hpp"

#include <cstdio>

int main()
{
  std::string const reason = sinkmap::pipeline::cuda_unavailable_reason();
  if (!reason.empty()) {
    std::fprintf(stderr, "cuda_probe: CUDA cannot use a GPU here: %s\n", reason.c_str());
    return 1;
  }
  std::printf("cuda_probe: %s\n", sinkmap::pipeline::cuda_device_description().c_str());
  return 0;
}
