#!/usr/bin/env bash
# Runs the native kernels in the host emulator (no GPU needed) against naive references, and
# the dual maps against the numpy reference ntref.py. Usage: native/emu/run-tests.sh [NTREF_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ntref=${1:-$here/../../src/test/python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g++ -std=c++20 -O1 -DNTK_EMU -I "$here/.." -x c++ "$here/test_kernels.cpp" -o "$tmp/test_kernels" -lpthread
"$tmp/test_kernels" "$tmp/samples.txt"
python3 "$here/check_activations.py" "$tmp/samples.txt" "$ntref"
