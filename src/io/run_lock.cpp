#include "io/run_lock.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

namespace sinkmap::io {

run_lock::run_lock(std::string const& dir) : path_((std::filesystem::path(dir) / ".sinkmap-run.lock").string())
{
  // The lock is flock() on the file, which the kernel drops when its holder dies: no stale lock
  // outlives a crash, and a PID that a new process reused cannot block the folder. The PID in
  // the file only names the holder in the message.
  for (int attempt = 0; attempt < 8; ++attempt) {
    int const fd = ::open(path_.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    SINKMAP_EXPECTS(fd >= 0, bad_input,
                    "output folder '" + dir + "': cannot create the run lock (" + std::strerror(errno) + ")");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int const why = errno;
      char buf[32] = {};
      ssize_t const got = ::pread(fd, buf, sizeof buf - 1, 0);
      ::close(fd);
      SINKMAP_EXPECTS(why == EWOULDBLOCK, bad_input,
                      "output folder '" + dir + "': cannot take the run lock " + path_ + " (" + std::strerror(why) + ")");
      long const pid = got > 0 ? std::strtol(buf, nullptr, 10) : 0;
      SINKMAP_FAIL(bad_input, "output folder '" + dir + "' is in use by another sinkmap run (process " +
                                std::to_string(pid) + ", lock " + path_ + "); wait for it, or choose another output");
    }
    // Locked: but the holder before us may have removed the file between our open and flock,
    // leaving us a lock on a name that no longer exists. Then try again.
    struct stat held {}, named {};
    if (::fstat(fd, &held) != 0 || ::stat(path_.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
        held.st_dev != named.st_dev) {
      ::close(fd);
      continue;
    }
    std::string const pid = std::to_string(::getpid()) + "\n";
    bool const written = ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) == ssize_t(pid.size());
    if (!written) {
      ::close(fd);
      SINKMAP_FAIL(runtime_failure, "cannot write the lock '" + path_ + "'");
    }
    fd_ = fd;
    remove_on_signal(path_);
    return;
  }
  SINKMAP_FAIL(bad_input, "output folder '" + dir + "': cannot take the run lock " + path_);
}

run_lock::~run_lock()
{
  keep_on_signal(path_);
  std::remove(path_.c_str());  // removed while still locked, so no one locks a name about to go
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace sinkmap::io
