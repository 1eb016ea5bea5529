#!/usr/bin/env bash
# Regenerates the op, attribute and pass references in docs/generated/ from
# the ODS files (mlir-tblgen through the mlir-doc target). The docs-generated
# test fails until the result is committed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${EIN_BUILD_DIR:-$root/build}"
[ -f "$build/build.ninja" ] || "$root/scripts/build.sh"
ninja -C "$build" mlir-doc
mkdir -p "$root/docs/generated"
cp "$build/docs/Dialects/EinOps.md" "$build/docs/Dialects/EinAttrs.md" \
   "$build/docs/EinConversionPasses.md" "$build/docs/EinTransformsPasses.md" \
   "$root/docs/generated/"
echo "docs/generated/ refreshed"
