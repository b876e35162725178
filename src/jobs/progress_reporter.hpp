// Progress on stderr for runs longer than a second: tiles done, input MB/s, ETA.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace sinkmap::jobs {

class progress_reporter {
 public:
  /// `enabled` false (--quiet) prints nothing.
  progress_reporter(std::string label, bool enabled);
  ~progress_reporter();

  /// Called after each tile from the writer thread.
  void update(int done, int total, std::size_t bytes_in);

 private:
  using clock = std::chrono::steady_clock;
  std::string label_;
  bool enabled_;
  bool printed_ = false;
  bool tty_;
  clock::time_point start_ = clock::now(), last_ = start_;
};

}  // namespace sinkmap::jobs
