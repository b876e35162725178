#!/usr/bin/env bash
# All tests: installs what is missing, builds, runs CTest. GPU tests skip without a GPU; tests
# on ../shared/data skip where it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)"
