// Outputs that are complete or absent: every file sinkmap writes goes to a hidden temporary
// beside its final name and is renamed into place only when it is finished.
#pragma once

#include <string>

namespace sinkmap::io {

/// DIR/.STEM.sinkmap-TAG-PID.EXT for `path` = DIR/STEM.EXT: hidden, unique to this process, and
/// with the extension kept for writers that choose their format by it (OpenCV, GDAL).
std::string temp_path_for(std::string const& path, std::string const& tag = "partial");

/// SIGINT, SIGTERM and SIGHUP remove every temporary of this process (and GDAL's sidecars of
/// them) before the process dies of the signal (main() installs it once). A later run to the
/// same target removes partials of processes that are gone.
void install_cleanup_on_signals();
/// Another file a signal must remove (a run directory's lock), and forgetting it again.
void remove_on_signal(std::string const& path);
void keep_on_signal(std::string const& path);

/// Renames the finished `temp` onto `path` (removing `temp` if that fails); throws
/// runtime_failure naming `path`.
void move_into_place(std::string const& temp, std::string const& path);

/// Writes `text` to `path` through a temporary. Throws bad_input when the folder cannot be
/// written, runtime_failure when the write fails (a full disk); nothing is left behind then.
void write_text_atomically(std::string const& path, std::string const& text);

}  // namespace sinkmap::io
