#!/usr/bin/env bash
# The one command for a GPU machine that has only the CUDA toolkit (no GDAL, no GoogleTest
# package, no network): builds the GDAL-free core for sm_90, checks that CUDA can use the GPU,
# runs every GPU test and the core unit tests, every GPU benchmark stage, and prints a summary
# table (tests passed and failed; H2D, kernel and D2H GB/s; the pipeline against the copy bound
# and the kernels against HBM bandwidth; GPU against the CPU executor of the same machine;
# GPU == CPU at benchmark scale).
#
#   scripts/gpu-check.sh [LOG_DIR] [SIZE=16384]
#
# LOG_DIR (default $OUT when set, else build-gpu/logs) receives the full logs: build.log,
# tests.log, bench.log, gpu_tests.json, unit_tests.json and summary.txt; the terminal gets only
# the step lines and the table, so the summary survives a 12k-character output limit.
# GoogleTest is built from sources: .gtest-src/ beside this checkout (cp -r /usr/src/googletest
# .gtest-src here; carry it to the device machine), else /usr/src/googletest, else a package.
# Without any, the tests are not built: the table says TESTS NOT RUN and the exit is non-zero.
# Every step has its own timeout (SINKMAP_STEP_TIMEOUT_SCALE=2 doubles them).
# Exit: 0 all ran and passed; 1 a step failed or timed out, or the tests did not run.
# SINKMAP_GPU_CHECK_NO_GPU=1 runs it on a machine without a GPU (a rehearsal: GPU tests skip and
# the benchmarks measure the CPU only), to test this script itself.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
log_dir=${1:-${OUT:-$root/build-gpu/logs}}
size=${2:-16384}
mkdir -p "$log_dir" || { echo "gpu-check: cannot create the log folder $log_dir"; exit 1; }
log_dir=$(cd "$log_dir" && pwd)
: >"$log_dir/build.log"
: >"$log_dir/tests.log"
: >"$log_dir/bench.log"
scale=${SINKMAP_STEP_TIMEOUT_SCALE:-1}
started=$(date +%s)
failures=()
steps=()

# run_step NAME SECONDS LOG COMMAND...: the command's output goes to LOG only; one line here.
run_step() {
  local name=$1 limit=$(($2 * scale)) log=$3
  shift 3
  local t0 rc
  t0=$(date +%s)
  echo "=== $name: $* (timeout ${limit}s)" >>"$log"
  timeout --kill-after=10 "$limit" "$@" >>"$log" 2>&1
  rc=$?
  local took=$(($(date +%s) - t0))
  if ((rc == 0)); then
    echo "--- $name: ok (${took}s)" | tee -a "$log"
    steps+=("$name|ok|${took}s")
  else
    local why="exit $rc"
    ((rc == 124 || rc == 137)) && why="TIMED OUT after ${limit}s"
    echo "--- $name: FAILED ($why, ${took}s; log: $(basename "$log"))" | tee -a "$log"
    steps+=("$name|FAILED ($why)|${took}s")
    failures+=("$name")
  fi
  return $rc
}

gtest_dir=""
if [[ -d .gtest-src ]]; then
  gtest_dir=$root/.gtest-src
elif [[ -d /usr/src/googletest ]]; then
  gtest_dir=/usr/src/googletest
fi
args=(-DSINKMAP_CORE_ONLY=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90)
[[ -n $gtest_dir ]] && args+=(-DSINKMAP_GTEST_SOURCE_DIR="$gtest_dir")
if [[ -z ${CUDACXX:-} ]]; then
  CUDACXX=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
  export CUDACXX
fi

echo "gpu-check: logs in $log_dir"
if ! run_step configure 120 "$log_dir/build.log" cmake -S . -B build-gpu "${args[@]}"; then
  tail -n 30 "$log_dir/build.log"
  exit 1
