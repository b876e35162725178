#!/usr/bin/env bash
# The fused stock pass (reflectance, NDVI/NDWI, classification, biomass, pools; c_total written
# as tiled uncompressed float32) and the whole one-map run (that pass with zonal sums over two
# zones, then the yearly accounting pass and its state raster) against the index-only pass
# (sinkmap index -i NDVI, same output format), on the same generated scene in the same run.
#   bench/run_carbon_bench.sh [SIZE=16384] [WORKDIR=bench-work] [DEVICE=cpu]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-16384}
work=$(realpath -m "${2:-bench-work}")
device=${3:-cpu}
mkdir -p "$work"
scene=$work/scene_${size}.tif
[[ -f $scene ]] || build/bench/make_bench_scene "$scene" "$size"
ext=$((size * 10))
cat > "$work/zones.geojson" <<JSON
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},
 "features":[
  {"type":"Feature","properties":{"name":"west"},"geometry":{"type":"Polygon","coordinates":[[[500000,$((4100000 - ext))],[$((500000 + ext / 2)),$((4100000 - ext))],[$((500000 + ext / 2)),4100000],[500000,4100000],[500000,$((4100000 - ext))]]]}},
  {"type":"Feature","properties":{"name":"east"},"geometry":{"type":"Polygon","coordinates":[[[$((500000 + ext / 2)),$((4100000 - ext))],[$((500000 + ext)),$((4100000 - ext))],[$((500000 + ext)),4100000],[$((500000 + ext / 2)),4100000],[$((500000 + ext / 2)),$((4100000 - ext))]]]}}]}
JSON
cat > "$work/onemap.toml" <<TOML
output = "$work/onemap"
model = "$(pwd)/bench/models/bench_ndvi_linear.json"
stock_bands = ["c_total"]
cube = false
quicklooks = false
overviews = false
[zones]
file = "$work/zones.geojson"
field = "name"
[[years]]
year = 2024
scene = "$scene"
bands = ["blue=1", "green=2", "red=3", "nir=4"]
TOML
co="--co COMPRESS=NONE --co PREDICTOR=1 --co BIGTIFF=YES"
cat "$scene" > /dev/null
/usr/bin/time -f "%e %M" -o "$work/t_index.txt" build/sinkmap index --format GTiff "$scene" --band red=3 --band nir=4 \
  -i NDVI --device "$device" $co --quiet -o "$work/ndvi.tif"
rm -f "$work/ndvi.tif"
cat "$scene" > /dev/null
# The fused stock pass alone (decode, NDVI/NDWI, classification, biomass, pools; c_total out),
# the part of the run the 1.5x target is about.
/usr/bin/time -f "%e %M" -o "$work/t_stock.txt" build/sinkmap stock --format GTiff "$scene" --band blue=1 --band green=2 \
  --band red=3 --band nir=4 -m bench/models/bench_ndvi_linear.json --output-bands c_total --device "$device" $co \
  --quiet -o "$work/stock.tif"
rm -f "$work/stock.tif"
cat "$scene" > /dev/null
/usr/bin/time -f "%e %M" -o "$work/t_onemap.txt" build/sinkmap run --format GTiff "$work/onemap.toml" \
  --device "$device" $co --quiet > /dev/null
read -r ti ri < "$work/t_index.txt"
read -r to ro < "$work/t_onemap.txt"
read -r ts rs < "$work/t_stock.txt"
echo "scene ${size}x${size}, device $device, $(nproc) cores"
awk -v ti="$ti" -v ri="$ri" -v to="$to" -v ro="$ro" -v ts="$ts" -v rs="$rs" -v p=$((size * size)) 'BEGIN {
  printf "%-58s %8s %10s %9s\n", "pass", "wall_s", "Mpix/s", "peak_MiB"
  printf "%-58s %8.2f %10.1f %9.0f\n", "index only (NDVI)", ti, p / ti / 1e6, ri / 1024
  printf "%-58s %8.2f %10.1f %9.0f\n", "fused stock pass (sinkmap stock, c_total)", ts, p / ts / 1e6, rs / 1024
  printf "%-58s %8.2f %10.1f %9.0f\n", "whole run (stock + zonal sums + yearly accounting + state)", to, p / to / 1e6, ro / 1024
  printf "fused stock pass / index-only = %.2fx (target <= 1.5x)\n", ts / ti
  printf "whole run / index-only = %.2fx\n", to / ti }'
grep -o '"total_mgc": [0-9.e+]*' "$work/onemap/run.json"
