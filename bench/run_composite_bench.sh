#!/usr/bin/env bash
# Medoid composite of N generated scenes (4 uint16 bands + a cloud mask each, SIZE x SIZE) with
# NDVI written, against what a user would write instead: a NumPy nanmedian over the same stack
# (GDAL reads, band by band) and NDVI, in the same run. Then the composite of 2N scenes, to show
# that peak memory stays flat as scenes are added (tiles shrink instead).
#   bench/run_composite_bench.sh [SIZE=4096] [N=24] [WORKDIR=bench-work] [DEVICE=cpu]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-4096}
n=${2:-24}
work=$(realpath -m "${3:-bench-work}")/composite
device=${4:-cpu}
py=${PYTHON:-/usr/bin/python3}
mkdir -p "$work"
make_list() {  # make_list COUNT LIST.csv
  echo "date,blue,green,red,nir,mask" > "$2"
  for ((k = 0; k < $1; k++)); do
    local scene=$work/scene_${size}_$k.tif
    [[ -f $scene ]] || build/bench/make_bench_scene "$scene" "$size" "$k"
    local day=$((k % 28 + 1)) month=$((k / 28 + 5))
    printf "2021-%02d-%02d,%s:1,%s:2,%s:3,%s:4,%s\n" "$month" "$day" "$scene" "$scene" "$scene" "$scene" \
      "${scene%.tif}_mask.tif" >> "$2"
  done
}
make_list "$n" "$work/list_$n.csv"
make_list $((2 * n)) "$work/list_$((2 * n)).csv"
co="--co COMPRESS=NONE --co PREDICTOR=1 --co BIGTIFF=YES"
run_composite() {  # run_composite COUNT
  cat "$work"/scene_"${size}"_*.tif > /dev/null
  /usr/bin/time -f "%e %M" -o "$work/t_composite_$1.txt" build/sinkmap composite \
    --scenes "$work/list_$1.csv" --clear 0 --scale 0.0001 --method medoid -i NDVI \
    --device "$device" --memory 256 $co --quiet -o "$work/composite_$1.tif"
  rm -f "$work/composite_$1.tif"
}
run_composite "$n"
cat "$work"/scene_"${size}"_*.tif > /dev/null
/usr/bin/time -f "%e %M" -o "$work/t_numpy.txt" "$py" bench/numpy_nanmedian.py "$work/list_$n.csv" "$work/numpy.tif"
rm -f "$work/numpy.tif"
run_composite $((2 * n))
read -r tc rc < "$work/t_composite_$n.txt"
read -r tn rn < "$work/t_numpy.txt"
read -r t2 r2 < "$work/t_composite_$((2 * n)).txt"
echo "composite of $n scenes of ${size}x${size} (4 bands + mask), device $device, $(nproc) cores"
awk -v tc="$tc" -v rc="$rc" -v tn="$tn" -v rn="$rn" -v t2="$t2" -v r2="$r2" -v p=$((size * size)) -v n="$n" 'BEGIN {
  printf "%-40s %8s %16s %9s\n", "run", "wall_s", "obs-pixels/s", "peak_MiB"
  printf "%-40s %8.2f %16.3g %9.0f\n", "sinkmap composite (medoid + NDVI)", tc, n * p / tc, rc / 1024
  printf "%-40s %8.2f %16.3g %9.0f\n", "NumPy nanmedian + NDVI (same stack)", tn, n * p / tn, rn / 1024
  printf "%-40s %8.2f %16.3g %9.0f\n", "sinkmap composite, 2N scenes", t2, 2 * n * p / t2, r2 / 1024
  printf "NumPy / sinkmap wall time = %.2fx; peak memory %d -> %d MiB when the scenes double\n", tn / tc, rc / 1024, r2 / 1024 }'
