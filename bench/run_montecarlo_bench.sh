#!/usr/bin/env bash
# The Monte Carlo (IPCC Approach 2) against the deterministic passes on the same generated scene
# in the same run: a stock map with an imagery model carrying every kind of uncertainty
# (bench/models/bench_ndvi_linear_uncertain.json: joint coefficients, residuals, CF, R, SOC),
# then `sinkmap inventory` over two zones without and with --uncertainty N (grouped, the
# default), and with --uncertainty-mode exact (every pixel drawn, the reference) when EXACT=1
# (default: 1 up to 2048^2, where exact mode takes minutes, not hours, on 2 cores).
#   bench/run_montecarlo_bench.sh [SIZE=4096] [ITERATIONS=1000] [WORKDIR=bench-work] [DEVICE=cpu] [EXACT]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-4096}
iterations=${2:-1000}
work=$(realpath -m "${3:-bench-work}")
device=${4:-cpu}
exact=${5:-$((size <= 2048 ? 1 : 0))}
mkdir -p "$work"
scene=$work/scene_${size}.tif
[[ -f $scene ]] || build/bench/make_bench_scene "$scene" "$size"
ext=$((size * 10))
cat > "$work/zones_${size}.geojson" <<JSON
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32650"}},
 "features":[
  {"type":"Feature","properties":{"name":"west"},"geometry":{"type":"Polygon","coordinates":[[[500000,$((4100000 - ext))],[$((500000 + ext / 2)),$((4100000 - ext))],[$((500000 + ext / 2)),4100000],[500000,4100000],[500000,$((4100000 - ext))]]]}},
  {"type":"Feature","properties":{"name":"east"},"geometry":{"type":"Polygon","coordinates":[[[$((500000 + ext / 2)),$((4100000 - ext))],[$((500000 + ext)),$((4100000 - ext))],[$((500000 + ext)),4100000],[$((500000 + ext / 2)),4100000],[$((500000 + ext / 2)),$((4100000 - ext))]]]}}]}
JSON
zones=$work/zones_${size}.geojson
timed() { local out=$1; shift; /usr/bin/time -f "%e %M" -o "$out" "$@"; }
timed "$work/t_stock.txt" build/sinkmap stock --format GTiff "$scene" --band blue=1 --band green=2 --band red=3 --band nir=4 \
  -m bench/models/bench_ndvi_linear_uncertain.json --output-bands c_total,ecosystem_class,agb_input \
  --device "$device" --quiet -o "$work/mc_stock.tif"
timed "$work/t_inv.txt" build/sinkmap inventory "$work/mc_stock.tif" --zones "$zones" --zone-field name \
  --quiet -o "$work/mc_inv_det.csv"
timed "$work/t_mc.txt" build/sinkmap inventory "$work/mc_stock.tif" --zones "$zones" --zone-field name \
  --uncertainty "$iterations" --seed 1 --device "$device" --quiet -o "$work/mc_inv.csv"
if [[ $exact == 1 ]]; then
  timed "$work/t_exact.txt" build/sinkmap inventory "$work/mc_stock.tif" --zones "$zones" --zone-field name \
    --uncertainty "$iterations" --seed 1 --uncertainty-mode exact --device "$device" --quiet -o "$work/mc_inv_exact.csv"
fi
read -r ts rs < "$work/t_stock.txt"
read -r tv rv < "$work/t_inv.txt"
read -r tm rm < "$work/t_mc.txt"
echo "scene ${size}x${size}, ${iterations} iterations, device $device, $(nproc) cores"
awk -v ts="$ts" -v rs="$rs" -v tv="$tv" -v rv="$rv" -v tm="$tm" -v rm="$rm" -v p=$((size * size)) -v n="$iterations" 'BEGIN {
  printf "%-40s %8s %14s %9s\n", "pass", "wall_s", "rate", "peak_MiB"
  printf "%-40s %8.2f %10.1f Mpx/s %9.0f\n", "deterministic stock map", ts, p / ts / 1e6, rs / 1024
  printf "%-40s %8.2f %10.1f Mpx/s %9.0f\n", "deterministic inventory (2 zones)", tv, p / tv / 1e6, rv / 1024
  printf "%-40s %8.2f %8.3f Gpx-it/s %9.0f\n", "Monte Carlo inventory", tm, p * n / tm / 1e9, rm / 1024
  printf "Monte Carlo / deterministic stock pass = %.1fx wall time (%d iterations)\n", tm / ts, n }'
echo "zone,carbon_mgc,mean,sd,p2_5,p97_5 (grouped)"
grep -E '^(\*|west|east),\*' "$work/mc_inv.csv" | cut -d, -f1,5-9
if [[ $exact == 1 ]]; then
  read -r te re < "$work/t_exact.txt"
  awk -v te="$te" -v re="$re" -v tm="$tm" -v p=$((size * size)) -v n="$iterations" 'BEGIN {
    printf "%-40s %8.2f %8.3f Gpx-it/s %9.0f\n", "Monte Carlo inventory, exact mode", te, p * n / te / 1e9, re / 1024
    printf "exact / grouped = %.1fx wall time\n", te / tm }'
  echo "zone,carbon_mgc,mean,sd,p2_5,p97_5 (exact)"
  grep -E '^(\*|west|east),\*' "$work/mc_inv_exact.csv" | cut -d, -f1,5-9
  # The peer: an independent per-pixel Monte Carlo in NumPy (its own draws: statistically,
  # not digit for digit, equal), whole map only.
  if peer=$(/usr/bin/python3 bench/numpy_montecarlo.py "$work/mc_stock.tif" bench/models/bench_ndvi_linear_uncertain.json \
              "$iterations" 1 2>"$work/numpy_mc.err"); then
    IFS=, read -r pm psd p25 p975 pdet psec ppeak <<< "$peer"
    printf "%-40s %8.2f %8.3f Gpx-it/s %9.0f\n" "NumPy per-pixel Monte Carlo (peer)" "$psec" \
      "$(awk -v t="$psec" -v p=$((size * size)) -v n="$iterations" 'BEGIN { print p * n / t / 1e9 }')" "$ppeak"
    awk -v t="$psec" -v tm="$tm" 'BEGIN { printf "NumPy / grouped = %.1fx wall time\n", t / tm }'
    echo "*,$pdet,$pm,$psd,$p25,$p975 (NumPy)"
  else
    echo "NumPy per-pixel Monte Carlo (peer): FAILED: $(tail -1 "$work/numpy_mc.err")"
  fi
fi
