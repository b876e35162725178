#!/usr/bin/env bash
# On a machine with only the CUDA toolkit (the `device` machines): build the GDAL-free core, run
# the GPU tests and the GPU streaming benchmark. GoogleTest is built from sources carried in
# .gtest-src/ when no package is installed (here: cp -r /usr/src/googletest .gtest-src).
set -euo pipefail
cd "$(dirname "$0")/.."
args=(-DSINKMAP_CORE_ONLY=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90)
[[ -d .gtest-src ]] && args+=(-DSINKMAP_GTEST_SOURCE_DIR="$(pwd)/.gtest-src")
export CUDACXX=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
cmake -S . -B build-gpu "${args[@]}"
cmake --build build-gpu -j"$(nproc)" --target gpu_tests unit_tests gpu_stream_bench
nvidia-smi --query-gpu=name,memory.total,clocks.max.memory --format=csv || true
build-gpu/tests/gpu_tests
build-gpu/tests/unit_tests
build-gpu/bench/gpu_stream_bench "${1:-16384}"
