// Nodata is one NaN, bit for bit, on every backend: x86 makes 0xFFC00000 for 0/0 and keeps an
// input NaN's payload, CUDA makes 0x7FFFFFFF, and sinkmap stores 0x7FC00000 (kernels::stored)
// so GPU and CPU outputs are byte-identical files.
#include "memory_scene.hpp"
#include "sinkmap/kernels/pool_lookup_stage.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

using namespace sinkmap;

namespace {

using kernels::float_bits;
using kernels::float_from_bits;

}  // namespace

TEST(CanonicalNan, StoredMapsEveryNanToOneAndKeepsEveryNumber)
{
  for (std::uint32_t nan : {0x7FC00000u, 0xFFC00000u, 0x7FFFFFFFu, 0xFFC00123u, 0x7F800001u})
    EXPECT_EQ(float_bits(kernels::stored(float_from_bits(nan))), kernels::canonical_nan_bits) << std::hex << nan;
  volatile float zero = 0.0f;
  EXPECT_EQ(float_bits(kernels::stored(zero / zero)), kernels::canonical_nan_bits);  // 0xFFC00000 on x86
  for (float x : {0.0f, -0.0f, 1.5f, -3.25e-38f, std::numeric_limits<float>::infinity(),
                  -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::denorm_min()})
    EXPECT_EQ(float_bits(kernels::stored(x)), float_bits(x)) << x;
}

TEST(CanonicalNan, IndexOutputsStoreTheCanonicalNan)
{
  // DN 0 is nodata and zero denominators occur (memory_scene: about 1 % zeros): many NaN.
  auto const k = test::all_index_kernel();
  test::memory_scene scene(97, 53, 6);
  auto const out = test::untiled_reference(scene, k);
  std::size_t nans = 0;
  for (float v : out)
    if (v != v) {
      ASSERT_EQ(float_bits(v), kernels::canonical_nan_bits);
      ++nans;
    }
  EXPECT_GT(nans, 100u);
}

TEST(CanonicalNan, PropagatedPayloadsAreCanonicalised)
{
  // A stock map whose nodata NaN carries a payload and a sign: x86 arithmetic would pass them on.
  kernels::stock_change_params p;
  p.years = 2;
  float const in[4] = {float_from_bits(0xFFC00123u), 10.0f, 12.0f, float_from_bits(0x7FC00042u)};
  float out[4] = {};
  kernels::stock_change_stage<float> const stage{p, in, out, 2};
  stage(0);
  stage(1);
  for (float v : out) EXPECT_EQ(float_bits(v), kernels::canonical_nan_bits);
}
