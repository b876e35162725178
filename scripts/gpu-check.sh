#!/usr/bin/env bash
# On a device machine (only the CUDA toolkit, no GDAL): build the GDAL-free core, check that CUDA
# can use the GPU, then run every GPU test and every GPU benchmark in one call, collecting
# failures instead of stopping at the first. GoogleTest comes from a package, or from sources
# carried in .gtest-src/ (here: cp -r /usr/src/googletest .gtest-src); without either, the
# benchmarks still build and run.
#   scripts/gpu-check.sh [SIZE=16384]
set -uo pipefail
cd "$(dirname "$0")/.."
size=${1:-16384}
failures=()
run_step() {
  local name=$1
  shift
  echo
  echo "=== $name: $*"
  "$@"
  local rc=$?
  if ((rc == 0)); then echo "--- $name: ok"; else echo "--- $name: FAILED (exit $rc)"; failures+=("$name"); fi
}

args=(-DSINKMAP_CORE_ONLY=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90)
if [[ -d .gtest-src ]]; then
  args+=(-DSINKMAP_GTEST_SOURCE_DIR="$(pwd)/.gtest-src")
elif [[ -d /usr/src/googletest ]]; then
  args+=(-DSINKMAP_GTEST_SOURCE_DIR=/usr/src/googletest)
fi
export CUDACXX=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
cmake -S . -B build-gpu "${args[@]}" || { echo "gpu-check: configure failed"; exit 1; }
targets=(cuda_probe gpu_stream_bench)
have_tests=0
if grep -q "^gpu_tests" <(cmake --build build-gpu --target help 2>/dev/null | sed 's/^\.\.\. //'); then
  targets+=(gpu_tests unit_tests)
  have_tests=1
else
  echo "gpu-check: GoogleTest not found, building and running the benchmarks only"
fi
cmake --build build-gpu -j"$(nproc)" --target "${targets[@]}" || { echo "gpu-check: build failed"; exit 1; }

# A GPU that nvidia-smi lists but CUDA cannot use (driver older than the runtime, a busy or
# prohibited device) must fail here, loudly, not turn every GPU test into a skip.
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory --format=csv || true
if nvidia-smi -L 2>/dev/null | grep -q "^GPU "; then
  build-gpu/bench/cuda_probe || { echo "gpu-check: FAILED: nvidia-smi lists a GPU that CUDA cannot use"; exit 1; }
else
  echo "gpu-check: nvidia-smi lists no GPU: nothing to check on this machine"
  exit 1
fi
export SINKMAP_REQUIRE_GPU=1

if ((have_tests)); then
  run_step "GPU tests" build-gpu/tests/gpu_tests
  run_step "unit tests" build-gpu/tests/unit_tests
fi
for stage in index carbon composite montecarlo; do
  run_step "benchmark $stage" build-gpu/bench/gpu_stream_bench --stage "$stage" --size "$size"
done

echo
if ((${#failures[@]})); then
  echo "gpu-check: FAILED: ${failures[*]}"
  exit 1
fi
echo "gpu-check: all GPU tests and benchmarks passed"
