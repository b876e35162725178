// Landsat C2L2 MTL (ODL text).
#include "fuzz_target.hpp"
#include "sensors/metadata_map.hpp"
SINKMAP_FUZZ_TARGET(mtl_txt, "LC08_L2SP_001070_20190114_20200830_02_T2_MTL.txt", sinkmap::sensors::read_mtl(path))
