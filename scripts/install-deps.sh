#!/usr/bin/env bash
# Installs what sinkmap needs on Debian 12 (apt-get), only the packages that are missing.
# Build: cmake, g++, GDAL, OpenCV, HDF5, CLI11, nlohmann-json, toml++, fmt, TBB, OpenSSL (SHA-256
# of model files), GoogleTest; clang with its sanitizer and libFuzzer runtimes for the sanitizer
# build of the tests (scripts/test.sh); pybind11 and pytest for the Python module (python/).
# Benchmark peers: gdal-bin (gdal_translate), python3-gdal (gdal_calc.py), otb-bin (OTB).
# The CUDA toolkit (nvcc) is used when present; it is not installed from here.
set -euo pipefail

packages=(cmake make g++ pkg-config
          libgdal-dev gdal-bin libopencv-dev libhdf5-dev
          libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libfmt-dev libtbb-dev libssl-dev
          libgtest-dev clang libclang-rt-14-dev
          python3-numpy   # the NumPy oracles of the parity tests (InVEST Coastal Blue Carbon)
          pybind11-dev python3-dev python3-pytest python3-gdal  # the Python module and its tests
          python3-xarray python3-netcdf4                        # sinkmap.open_cube (tested)
          fonts-noto-cjk chromium)  # Chinese report.html (lang = "zh") and its headless-Chromium render test
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-gdal python3-numpy otb-bin time)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
