#include "core/open_file_limit.hpp"

#include "core/error.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace sinkmap {

void reserve_open_files(std::size_t needed, std::string const& what)
{
  // Room for the outputs, the run's own files and GDAL's sidecars besides the inputs, where the
  // hard limit allows it.
  constexpr rlim_t headroom = 128;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;  // no limit to read: let open() decide
  rlim_t const want = rlim_t(needed) + headroom;
  if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= want) return;
  rlim_t const hard = lim.rlim_max;
  SINKMAP_EXPECTS(hard == RLIM_INFINITY || hard > rlim_t(needed), runtime_failure,
                  what + " needs " + std::to_string(needed) + " open files, and this process may open at most " +
                    std::to_string(hard) + " (ulimit -Hn): raise the limit or pass fewer --threads");
  lim.rlim_cur = hard == RLIM_INFINITY ? want : std::min(want, hard);
  SINKMAP_EXPECTS(setrlimit(RLIMIT_NOFILE, &lim) == 0, runtime_failure,
                  what + " needs " + std::to_string(want) + " open files; the limit (ulimit -n) is " +
                    std::to_string(lim.rlim_cur) + " and could not be raised");
}

}  // namespace sinkmap
