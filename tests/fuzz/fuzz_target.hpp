// One libFuzzer entry point per parser: the input bytes are written to a file of the name the
// parser expects and read back. A parser may reject the input (bad_input, naming the file); any
// other outcome (a crash, a sanitizer report, another exception) is a finding, and the input
// goes into tests/fuzz/corpus/ once fixed.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace sinkmap::fuzz {

/// A per-process scratch file named `name` holding the input.
inline std::string write_input(std::uint8_t const* data, std::size_t size, std::string const& name)
{
  static std::filesystem::path const dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("sinkmap-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  std::string const path = (dir / name).string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<char const*>(data), std::streamsize(size));
  return path;
}

/// Runs `parse`; bad_input is the expected way to refuse.
template <typename F>
int refuse_or_accept(F&& parse)
{
  try {
    parse();
  } catch (bad_input const&) {
  }
  return 0;
}

}  // namespace sinkmap::fuzz

// NAME documents the target; FILE is the scratch file's name; the rest is the parse call.
#define SINKMAP_FUZZ_TARGET(NAME, FILE, ...)                                             \
  extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)      \
  {                                                                                      \
    std::string const path = sinkmap::fuzz::write_input(data, size, FILE);               \
    return sinkmap::fuzz::refuse_or_accept([&] { __VA_ARGS__; });                        \
  }
