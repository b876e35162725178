// The sinkmap binary for CLI tests: run it, read its exit code and output.
#pragma once

#include "io/test_rasters.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace sinkmap::test {

struct cli_result {
  int code;
  std::string output;  // stdout and stderr
};

/// `sinkmap ARGS` (a shell command line after the executable).
inline cli_result run_sinkmap(std::string const& args)
{
  std::string const cmd = std::string(SINKMAP_EXE) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int const status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

/// Output of a shell command line (stdout and stderr).
inline std::string run_shell(std::string const& cmd)
{
  FILE* p = popen(("(" + cmd + ") 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  return out;
}

}  // namespace sinkmap::test
