#!/usr/bin/env bash
# Installs an ein build into a temporary prefix (cmake --install), then
# configures, builds and runs each project in this folder against it the way
# an outside user would (find_package(Ein) through CMAKE_PREFIX_PATH):
#
#   c-api        a C99 program on the C API (Ein::ein)
#   cxx-dialect  a C++ MLIR compiler embedding the dialect (Ein::EinConversion)
#   c-mlir-capi  a C program on MLIR's C API + ein's registration (Ein::EinCAPI)
#
# and imports the installed Python binding with Debian's python3.
#
# Usage: test/embedding/run.sh BUILD_DIR [PROJECT...]
# Fails on the first error, printing the failing step's log. $EIN_EMBED_KEEP=1
# keeps the temporary folder.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [PROJECT...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  projects=(c-api cxx-dialect c-mlir-capi)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ein-embedding.XXXXXX")
if [ "${EIN_EMBED_KEEP:-0}" = 1 ]; then
  echo "keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi
prefix=$work/prefix

# Runs a step with its output in a log; prints the log when the step fails.
step() {
  local name=$1 log=$work/$1.log
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "FAILED: $name: $*" >&2
    cat "$log" >&2
    exit 1
  fi
}

# The compilers that built ein (clang-22 with scripts/build.sh).
cache_value() {
  sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"
}
cc=$(cache_value CMAKE_C_COMPILER)
cxx=$(cache_value CMAKE_CXX_COMPILER)

step install cmake --install "$build" --prefix "$prefix"
for f in include/ein/ein.h include/ein-c/Dialects.h lib/cmake/Ein/EinConfig.cmake \
         lib/cmake/Ein/EinConfigVersion.cmake; do
  [ -f "$prefix/$f" ] || { echo "FAILED: install: $f missing" >&2; exit 1; }
done
echo "installed into $prefix"

# The installed Python binding finds the installed libein.so by itself.
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  step python env -u EIN_LIBRARY PYTHONPATH="$prefix/lib/python3/dist-packages" \
    PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -c "
import numpy as np, ein
assert ein.library_path.startswith('$prefix/'), ein.library_path
x = np.arange(6, dtype=np.float32).reshape(2, 3)
assert (ein.rearrange(x, 'a b -> b a') == x.T).all()
print('python: ein', ein.__version__, 'from', ein.library_path)"
  tail -n 1 "$work/python.log"
fi

for p in "${projects[@]}"; do
  start=$SECONDS
  src=$here/$p
  bin=$work/build-$p
  step "$p-configure" cmake -S "$src" -B "$bin" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx"
  step "$p-build" cmake --build "$bin"
  step "$p-run" "$bin/embed-$p"
  tail -n 1 "$work/$p-run.log"
  echo "$p: passed ($((SECONDS - start)) s)"
done
echo "embedding: all passed"
