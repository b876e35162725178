// Landsat C2L2 MTL (JSON).
#include "fuzz_target.hpp"
#include "sensors/metadata_map.hpp"
SINKMAP_FUZZ_TARGET(mtl_json, "LC08_L2SP_001070_20190114_20200830_02_T2_MTL.json", sinkmap::sensors::read_mtl(path))
