#include "jobs/progress_reporter.hpp"

#include <cstdio>
#include <unistd.h>

namespace sinkmap::jobs {

progress_reporter::progress_reporter(std::string label, bool enabled)
  : label_(std::move(label)), enabled_(enabled), tty_(::isatty(2) != 0)
{
}

progress_reporter::~progress_reporter()
{
  if (printed_ && tty_) std::fputc('\n', stderr);
}

void progress_reporter::update(int done, int total, std::size_t bytes_in)
{
  if (!enabled_) return;
  auto const now = clock::now();
  double const elapsed = std::chrono::duration<double>(now - start_).count();
  double const since_last = std::chrono::duration<double>(now - last_).count();
  // Nothing for runs under a second; then at most 4 lines a second on a terminal, one every
  // 5 s in a log, and always the last tile.
  if (elapsed < 1.0) return;
  if (done < total && since_last < (tty_ ? 0.25 : 5.0)) return;
  last_ = now;
  printed_ = true;
  double const mbps = double(bytes_in) / 1e6 / elapsed;
  double const eta = done > 0 ? elapsed * double(total - done) / double(done) : 0.0;
  std::fprintf(stderr, "%s%s: tile %d/%d, %.1f MB/s, %s %.1f s%s", tty_ ? "\r" : "",
               label_.c_str(), done, total, mbps, done < total ? "ETA" : "took",
               done < total ? eta : elapsed, tty_ ? "   " : "\n");
  std::fflush(stderr);
}

}  // namespace sinkmap::jobs
