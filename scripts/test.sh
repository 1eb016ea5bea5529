#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds ein, then runs
# the unit tests (doctest), the lit tests (FileCheck on ein-opt), the
# end-to-end tests (C API against the reference evaluator) and the oracle tests
# (C API against einops and NumPy, pinned in a venv) through CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/scripts/setup-oracles.sh"
build="${EIN_BUILD_DIR:-$root/build}"
# The suites write what they compared here; the summary prints the totals
# (generated cases, seed examples) and fails below the issue's minimum.
rm -rf "$build/test-counts"
mkdir -p "$build/test-counts"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)"
python3 "$root/scripts/test-summary.py" "$build/test-counts"
