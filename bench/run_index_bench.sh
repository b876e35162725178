#!/usr/bin/env bash
# sinkmap index -i NDVI against gdal_calc.py, Orfeo ToolBox RadiometricIndices and the I/O floor
# (gdal_translate -b 3 -ot Float32), on the same generated scene, in the same run, all writing
# tiled uncompressed float32 GeoTIFF. Prints wall time, Mpixel/s, peak RSS and ratios, then
# sinkmap's peak RSS on a scene 4x smaller (memory must stay flat as the scene grows).
#   bench/run_index_bench.sh [SIZE=16384] [WORKDIR=bench-work]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-16384}
work=${2:-bench-work}
mkdir -p "$work"
sinkmap=build/sinkmap
gen=build/bench/make_bench_scene
scene=$work/scene_${size}.tif
small=$work/scene_$((size / 2)).tif
[[ -f $scene ]] || $gen "$scene" "$size"
[[ -f $small ]] || $gen "$small" $((size / 2))
pixels=$((size * size))
tiled="-co TILED=YES -co BLOCKXSIZE=256 -co BLOCKYSIZE=256 -co BIGTIFF=YES"

# Reads the scene once so every tool starts from the page cache.
warm() { cat "$1" > /dev/null; }

declare -A secs rss
measure() {  # name, output, command...
  local name=$1 out=$2; shift 2
  rm -f "$out"
  warm "$scene"
  local log=$work/time_$name.txt
  /usr/bin/time -f "%e %M" -o "$log" "$@" > "$work/log_$name.txt" 2>&1 || {
    echo "$name failed:"; tail -5 "$work/log_$name.txt"; return 0; }
  read -r secs[$name] rss[$name] < "$log"
  rm -f "$out"
}

measure floor "$work/floor.tif" gdal_translate -q -b 3 -ot Float32 $tiled "$scene" "$work/floor.tif"
measure sinkmap_cpu "$work/sm.tif" $sinkmap index --format GTiff "$scene" --band red=3 --band nir=4 -i NDVI \
  --device cpu --co COMPRESS=NONE --co PREDICTOR=1 --co BIGTIFF=YES --quiet -o "$work/sm.tif"
if $sinkmap info "$scene" | grep -q "device: cuda"; then
  measure sinkmap_cuda "$work/smg.tif" $sinkmap index --format GTiff "$scene" --band red=3 --band nir=4 -i NDVI \
    --device cuda --co COMPRESS=NONE --co PREDICTOR=1 --co BIGTIFF=YES --quiet -o "$work/smg.tif"
fi
if command -v gdal_calc.py > /dev/null; then
  measure gdal_calc "$work/calc.tif" /usr/bin/python3 /usr/bin/gdal_calc.py --quiet \
    -A "$scene" --A_band=3 -B "$scene" --B_band=4 --type=Float32 \
    --calc="(B*1.0-A)/(B*1.0+A)" --co TILED=YES --co BIGTIFF=YES --outfile="$work/calc.tif"
fi
if command -v otbcli_RadiometricIndices > /dev/null; then
  measure otb "$work/otb.tif" otbcli_RadiometricIndices -in "$scene" \
    -out "$work/otb.tif?&gdal:co:TILED=YES&gdal:co:BIGTIFF=YES" float \
    -channels.red 3 -channels.nir 4 -list Vegetation:NDVI -ram 256
fi
measure sinkmap_cpu_small "$work/sms.tif" $sinkmap index --format GTiff "$small" --band red=3 --band nir=4 \
  -i NDVI --device cpu --co COMPRESS=NONE --co PREDICTOR=1 --quiet -o "$work/sms.tif"

echo
echo "scene: ${size}x${size} 4-band uint16 tiled GeoTIFF ($((pixels * 8 / 1048576)) MiB), $(nproc) cores"
printf "%-18s %9s %10s %10s %12s %12s\n" tool wall_s Mpix/s peak_MiB "vs floor" "sinkmap_cpu x"
for t in floor sinkmap_cpu sinkmap_cuda gdal_calc otb; do
  [[ -n "${secs[$t]:-}" ]] || continue
  awk -v t="$t" -v s="${secs[$t]}" -v r="${rss[$t]}" -v p="$pixels" -v f="${secs[floor]}" \
      -v c="${secs[sinkmap_cpu]}" 'BEGIN {
        printf "%-18s %9.2f %10.1f %10.0f %11.2fx %11.2fx\n", t, s, p / s / 1e6, r / 1024, s / f, s / c }'
done
echo "sinkmap_cpu peak RSS: $((${rss[sinkmap_cpu_small]} / 1024)) MiB at $((size / 2))^2," \
     "$((${rss[sinkmap_cpu]} / 1024)) MiB at ${size}^2 (4x the pixels)"
