#!/usr/bin/env bash
# The main job on the bundled samples:
#  1. sinkmap run: the annual one-map job (2020 and 2021 stock maps, the 2020-2021 sink, zone
#     inventories, an HDF5 cube and quicklooks) on a WorldCover crop, see data-samples/README.md;
#  2. sinkmap index: twelve spectral indices of the bundled Landsat 8 C2L2 product crop, read as
#     USGS delivers it (scale, offset and QA masks from the MTL).
set -euo pipefail
cd "$(dirname "$0")/.."
build/sinkmap run data-samples/run-sample.toml
mkdir -p out
build/sinkmap info data-samples/landsat8-c2l2-001070-crop
build/sinkmap index data-samples/landsat8-c2l2-001070-crop \
  -i NDVI,EVI,EVI2,SAVI,MSAVI2,NDWI,MNDWI,NDMI,NBR,GNDVI,kNDVI,NIRv \
  -o out/landsat8-001070-indices.tif
echo
echo "results:"
echo "  one-map run:   $(pwd)/out/run-sample/ (run.json lists every file)"
echo "  indices:       $(pwd)/out/landsat8-001070-indices.tif"
