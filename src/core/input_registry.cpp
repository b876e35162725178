#include "core/input_registry.hpp"

#include "core/error.hpp"

#include <sys/stat.h>

#include <filesystem>

#include <map>
#include <mutex>
#include <utility>

namespace sinkmap {
namespace {

std::mutex g_mutex;
std::map<std::pair<dev_t, ino_t>, std::string> g_inputs;  // (device, inode) -> path as given

}  // namespace

void note_input(std::string const& path)
{
  struct stat st{};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return;
  std::lock_guard lock(g_mutex);
  g_inputs.insert_or_assign(std::pair{st.st_dev, st.st_ino}, path);  // the latest path read names it
}

void check_output_target(std::string const& path, std::string const& what)
{
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return;  // a new file
  SINKMAP_EXPECTS(S_ISREG(st.st_mode), bad_input,
                  what + ": '" + path + "' exists and is not a regular file; sinkmap writes only regular files");
  std::lock_guard lock(g_mutex);
  auto it = g_inputs.find({st.st_dev, st.st_ino});
  // An input deleted since it was read frees its inode for a new file (a long-lived process, a
  // test suite): the entry counts only while the path read still names this file.
  if (it != g_inputs.end()) {
    struct stat was{};
    if (::stat(it->second.c_str(), &was) != 0 || was.st_dev != st.st_dev || was.st_ino != st.st_ino) {
      g_inputs.erase(it);
      it = g_inputs.end();
    }
  }
  SINKMAP_EXPECTS(it == g_inputs.end(), bad_input,
                  what + ": '" + path + "' is an input of this run (" + it->second +
                    "); write the output to another file");
}

void check_output_targets(std::vector<output_target> const& outputs)
{
  namespace fs = std::filesystem;
  std::map<std::string, std::string> by_path;                  // normalised path -> option
  std::map<std::pair<dev_t, ino_t>, std::string> by_file;      // existing file -> option
  for (auto const& o : outputs) {
    if (o.path.empty()) continue;
    SINKMAP_EXPECTS(o.path.find('\0') == std::string::npos, bad_input, o.what + ": the path contains a NUL byte");
    check_output_target(o.path, o.what);
    std::error_code ec;
    std::string const key = fs::absolute(o.path, ec).lexically_normal().string();
    auto const [it, fresh] = by_path.emplace(key, o.what);
    SINKMAP_EXPECTS(fresh, bad_input,
                    o.what + ": '" + o.path + "' is also the file of " + it->second + "; give each output its own file");
    struct stat st{};
    if (::stat(o.path.c_str(), &st) == 0) {
      auto const [jt, new_file] = by_file.emplace(std::pair{st.st_dev, st.st_ino}, o.what);
      SINKMAP_EXPECTS(new_file, bad_input,
                      o.what + ": '" + o.path + "' is the same file as the output of " + jt->second +
                        " (a link); give each output its own file");
    }
  }
}

}  // namespace sinkmap
