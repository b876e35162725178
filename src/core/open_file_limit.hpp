// Open-file budget of a run: a composite of hundreds of scenes holds one GDAL handle per file
// and reader thread, more than the usual soft limit of 1024 descriptors.
#pragma once

#include <cstddef>
#include <string>

namespace sinkmap {

/// Makes room for `needed` more open files: raises the soft RLIMIT_NOFILE toward the hard limit
/// when it is too low. Throws runtime_failure naming `what` and the limits when even the hard
/// limit is too low.
void reserve_open_files(std::size_t needed, std::string const& what);

}  // namespace sinkmap
