#include "core/input_registry.hpp"

#include "core/error.hpp"

#include <sys/stat.h>

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
  g_inputs.emplace(std::pair{st.st_dev, st.st_ino}, path);
}

void check_output_target(std::string const& path, std::string const& what)
{
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return;  // a new file
  SINKMAP_EXPECTS(S_ISREG(st.st_mode), bad_input,
                  what + ": '" + path + "' exists and is not a regular file; sinkmap writes only regular files");
  std::lock_guard lock(g_mutex);
  auto it = g_inputs.find({st.st_dev, st.st_ino});
  SINKMAP_EXPECTS(it == g_inputs.end(), bad_input,
                  what + ": '" + path + "' is an input of this run (" + it->second +
                    "); write the output to another file");
}

}  // namespace sinkmap
