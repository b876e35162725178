#!/usr/bin/env bash
# Composites of generated scenes (4 uint16 bands + a cloud mask each), in one run:
#  1. median of N scenes of SIZE x SIZE with NDVI, against its peer: NumPy nanmedian over the same
#     stack (GDAL reads, band by band) and NDVI, what a user would write instead. Same algorithm,
#     same masks, same outputs;
#  2. medoid of the same N scenes, and of N scenes of PEER_SIZE x PEER_SIZE against its peer: an
#     independent NumPy medoid (bench/numpy_medoid.py), with how far the two agree
#     (bench/compare_medoid.py: identical pixels, and exact ties among the others);
#  3. medoid of MANY scenes (200) of MANY_SIZE x MANY_SIZE under --memory 256: the stack
#     (MANY x 10 bytes a pixel) is larger than the budget, tiles shrink, and peak memory stays
#     within --memory above the process at rest (the composite of two 256 x 256 scenes: the same
#     libraries, drivers and PROJ database, and next to no tile memory).
#   bench/run_composite_bench.sh [SIZE=4096] [N=24] [WORKDIR=bench-work] [DEVICE=cpu] [MANY=200] [MANY_SIZE=1024]
#                                [PEER_SIZE=1024]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-4096}
n=${2:-24}
work=$(realpath -m "${3:-bench-work}")/composite
device=${4:-cpu}
many=${5:-200}
many_size=${6:-1024}
peer_size=${7:-1024}
memory=256
py=${PYTHON:-/usr/bin/python3}
mkdir -p "$work"
make_list() {  # make_list COUNT SIZE LIST.csv
  echo "date,blue,green,red,nir,mask" > "$3"
  for ((k = 0; k < $1; k++)); do
    local scene=$work/scene_${2}_$k.tif
    [[ -f $scene ]] || build/bench/make_bench_scene "$scene" "$2" "$k"
    local doy=$((121 + k))  # one scene a day from 1 May 2021
    printf "%s,%s:1,%s:2,%s:3,%s:4,%s\n" "$(date -u -d "2021-01-01 +$((doy - 1)) days" +%F)" \
      "$scene" "$scene" "$scene" "$scene" "${scene%.tif}_mask.tif" >> "$3"
  done
}
make_list "$n" "$size" "$work/list_$n.csv"
make_list "$many" "$many_size" "$work/list_many.csv"
make_list 2 256 "$work/list_rest.csv"
make_list "$n" "$peer_size" "$work/list_peer.csv"
co="--co COMPRESS=NONE --co PREDICTOR=1 --co BIGTIFF=YES"
run_composite() {  # run_composite NAME LIST METHOD [keep]
  cat "$work"/scene_*.tif > /dev/null  # every run starts from the page cache
  /usr/bin/time -f "%e %M" -o "$work/t_$1.txt" build/sinkmap composite --format GTiff \
    --scenes "$2" --clear 0 --scale 0.0001 --method "$3" -i NDVI \
    --device "$device" --memory $memory $co --quiet -o "$work/$1.tif"
  [[ ${4:-} == keep ]] || rm -f "$work/$1.tif"
}
run_composite median "$work/list_$n.csv" median
cat "$work"/scene_"${size}"_*.tif > /dev/null
/usr/bin/time -f "%e %M" -o "$work/t_numpy.txt" "$py" bench/numpy_nanmedian.py "$work/list_$n.csv" "$work/numpy.tif"
rm -f "$work/numpy.tif"
run_composite medoid "$work/list_$n.csv" medoid
run_composite medoid_peer "$work/list_peer.csv" medoid keep
cat "$work"/scene_*.tif > /dev/null
/usr/bin/time -f "%e %M" -o "$work/t_numpy_medoid.txt" "$py" bench/numpy_medoid.py "$work/list_peer.csv" "$work/numpy_medoid.tif"
agreement=$("$py" bench/compare_medoid.py "$work/list_peer.csv" "$work/medoid_peer.tif" "$work/numpy_medoid.tif")
rm -f "$work/medoid_peer.tif" "$work/numpy_medoid.tif"
run_composite many "$work/list_many.csv" medoid
run_composite rest "$work/list_rest.csv" medoid
read -r tm rm_ < "$work/t_median.txt"
read -r tn rn < "$work/t_numpy.txt"
read -r td rd < "$work/t_medoid.txt"
read -r ta ra < "$work/t_many.txt"
read -r tp rp < "$work/t_medoid_peer.txt"
read -r tq rq < "$work/t_numpy_medoid.txt"
read -r _ r0 < "$work/t_rest.txt"
echo "composites of generated scenes (4 uint16 bands + mask), device $device, $(nproc) cores, --memory $memory"
awk -v tp="$tp" -v rp="$rp" -v tq="$tq" -v rq="$rq" -v pp=$((peer_size * peer_size)) -v ps="$peer_size" \
    -v tm="$tm" -v rm_="$rm_" -v tn="$tn" -v rn="$rn" -v td="$td" -v rd="$rd" -v ta="$ta" -v ra="$ra" -v r0="$r0" \
    -v p=$((size * size)) -v n="$n" -v pm=$((many_size * many_size)) -v many="$many" -v size="$size" \
    -v ms="$many_size" -v memory="$memory" 'BEGIN {
  printf "%-48s %8s %16s %9s\n", "run", "wall_s", "obs-pixels/s", "peak_MiB"
  printf "%-48s %8.2f %16.3g %9.0f\n", sprintf("sinkmap median + NDVI, %d x %d^2", n, size), tm, n * p / tm, rm_ / 1024
  printf "%-48s %8.2f %16.3g %9.0f\n", sprintf("NumPy nanmedian + NDVI, %d x %d^2 (peer)", n, size), tn, n * p / tn, rn / 1024
  printf "%-48s %8.2f %16.3g %9.0f\n", sprintf("sinkmap medoid + NDVI, %d x %d^2", n, size), td, n * p / td, rd / 1024
  printf "%-48s %8.2f %16.3g %9.0f\n", sprintf("sinkmap medoid + NDVI, %d x %d^2", n, ps), tp, n * pp / tp, rp / 1024
  printf "%-48s %8.2f %16.3g %9.0f\n", sprintf("NumPy medoid + NDVI, %d x %d^2 (peer)", n, ps), tq, n * pp / tq, rq / 1024
  printf "%-48s %8.2f %16.3g %9.0f\n", sprintf("sinkmap medoid + NDVI, %d x %d^2", many, ms), ta, many * pm / ta, ra / 1024
  printf "median: NumPy nanmedian / sinkmap wall time = %.2fx, peak memory %.0f / %.0f MiB\n", tn / tm, rn / 1024, rm_ / 1024
  printf "medoid: NumPy medoid / sinkmap wall time = %.2fx, peak memory %.0f / %.0f MiB\n", tq / tp, rq / 1024, rp / 1024
  stack = many * pm * 10 / 1048576
  over = (ra - r0) / 1024
  printf "%d scenes (a %.0f MiB stack): peak %.0f MiB = %.0f MiB at rest + %.0f MiB, %s --memory %d\n", \
    many, stack, ra / 1024, r0 / 1024, over, over <= memory ? "within" : "ABOVE", memory }'
echo "$agreement"
