#!/usr/bin/env bash
# All tests: installs what is missing, builds, runs CTest; then the same suite built with
# AddressSanitizer and UndefinedBehaviorSanitizer (clang), and every parser's fuzz target
# replaying its corpus and mutating it for a fixed number of runs. GPU tests skip without a
# GPU; tests on ../shared/data skip where it is absent. SINKMAP_SKIP_SANITIZE=1 skips the second
# build (quick local runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
python3 scripts/check-architecture.py  # layers of docs/architecture.md: no upward include, no cycle
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)")
if [[ "${SINKMAP_SKIP_SANITIZE:-0}" != 1 ]]; then
  CC=clang CXX=clang++ cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DSINKMAP_ENABLE_CUDA=OFF -DSINKMAP_BUILD_BENCH=OFF -DSINKMAP_SANITIZE=ON -DSINKMAP_BUILD_FUZZ=ON \
    -DSINKMAP_PYTHON=OFF  # an ASan module cannot load into the plain interpreter
  cmake --build build-sanitize -j"$(nproc)"
  (cd build-sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j"$(nproc)")
fi
