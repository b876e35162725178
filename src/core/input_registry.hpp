// Never write over an input: every file a run reads is noted (device and inode, so another
// path to the same file is caught too), and every output is checked against them, and against
// being anything but a regular file (-o /dev/null once replaced the device node), before a
// byte is written.
#pragma once

#include <string>
#include <vector>

namespace sinkmap {

/// Notes `path` as an input of this process (no effect if it does not exist).
void note_input(std::string const& path);

/// Throws bad_input when `path` exists and is not a regular file, or is (the same file as) a
/// noted input. `what` names the option, e.g. "-o".
void check_output_target(std::string const& path, std::string const& what = "-o");

/// One file a command will write, and what names it in messages ("-o", "--uncertainty-map",
/// "-o (its class raster)").
struct output_target {
  std::string path;
  std::string what;
};

/// Every output a command will write, checked before the first byte of any: check_output_target
/// on each (inputs compared by device and inode, so another path or a symlink to an input is
/// caught), and no two outputs the same path or the same existing file. Throws bad_input.
void check_output_targets(std::vector<output_target> const& outputs);

}  // namespace sinkmap
