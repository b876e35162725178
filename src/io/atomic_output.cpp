#include "io/atomic_output.hpp"

#include "core/error.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace sinkmap::io {

std::string temp_path_for(std::string const& path, std::string const& tag)
{
  std::filesystem::path const p(path);
  std::string const name = "." + p.stem().string() + ".sinkmap-" + tag + "-" +
                           std::to_string(::getpid()) + p.extension().string();
  return (p.parent_path() / name).string();
}

void move_into_place(std::string const& temp, std::string const& path)
{
  std::error_code ec;
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
  {
    std::ofstream f(tmp);
    SINKMAP_EXPECTS(f.good(), bad_input, "-o: cannot write '" + path + "'");
    f << text;
    f.flush();
    if (!f.good()) {
      f.close();
      std::remove(tmp.c_str());
      SINKMAP_FAIL(runtime_failure, "cannot write '" + path + "' (disk full?)");
    }
  }
  move_into_place(tmp, path);
}

}  // namespace sinkmap::io
