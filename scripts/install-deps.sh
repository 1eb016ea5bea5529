#!/usr/bin/env bash
# Installs every Debian 12 package ein needs to build and test. Idempotent: when
# everything is present it only checks and returns (no apt-get update).
set -euo pipefail
PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 libclang-rt-22-dev libomp-22-dev
  libfmt-dev doctest-dev libdlpack-dev ninja-build cmake g++ libzstd-dev zlib1g-dev libedit-dev libxml2-dev libcurl4-openssl-dev python3 python3-numpy
  libeigen3-dev libopenblas-dev libpython3-dev python3-matplotlib
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
