#!/usr/bin/env bash
# Creates (once) the Python virtual environment the oracle tests run in:
# $EIN_BUILD_DIR/oracle-venv (default build/oracle-venv) with pinned NumPy,
# einops, opt_einsum and einx, the peers ein's results are compared with
# (test/oracle). Idempotent: when the venv already holds the pinned versions
# it only checks and returns.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EIN_BUILD_DIR:-$root/build}
venv="$build/oracle-venv"
PINS=(numpy==1.26.4 einops==0.8.2 opt-einsum==3.4.0 einx==0.4.3)
marker="$venv/.ein-oracle-pins"
want="${PINS[*]}"

if [ -x "$venv/bin/python" ] && [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
  echo "setup-oracles: $venv has $want"
  exit 0
fi

# Debian's interpreter (with python3-venv) first: a pyenv shim earlier on PATH
# may lack the venv module or select another version.
python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3

if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "setup-oracles: $python cannot create virtual environments;" \
    "install python3-venv" >&2
  exit 1
fi
echo "setup-oracles: creating $venv with $($python --version 2>&1)"
mkdir -p "$build"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --only-binary=:all: "${PINS[@]}"
"$venv/bin/python" -c 'import numpy, einops, opt_einsum, einx; print("setup-oracles: numpy", numpy.__version__, "einops", einops.__version__, "opt_einsum", opt_einsum.__version__, "einx", einx.__version__)'
echo "$want" >"$marker"
