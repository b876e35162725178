// Paths of the bundled samples and of the optional ../shared/data.
#pragma once

#include <filesystem>
#include <string>

namespace sinkmap::test {

inline std::filesystem::path source_dir() { return SINKMAP_SOURCE_DIR; }

/// ../shared/data beside the checkout (absent on some machines: tests then GTEST_SKIP).
inline std::filesystem::path shared_data() { return source_dir().parent_path() / "shared" / "data"; }

inline bool have_shared(std::string const& sub)
{
  return std::filesystem::exists(shared_data() / sub);
}

}  // namespace sinkmap::test
