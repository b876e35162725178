#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what is missing, build, and run the main
# job on the bundled Landsat 8 sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/run-sample.sh
