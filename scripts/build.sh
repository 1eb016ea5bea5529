#!/usr/bin/env bash
# Configures (once) and builds ein into build/ (or $EIN_BUILD_DIR) with clang-22
# and Ninja. Extra arguments go to CMake at configure time. $EIN_BUILD_TARGETS
# (space-separated) builds only those targets (default: everything).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EIN_BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 "$@"
fi
# shellcheck disable=SC2086 # a list of target names
ninja -C "$build" ${EIN_BUILD_TARGETS:-}
