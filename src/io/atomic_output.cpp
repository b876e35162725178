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
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace sinkmap::io {
namespace {

// The files of this process: temporaries being written, and finished outputs this run created
// (moved into place, not yet committed by a successful command). One registry serves every
// clean-up path: a failed command (discard_created_outputs) and the signal handler. Storage a
// signal handler may read: fixed slots of fixed-size paths, claimed and released with atomics
// (no allocation, no locks). A created file is removed only while its path still names the
// file this process made (device and inode), so nothing else can be deleted through it.
constexpr int max_files = 1024;
constexpr std::size_t max_path = 4096;
enum slot_state : int { slot_free = 0, slot_claimed = 1, slot_temp = 2, slot_created = 3, slot_dir = 4 };
char g_paths[max_files][max_path];
dev_t g_dev[max_files];
ino_t g_ino[max_files];
std::atomic<int> g_state[max_files];

void remember(std::string const& path, int state, dev_t dev = 0, ino_t ino = 0)
{
  if (path.size() + 16 >= max_path) return;  // too long to keep: the stale-partial sweep removes a temp later
  for (int k = 0; k < max_files; ++k) {
    int expected = slot_free;
    if (!g_state[k].compare_exchange_strong(expected, slot_claimed)) continue;
    std::memcpy(g_paths[k], path.c_str(), path.size() + 1);
    g_dev[k] = dev;
    g_ino[k] = ino;
    g_state[k].store(state);
    return;
  }
}

void forget(std::string const& path, int state)
{
  for (int k = 0; k < max_files; ++k)
    if (g_state[k].load() == state && std::strcmp(g_paths[k], path.c_str()) == 0) {
      g_state[k].store(slot_free);
      return;
    }
}

// Removes a file and the sidecars GDAL may have made of it (async-signal-safe).
void unlink_with_sidecars(char const* path)
{
  ::unlink(path);
  char buf[max_path + 16];
  std::size_t const n = std::strlen(path);
  // GDAL's sidecars, and SQLite's journals of a GeoPackage being written.
  for (char const* suffix : {".aux.xml", ".ovr", ".ovr.tmp", ".msk", "-journal", "-wal", "-shm"}) {
    std::memcpy(buf, path, n);
    std::strcpy(buf + n, suffix);
    ::unlink(buf);
  }
}

// Removes slot k's file if it is still the one this process made (async-signal-safe: stat and
// unlink only). Sidecars of a created file are registered files of their own.
void remove_slot(int k)
{
  int const state = g_state[k].load();
  if (state == slot_temp) {
    unlink_with_sidecars(g_paths[k]);
  } else if (state == slot_created) {
    struct stat st{};
    if (::lstat(g_paths[k], &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == g_dev[k] && st.st_ino == g_ino[k])
      ::unlink(g_paths[k]);
  }
}

extern "C" void on_fatal_signal(int sig)
{
  for (int k = 0; k < max_files; ++k) remove_slot(k);
  for (int k = 0; k < max_files; ++k)  // folders last, once their files are gone
    if (g_state[k].load() == slot_dir) ::rmdir(g_paths[k]);
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
    std::string rest = name.substr(prefix.size());                   // TAG-PID.EXT[.aux.xml|-journal]
    std::size_t const dash = rest.find('-');                         // tags have no dash
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

void remove_on_signal(std::string const& path) { remember(path, slot_temp); }
void keep_on_signal(std::string const& path) { forget(path, slot_temp); }

void note_created(std::string const& path)
{
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  forget(path, slot_created);  // written twice in one run (a rerun of a step): the newest file
  remember(path, slot_created, st.st_dev, st.st_ino);
}

bool created_by_this_run(std::string const& path)
{
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return false;
  for (int k = 0; k < max_files; ++k)
    if (g_state[k].load() == slot_created && std::strcmp(g_paths[k], path.c_str()) == 0)
      return st.st_dev == g_dev[k] && st.st_ino == g_ino[k];
  return false;
}

void discard_created_outputs() noexcept
{
  for (int k = 0; k < max_files; ++k) {
    int const state = g_state[k].load();
    if (state != slot_temp && state != slot_created) continue;
    remove_slot(k);
    g_state[k].store(slot_free);
  }
  for (int k = 0; k < max_files; ++k)
    if (g_state[k].load() == slot_dir) {
      ::rmdir(g_paths[k]);
      g_state[k].store(slot_free);
    }
}

void remove_folder_on_failure(std::string const& dir) { remember(dir, slot_dir); }
void keep_folder(std::string const& dir) { forget(dir, slot_dir); }

void commit_created_outputs() noexcept
{
  for (int k = 0; k < max_files; ++k)
    if (g_state[k].load() == slot_created) g_state[k].store(slot_free);
}

void discard_temp(std::string const& temp) noexcept
{
  unlink_with_sidecars(temp.c_str());
  forget(temp, slot_temp);
}

std::string temp_path_for(std::string const& path, std::string const& tag)
{
  check_output_target(path);  // every output starts here: never over an input or a device
  std::filesystem::path const p(path);
  remove_stale_partials(p);
  std::string const name = "." + p.stem().string() + ".sinkmap-" + tag + "-" +
                           std::to_string(::getpid()) + p.extension().string();
  std::string const temp = (p.parent_path() / name).string();
  remember(temp, slot_temp);
  return temp;
}

std::string disk_full_reason(std::string const& path)
{
  std::filesystem::path const p(path);
  std::string const dir = p.parent_path().empty() ? "." : p.parent_path().string();
  struct statvfs fs{};
  if (::statvfs(dir.c_str(), &fs) != 0) return "";
  unsigned long long const free_bytes = static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize;
  if (free_bytes >= (1ull << 20)) return "";
  return ": " + std::string(std::strerror(ENOSPC)) + " (" + std::to_string(free_bytes) + " bytes free in " + dir + ")";
}

void move_into_place(std::string const& temp, std::string const& path)
{
  std::error_code ec;
  check_output_target(path);  // the target may have become an input's name since the start
  std::filesystem::rename(temp, path, ec);
  forget(temp, slot_temp);
  if (ec) {
    std::remove(temp.c_str());
    SINKMAP_FAIL(runtime_failure, "cannot move finished output into place as '" + path +
                                    "': " + ec.message());
  }
  note_created(path);
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
    discard_temp(tmp);
    SINKMAP_FAIL(runtime_failure, "cannot write '" + path + "': " + std::strerror(err));
  }
  move_into_place(tmp, path);
}

}  // namespace sinkmap::io
