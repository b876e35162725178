#!/usr/bin/env bash
# The main job on the bundled sample: twelve spectral indices of a Landsat 8 C2L2 crop
# (separate band files, USGS scale and offset), as one multiband GeoTIFF in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
d=data-samples/landsat8-c2l2-001070-crop
p=$d/LC08_L2SP_001070_20190114_20200830_02_T2
mkdir -p out
build/sinkmap info "${p}_SR_B4.TIF"
build/sinkmap index \
  --band blue="${p}_SR_B2.TIF" --band green="${p}_SR_B3.TIF" --band red="${p}_SR_B4.TIF" \
  --band nir="${p}_SR_B5.TIF" --band swir1="${p}_SR_B6.TIF" --band swir2="${p}_SR_B7.TIF" \
  --scale 2.75e-5 --offset -0.2 \
  -i NDVI,EVI,EVI2,SAVI,MSAVI2,NDWI,MNDWI,NDMI,NBR,GNDVI,kNDVI,NIRv \
  -o out/landsat8-001070-indices.tif
echo "result: $(pwd)/out/landsat8-001070-indices.tif"
