#!/usr/bin/env bash
# ntk4j GPU device check, for the GPU machine (no JDK, no Maven, no network; Python with numpy,
# scipy and PyTorch). Needs the bundle made by benchmarks/gpu/prepare.sh (a jlink runtime, the jar
# with its fatbins, runtime jars without ND4J, ntref.py) in BUNDLE (default: .devbundle).
#   benchmarks/gpu/device-check.sh RESULTS_DIR [--smoke]
# About 7 minutes (--smoke: under 2): correctness of every activation, the Gram, Cholesky, mean and
# variance in float64/float32 against numpy; timings at n = 5k..40k against PyTorch and numpy/scipy.
# Prints the table last and writes RESULTS_DIR/table.md and RESULTS_DIR/check.log.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
results=${1:?usage: device-check.sh RESULTS_DIR [--smoke]}
shift
# The bundle: $BUNDLE, else the folder this script was copied into by prepare.sh, else <repo>/.devbundle.
if [[ -n ${BUNDLE:-} ]]; then bundle=$BUNDLE
elif [[ -x $here/../jre/bin/java ]]; then bundle=$(cd "$here/.." && pwd)
else bundle=$here/../../.devbundle; fi
mkdir -p "$results"
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)}
if [[ ! -x $bundle/jre/bin/java ]]; then
  echo "device-check: no bundle at $bundle (run benchmarks/gpu/prepare.sh on the build machine)" | tee "$results/table.md"
  exit 1
fi
timeout 560 python3 "$here/check.py" "$results" "$bundle" "$@"
rc=$?
[[ $rc -eq 124 ]] && echo "device-check: stopped at the 560 s limit" | tee -a "$results/table.md"
exit $rc