fi
targets=(cuda_probe gpu_stream_bench)
have_tests=0
# (captured first: grep -q closing the pipe early would fail cmake under pipefail)
build_targets=$(cmake --build build-gpu --target help 2>/dev/null)
if grep -q "gpu_tests" <<<"$build_targets"; then
  targets+=(gpu_tests unit_tests)
  have_tests=1
else
  echo "gpu-check: GoogleTest not found (no .gtest-src/, /usr/src/googletest or package): TESTS NOT RUN" |
    tee -a "$log_dir/build.log"
fi
if ! run_step build 420 "$log_dir/build.log" cmake --build build-gpu -j"$(nproc)" --target "${targets[@]}"; then
  grep -E "error|Error" "$log_dir/build.log" | head -n 20
  tail -n 20 "$log_dir/build.log"
  exit 1
fi

# A GPU that nvidia-smi lists but CUDA cannot use (driver older than the runtime, a busy or
# prohibited device) must fail here, loudly, not turn every GPU test into a skip.
{
  echo "=== device"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.memory --format=csv 2>&1
  nvcc --version 2>&1 | tail -n 2
} >>"$log_dir/bench.log"
if [[ ${SINKMAP_GPU_CHECK_NO_GPU:-0} == 1 ]]; then
  echo "gpu-check: SINKMAP_GPU_CHECK_NO_GPU=1: rehearsal without a GPU (GPU tests skip, CPU-only benchmarks)"
elif nvidia-smi -L 2>/dev/null | grep -q "^GPU "; then
  run_step "CUDA probe" 60 "$log_dir/bench.log" build-gpu/bench/cuda_probe || {
    tail -n 5 "$log_dir/bench.log"
    exit 1
  }
  export SINKMAP_REQUIRE_GPU=1
else
  echo "gpu-check: FAILED: nvidia-smi lists no GPU: nothing to check on this machine"
  exit 1
fi

if ((have_tests)); then
  run_step "GPU tests" 300 "$log_dir/tests.log" build-gpu/tests/gpu_tests --gtest_output="json:$log_dir/gpu_tests.json"
  run_step "unit tests" 300 "$log_dir/tests.log" build-gpu/tests/unit_tests --gtest_output="json:$log_dir/unit_tests.json"
fi
for stage in index carbon composite montecarlo; do
  run_step "benchmark $stage" 240 "$log_dir/bench.log" build-gpu/bench/gpu_stream_bench --stage "$stage" --size "$size"
done

# Last, where the toolkit has it: the GPU tests again under compute-sanitizer's memcheck (out of
# bounds and misaligned device accesses, leaks); slow, so after every figure is in.
if ((have_tests)) && [[ ${SINKMAP_GPU_CHECK_NO_GPU:-0} != 1 ]] && command -v compute-sanitizer >/dev/null; then
  run_step "GPU tests under compute-sanitizer" 180 "$log_dir/tests.log" \
    compute-sanitizer --tool memcheck --leak-check full --error-exitcode 99 build-gpu/tests/gpu_tests
fi

# --- The summary table ------------------------------------------------------------------------
{
  echo
  echo "## sinkmap gpu-check summary ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(($(date +%s) - started)) s)"
  grep -m1 "^device:" "$log_dir/bench.log" || echo "device: none"
  echo
  echo "| step | result | time |"
  echo "|---|---|---|"
  for s in "${steps[@]}"; do echo "| ${s//|/ | } |"; done
  echo
  if ((have_tests)); then
    python3 scripts/gpu_check_summary.py "$log_dir"
  else
    python3 scripts/gpu_check_summary.py "$log_dir" --no-tests
  fi
  echo
  if ((!have_tests)); then
    echo "gpu-check: TESTS NOT RUN (GoogleTest sources missing)"
  fi
  if ((${#failures[@]})); then
    echo "gpu-check: FAILED: ${failures[*]}"
  elif ((have_tests)); then
    echo "gpu-check: every step ran and passed"
  fi
} | tee "$log_dir/summary.txt"

((${#failures[@]} == 0 && have_tests)) || exit 1
exit 0
