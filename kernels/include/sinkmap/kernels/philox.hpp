// Philox4x32-10 (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers: as easy as 1, 2,
// 3", SC'11): a counter-based generator. The random numbers of a draw are a pure function of
// (key, counter), so the Monte Carlo keys them by (seed, stream, iteration, pixel or parameter)
// and gets the same numbers on the CPU and the GPU, for any tile size, thread count or order.
#pragma once

#include "sinkmap/kernels/host_device.hpp"

#include <cstdint>

namespace sinkmap::kernels {

struct philox_block {
  std::uint32_t v[4];
};

namespace detail {

SINKMAP_HD void mulhilo32(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo)
{
#if defined(__CUDA_ARCH__)
  hi = __umulhi(a, b);
  lo = a * b;
#else
  std::uint64_t const p = std::uint64_t(a) * std::uint64_t(b);
  hi = std::uint32_t(p >> 32);
  lo = std::uint32_t(p);
#endif
}

}  // namespace detail

/// Ten Philox rounds of `counter` under `key` (Random123's philox4x32 with its constants).
SINKMAP_HD philox_block philox4x32_10(philox_block counter, std::uint32_t key0, std::uint32_t key1)
{
  std::uint32_t c0 = counter.v[0], c1 = counter.v[1], c2 = counter.v[2], c3 = counter.v[3];
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    detail::mulhilo32(0xD2511F53u, c0, hi0, lo0);
    detail::mulhilo32(0xCD9E8D57u, c2, hi1, lo1);
    std::uint32_t const n0 = hi1 ^ c1 ^ key0, n1 = lo1, n2 = hi0 ^ c3 ^ key1, n3 = lo0;
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
  return {{c0, c1, c2, c3}};
}

/// What a draw is for: the last counter word, so independent uses never share numbers.
enum class random_stream : std::uint32_t {
  parameter = 1,   ///< a model parameter, once per iteration for the whole map
  residual = 2,    ///< a pixel's model residual
  confusion = 3,   ///< a pixel's class (land-cover confusion)
  group_sum = 4,   ///< the normal sum of a zone's per-pixel draws (grouped Monte Carlo)
};

/// Two uniforms in (0, 1) with 53 bits each, for (seed, stream, iteration, id, year).
SINKMAP_HD void philox_uniforms(std::uint64_t seed, random_stream stream, std::uint32_t iteration,
                                std::uint64_t id, std::uint32_t year, double& u0, double& u1)
{
  philox_block const c = {{iteration, std::uint32_t(id), std::uint32_t(id >> 32),
                           (static_cast<std::uint32_t>(stream) << 24) ^ year}};
  philox_block const r = philox4x32_10(c, std::uint32_t(seed), std::uint32_t(seed >> 32));
  // 53-bit fractions, offset by half a step so that 0 and 1 never occur.
  double const scale = 1.0 / 9007199254740992.0;  // 2^-53
  u0 = (double((std::uint64_t(r.v[0]) << 21) ^ (r.v[1] >> 11)) + 0.5) * scale;
  u1 = (double((std::uint64_t(r.v[2]) << 21) ^ (r.v[3] >> 11)) + 0.5) * scale;
}

}  // namespace sinkmap::kernels
