#include "io/run_lock.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <unistd.h>

namespace sinkmap::io {

run_lock::run_lock(std::string const& dir) : path_((std::filesystem::path(dir) / ".sinkmap-run.lock").string())
{
  for (int attempt = 0; attempt < 2; ++attempt) {
    int const fd = ::open(path_.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd >= 0) {
      std::string const pid = std::to_string(::getpid()) + "\n";
      ssize_t const written = ::write(fd, pid.data(), pid.size());
      ::close(fd);
      SINKMAP_EXPECTS(written == ssize_t(pid.size()), runtime_failure, "cannot write the lock '" + path_ + "'");
      remove_on_signal(path_);
      return;
    }
    SINKMAP_EXPECTS(errno == EEXIST, bad_input,
                    "output folder '" + dir + "': cannot create the run lock (" + std::strerror(errno) + ")");
    long pid = 0;
    std::ifstream(path_) >> pid;
    bool const alive = pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno != ESRCH);
    SINKMAP_EXPECTS(!alive, bad_input,
                    "output folder '" + dir + "' is in use by another sinkmap run (process " + std::to_string(pid) +
                      ", lock " + path_ + "); wait for it, or choose another output");
    std::remove(path_.c_str());  // a run that died: take its lock over
  }
  SINKMAP_FAIL(bad_input, "output folder '" + dir + "': cannot take the run lock " + path_);
}

run_lock::~run_lock()
{
  keep_on_signal(path_);
  std::remove(path_.c_str());
}

}  // namespace sinkmap::io
