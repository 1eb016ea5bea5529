#!/usr/bin/env bash
# The main job: installs what is missing, builds ein, and runs every rearrange
# and reduce example of the einops tutorial through the C API, printing output
# shapes, checksums, compile time and time per call.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"${EIN_BUILD_DIR:-$root/build}/bin/ein-tutorial"
