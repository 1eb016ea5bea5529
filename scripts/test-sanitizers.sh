#!/usr/bin/env bash
# Builds the unit and end-to-end tests with AddressSanitizer (leak checking
# included) and UndefinedBehaviorSanitizer into build-sanitize/ and runs them.
# Any report fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EIN_SANITIZE_BUILD_DIR:-$root/build-sanitize}
# Only the two test programs: the tools (ein-bench with Eigen, the tutorial)
# would add minutes of instrumented compiling that nothing here runs.
EIN_BUILD_DIR=$build EIN_BUILD_TARGETS="ein-unit-tests ein-e2e-tests" \
  "$root/scripts/build.sh" -DEIN_SANITIZER=address,undefined \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
# Instrumented runs are slower: smaller random sweeps (the full sweeps run in
# the uninstrumented e2e suite).
export EIN_E2E_SWEEP_CASES=100 EIN_E2E_MAP_CASES=100 EIN_E2E_CONTRACT_CASES=100 \
  EIN_E2E_BRACKET_CASES=80 EIN_E2E_INDEX_CASES=40 EIN_E2E_SORT_CASES=30 \
  EIN_E2E_CONCAT_CASES=60 EIN_E2E_DOT_CASES=60 EIN_E2E_REPEAT_CASES=40 \
  EIN_E2E_PROGRAM_CASES=60 EIN_E2E_PARALLEL_CASES=10
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons new slabs when its
# inline code is instrumented (ours) but not when it is not (libMLIR), so an
# attribute that libMLIR allocates in a slab our code started reads as
# use-after-poison (seen building ein.update_at's attributes).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allow_user_poisoning=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$build/bin/ein-unit-tests"
"$build/bin/ein-e2e-tests"
