// GEDI L4A granules (HDF5).
#include "fuzz_target.hpp"
#include "validate/gedi_l4a.hpp"
SINKMAP_FUZZ_TARGET(gedi, "GEDI04_A_fuzz.h5", sinkmap::validate::read_gedi_l4a(path, false))
