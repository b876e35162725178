// Land-cover crosswalk files (JSON).
#include "fuzz_target.hpp"
#include "models/crosswalk.hpp"
SINKMAP_FUZZ_TARGET(crosswalk, "crosswalk.json", sinkmap::models::load_crosswalk(path))
