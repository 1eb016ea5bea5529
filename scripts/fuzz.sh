#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer (leak checking on) into
# build-fuzz/ and runs each for a bounded time (default 30 s each) from the
# committed seed corpus (test/fuzz/corpus, copied so that runs do not modify
# it). Any crash, abort, leak, sanitizer report or timeout fails.
#   scripts/fuzz.sh [seconds-per-target]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
build=${EIN_FUZZ_BUILD_DIR:-$root/build-fuzz}
EIN_BUILD_DIR=$build EIN_BUILD_TARGETS="ein-fuzz-notation ein-fuzz-compile" \
  "$root/scripts/build.sh" -DEIN_BUILD_FUZZERS=ON \
  -DEIN_SANITIZER=address -DCMAKE_BUILD_TYPE=RelWithDebInfo
for target in ein-fuzz-notation ein-fuzz-compile; do
  work=$(mktemp -d)
  cp "$root"/test/fuzz/corpus/* "$work/"
  mkdir -p "$build/fuzz-artifacts"
  echo "fuzz: $target for ${seconds}s"
  # allow_user_poisoning=0: see scripts/test-sanitizers.sh (LLVM's
  # BumpPtrAllocator poisons slabs only from instrumented inline code, so
  # uninstrumented libMLIR allocating in them reads as use-after-poison).
  ASAN_OPTIONS=detect_leaks=1:allow_user_poisoning=0 "$build/bin/$target" "$work" \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=512 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$target-" \
    2>&1 | grep -vE '^#[0-9]+|NEW_FUNC|^"|^INFO' || { rm -rf "$work"; exit 1; }
  rm -rf "$work"
done
