// One run per output folder: `sinkmap run` holds DIR/.sinkmap-run.lock (its PID inside) while it
// writes, so a second run into the same folder stops at once (bad input naming the lock) rather
// than interleaving files; a lock whose process is gone is taken over; the lock goes with the
// run, and with it on SIGINT, SIGTERM and SIGHUP.
#pragma once

#include <string>

namespace sinkmap::io {

class run_lock {
 public:
  explicit run_lock(std::string const& dir);
  ~run_lock();
  run_lock(run_lock const&) = delete;
  run_lock& operator=(run_lock const&) = delete;

 private:
  std::string path_;
};

}  // namespace sinkmap::io
