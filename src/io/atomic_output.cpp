#include "io/atomic_output.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"

#include <atomic>
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
namespace {

// The temporaries of this process, in storage a signal handler may read: fixed slots of
// fixed-size paths, claimed and released with atomics (no allocation, no locks).
constexpr int max_temps = 1024;
constexpr std::size_t max_path = 4096;
char g_paths[max_temps][max_path];
std::atomic<int> g_state[max_temps];  // 0 free, 1 being written, 2 live

void remember(std::string const& temp)
{
  if (temp.size() + 16 >= max_path) return;  // too long to keep: the stale-partial sweep removes it later
  for (int k = 0; k < max_temps; ++k) {
    int expected = 0;
    if (!g_state[k].compare_exchange_strong(expected, 1)) continue;
    std::memcpy(g_paths[k], temp.c_str(), temp.size() + 1);
    g_state[k].store(2);
    return;
  }
}

void forget(std::string const& temp)
{
  for (int k = 0; k < max_temps; ++k)
    if (g_state[k].load() == 2 && std::strcmp(g_paths[k], temp.c_str()) == 0) {
      g_state[k].store(0);
      return;
    }
}

// Removes a file and the sidecars GDAL may have made of it (async-signal-safe).
void unlink_with_sidecars(char const* path)
{
  ::unlink(path);
  char buf[max_path + 16];
  std::size_t const n = std::strlen(path);
  for (char const* suffix : {".aux.xml", ".ovr", ".ovr.tmp", ".msk"}) {
    std::memcpy(buf, path, n);
    std::strcpy(buf + n, suffix);
    ::unlink(buf);
  }
}

extern "C" void on_fatal_signal(int sig)
{
  for (int k = 0; k < max_temps; ++k)
    if (g_state[k].load() == 2) unlink_with_sidecars(g_paths[k]);
  ::signal(sig, SIG_DFL);
  ::raise(sig);  // the shell sees 128 + sig (130 INT, 143 TERM, 129 HUP)
}

// Partial files of runs that died (killed, power cut) beside `path`: ".STEM.sinkmap-TAG-PID.EXT"
// whose process is gone.
void remove_stale_partials(std::filesystem::path const& p)
{
  std::error_code ec;
  std::filesystem::path const dir = p.parent_path().empty() ? "." : p.parent_path();
  std::string const prefix = "." + p.stem().string() + ".sinkmap-";
  for (auto const& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string const name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    std::string rest = name.substr(prefix.size());                   // TAG-PID.EXT[.aux.xml]
    std::size_t const dash = rest.rfind('-');
    if (dash == std::string::npos) continue;
    long const pid = std::strtol(rest.c_str() + dash + 1, nullptr, 10);
    if (pid <= 0 || pid == long(::getpid())) continue;
    if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;     // alive (or not ours to tell)
    std::filesystem::remove(e.path(), ec);
  }
}

}  // namespace

void install_cleanup_on_signals()
{
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, on_fatal_signal);
}

void remove_on_signal(std::string const& path) { remember(path); }
void keep_on_signal(std::string const& path) { forget(path); }

std::string temp_path_for(std::string const& path, std::string const& tag)
{
  check_output_target(path);  // every output starts here: never over an input or a device
  std::filesystem::path const p(path);
  remove_stale_partials(p);
  std::string const name = "." + p.stem().string() + ".sinkmap-" + tag + "-" +
                           std::to_string(::getpid()) + p.extension().string();
  std::string const temp = (p.parent_path() / name).string();
  remember(temp);
  return temp;
}

void move_into_place(std::string const& temp, std::string const& path)
{
  std::error_code ec;
  forget(temp);
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::remove(temp.c_str());
    SINKMAP_FAIL(runtime_failure, "cannot move finished output into place as '" + path +
                                    "': " + ec.message());
  }
}

void write_text_atomically(std::string const& path, std::string const& text)
{
  std::string const tmp = temp_path_for(path);
  // POSIX IO so that the reason is errno's: "Permission denied", "No space left on device".
  int const fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
  SINKMAP_EXPECTS(fd >= 0, bad_input, "-o: cannot write '" + path + "': " + std::strerror(errno));
  std::size_t done = 0;
  int err = 0;
  while (done < text.size()) {
    ssize_t const n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    done += std::size_t(n);
  }
  if (!err && ::fsync(fd) != 0 && errno != EINVAL) err = errno;
  if (::close(fd) != 0 && !err) err = errno;
  if (err) {
    std::remove(tmp.c_str());
    forget(tmp);
    SINKMAP_FAIL(runtime_failure, "cannot write '" + path + "': " + std::strerror(err));
  }
  move_into_place(tmp, path);
}

}  // namespace sinkmap::io
