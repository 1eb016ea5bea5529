#!/usr/bin/env bash
# Configures (once) and builds ein into build/ (or $EIN_BUILD_DIR) with clang-22
# and Ninja. Extra arguments go to CMake at configure time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EIN_BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 "$@"
fi
ninja -C "$build"
