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
/// runtime_failure naming `path`. `path` is then a file this run created (note_created).
void move_into_place(std::string const& temp, std::string const& path);

// --- Ownership: a process deletes only files it created in this run ---------------------------
// One registry holds this process's temporaries and the finished outputs it created; every
// clean-up path uses it (a failed command, SIGINT/SIGTERM/SIGHUP), and a created file is removed
// only while its path still names the very file this process made (device and inode).

/// Registers `path` (an existing regular file this process just wrote, e.g. GDAL's .aux.xml
/// sidecar of an output) as created by this run.
void note_created(std::string const& path);
/// True when `path` is a file this run created and still the same file.
bool created_by_this_run(std::string const& path);
/// A failed command: removes every temporary and every created file of this run, then the
/// folders registered with remove_folder_on_failure (if empty). main() calls it.
void discard_created_outputs() noexcept;
/// A successful command: its created files are results now; nothing removes them any more.
void commit_created_outputs() noexcept;
/// Removes a temporary this process made (and GDAL's sidecars of it) and forgets it.
void discard_temp(std::string const& temp) noexcept;
/// A folder this run made (a staging folder), removed after its files on failure or signal.
void remove_folder_on_failure(std::string const& dir);
void keep_folder(std::string const& dir);

/// ": No space left on device (N bytes free in DIR)" when the filesystem that holds `path` is
/// full (under 1 MiB free), else "": GDAL and SQLite report a full disk as a failed write
/// ("TIFFAppendToStrip", "sqlite3_exec"), so every writer appends this to its message.
std::string disk_full_reason(std::string const& path);

/// Writes `text` to `path` through a temporary. Throws bad_input when the folder cannot be
/// written, runtime_failure when the write fails (a full disk); nothing is left behind then.
void write_text_atomically(std::string const& path, std::string const& text);

}  // namespace sinkmap::io
