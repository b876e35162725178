#include "io/run_staging.hpp"

#include "core/error.hpp"
#include "core/input_registry.hpp"
#include "io/atomic_output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sinkmap::io {
namespace {

namespace fs = std::filesystem;

constexpr char const* staging_prefix = ".sinkmap-staging-";

std::mutex g_mutex;
std::vector<std::pair<std::string, std::string>> g_active;  // staging folder -> output folder

// Staging folders of runs whose process is gone (killed, power cut): nothing in them was
// published, so they go whole.
void sweep_dead_staging(fs::path const& dir)
{
  std::error_code ec;
  for (auto const& e : fs::directory_iterator(dir, ec)) {
    std::string const name = e.path().filename().string();
    if (name.rfind(staging_prefix, 0) != 0 || !e.is_directory(ec)) continue;
    long const pid = std::strtol(name.c_str() + std::strlen(staging_prefix), nullptr, 10);
    if (pid <= 0 || pid == long(::getpid())) continue;
    if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to tell
    fs::remove_all(e.path(), ec);
  }
}

// The names of the files the previous run's manifest lists (a run writes its files directly
// in its output folder; the manifest's paths may be relative to another working folder, so the
// names count), without noting the manifest as an input: this run replaces it.
std::set<std::string> listed_files(std::string const& manifest)
{
  std::set<std::string> out;
  std::ifstream f(manifest);
  if (!f) return out;
  auto const j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("files") || !j["files"].is_array()) return out;
  for (auto const& p : j["files"])
    if (p.is_string()) {
      std::string const name = fs::path(p.get<std::string>()).filename().string();
      if (!name.empty() && name != "." && name != "..") out.insert(name);
    }
  return out;
}

}  // namespace

run_staging::run_staging(std::string const& output_dir, std::string const& manifest)
  : output_dir_(output_dir), manifest_(manifest)
{
  sweep_dead_staging(output_dir);
  previous_files_ = listed_files((fs::path(output_dir) / manifest).string());
  staging_ = (fs::path(output_dir) / (staging_prefix + std::to_string(::getpid()))).string();
  std::error_code ec;
  fs::remove_all(staging_, ec);  // a folder of this very PID is a leftover of a dead process
  SINKMAP_EXPECTS(fs::create_directory(staging_, ec) && !ec, runtime_failure,
                  "cannot create the staging folder '" + staging_ + "': " + ec.message());
  remove_folder_on_failure(staging_);
  std::lock_guard lock(g_mutex);
  g_active.emplace_back(staging_, output_dir_);
}

run_staging::~run_staging()
{
  {
    std::lock_guard lock(g_mutex);
    for (auto it = g_active.begin(); it != g_active.end(); ++it)
      if (it->first == staging_) {
        g_active.erase(it);
        break;
      }
  }
  if (published_) return;
  // The folder is this process's own (its PID in the name, made by this run): all of it goes.
  std::error_code ec;
  fs::remove_all(staging_, ec);
  keep_folder(staging_);
}

std::string run_staging::path(std::string const& name) const { return (fs::path(staging_) / name).string(); }

std::string run_staging::final_path(std::string const& name) const
{
  return (fs::path(output_dir_) / name).string();
}

std::vector<std::string> run_staging::publish()
{
  std::error_code ec;
  std::vector<std::string> names;
  for (auto const& e : fs::directory_iterator(staging_, ec))
    if (e.is_regular_file(ec)) names.push_back(e.path().filename().string());
  SINKMAP_EXPECTS(!ec, runtime_failure, "cannot list the staging folder '" + staging_ + "': " + ec.message());
  // Every target first: a name that is an input of the run stops it before anything moves.
  for (auto const& n : names) check_output_target(final_path(n), "output folder");
  // Publishing is the run's commit: SIGINT, SIGTERM and SIGHUP wait until it is done (the
  // process then dies of the signal with a whole run in place), so no signal can leave half of
  // one run beside half of another.
  sigset_t block, previous;
  sigemptyset(&block);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&block, sig);
  pthread_sigmask(SIG_BLOCK, &block, &previous);
  struct unblock {
    sigset_t const& set;
    ~unblock() { pthread_sigmask(SIG_SETMASK, &set, nullptr); }
  } const restore{previous};
  auto move = [&](std::string const& n) {
    fs::rename(path(n), final_path(n), ec);
    SINKMAP_EXPECTS(!ec, runtime_failure, "cannot move '" + path(n) + "' into place as '" + final_path(n) +
                                            "': " + ec.message());
  };
  for (auto const& n : names)
    if (n != manifest_) move(n);
  if (std::find(names.begin(), names.end(), manifest_) != names.end()) move(manifest_);
  published_ = true;
  commit_created_outputs();  // a published run is a result: no clean-up may take it back
  fs::remove(staging_, ec);
  keep_folder(staging_);
  // Files of the previous run that this one did not write again: gone, so that the folder
  // holds one run. Only what the previous manifest listed, inside this folder, regular files.
  std::vector<std::string> removed;
  std::set<std::string> const produced(names.begin(), names.end());
  for (auto const& name : previous_files_) {
    if (produced.count(name)) continue;
    std::string const f = final_path(name);
    struct stat st{};
    if (::lstat(f.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    try {
      check_output_target(f, "stale file");  // never an input of this run
    } catch (bad_input const&) {
      continue;
    }
    if (fs::remove(f, ec)) removed.push_back(f);
  }
  return removed;
}

std::string published_path(std::string const& path)
{
  std::lock_guard lock(g_mutex);
  for (auto const& [staging, out] : g_active)
    if (path.size() > staging.size() && path.compare(0, staging.size(), staging) == 0 &&
        (path[staging.size()] == '/'))
      return (fs::path(out) / path.substr(staging.size() + 1)).string();
  return path;
}

}  // namespace sinkmap::io
