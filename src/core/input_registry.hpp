// Never write over an input: every file a run reads is noted (device and inode, so another
// path to the same file is caught too), and every output is checked against them, and against
// being anything but a regular file (-o /dev/null once replaced the device node), before a
// byte is written.
#pragma once

#include <string>

namespace sinkmap {

/// Notes `path` as an input of this process (no effect if it does not exist).
void note_input(std::string const& path);

/// Throws bad_input when `path` exists and is not a regular file, or is (the same file as) a
/// noted input. `what` names the option, e.g. "-o".
void check_output_target(std::string const& path, std::string const& what = "-o");

}  // namespace sinkmap
