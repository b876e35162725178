// The fixture of every GPU test: skips cleanly without a usable CUDA device, unless
// SINKMAP_REQUIRE_GPU is set (scripts/gpu-check.sh sets it on a device machine), where a missing
// or unusable device is a failure that names CUDA's reason, so a broken driver cannot turn the
// whole GPU suite into green skips.
#pragma once

#include "pipeline/executor.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sinkmap::test {

class gpu_test : public ::testing::Test {
 protected:
  void SetUp() override
  {
    if (pipeline::cuda_device_count() > 0) return;
    std::string const why = pipeline::cuda_unavailable_reason();
    if (std::getenv("SINKMAP_REQUIRE_GPU")) FAIL() << "SINKMAP_REQUIRE_GPU is set but " << why;
    GTEST_SKIP() << "no CUDA device (" << why << ")";
  }
};

}  // namespace sinkmap::test
