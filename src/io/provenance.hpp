// What every output records about how it was made (ISSUE: a map a bureau can defend): the
// sinkmap version, the command line, and every input file behind the pass's planes (paths as
// given, with size and SHA-256, hashed in a background thread while the pass runs).
#pragma once

#include "io/scene.hpp"

#include <future>
#include <map>
#include <string>
#include <vector>

namespace sinkmap::io {

/// Records the command line (main() calls it once).
void set_command_line(int argc, char const* const* argv);
/// The command line as typed (arguments with spaces quoted); "" if never set.
std::string command_line();
/// "sinkmap 0.1.0".
std::string sinkmap_version();

/// The files GDAL reads behind these planes: the files themselves, the sources of VRTs (mosaics,
/// warps in /vsimem) and sidecar files, without /vsimem entries; in first-seen order.
std::vector<std::string> files_behind(std::vector<band_source> const& planes);

/// SHA-256 of the files, computed in a background thread from construction on.
class input_hashes {
 public:
  explicit input_hashes(std::vector<std::string> files);
  /// Waits for the hashes: "PATH (N bytes, sha256 HEX); ..." (a file that cannot be read is
  /// listed as such).
  std::string text();

 private:
  std::vector<std::string> files_;
  std::future<std::string> result_;
};

/// The dataset items every output carries: SINKMAP_VERSION, SINKMAP_COMMAND_LINE.
std::map<std::string, std::string> run_provenance();

}  // namespace sinkmap::io
