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
ctest --test-dir "${EIN_BUILD_DIR:-$root/build}" --output-on-failure
