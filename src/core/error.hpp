// Errors are exceptions; the type is the API, the text is for people (libcudf's EXPECTS/FAIL).
// bad_input: the user's files, options or models are at fault (exit code 2).
// runtime_failure: the run failed for another reason, e.g. a write error or a full disk (exit 1).
#pragma once

#include "sinkmap/kernels/cuda_error.hpp"  // cuda_error: a run failure too (exit 1)

#include <stdexcept>
#include <string>

namespace sinkmap {

/// A file, band, field or option given by the user is wrong. The message names it.
struct bad_input : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The run could not complete (IO failure, device failure, full disk).
struct runtime_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sinkmap

#define SINKMAP_EXPECTS(cond, exception_type, msg) \
  do {                                              \
    if (!(cond)) throw exception_type(msg);         \
  } while (0)

#define SINKMAP_FAIL(exception_type, msg) throw exception_type(msg)
