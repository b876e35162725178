// One run per output folder: `sinkmap run` holds an flock() on DIR/.sinkmap-run.lock (its PID
// inside, for the message) while it writes, so a second run into the same folder stops at once
// (bad input naming the lock and the holder) rather than interleaving files. The kernel drops the
// lock when its process dies, so a crashed run's file is simply taken over, whatever PID it names
// (a PID reused by another process blocks nothing); the file goes with the run, also on SIGINT,
// SIGTERM and SIGHUP.
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
  int fd_ = -1;  ///< holds the flock for the run's life
};

}  // namespace sinkmap::io
