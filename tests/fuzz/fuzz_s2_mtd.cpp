// Sentinel-2 L2A product metadata (MTD_MSIL2A.xml): the product reader stops at the metadata or
// at the first band file it cannot find.
#include "fuzz_target.hpp"
#include "sensors/product.hpp"
SINKMAP_FUZZ_TARGET(s2_mtd, "MTD_MSIL2A.xml", sinkmap::sensors::open_sentinel2_l2a(path, {}))
