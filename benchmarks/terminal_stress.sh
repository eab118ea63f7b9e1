#!/usr/bin/env bash
# Issue 13's terminal case: `ntk4j predict` run under a pseudo-terminal (so stderr is a tty and the
# progress bar is active), n = 6000 training rows (d = 784), m = 1000 test rows, a 3-hidden-layer
# ReLU NTK, RUNS times. Counts JVM crashes (an exit code >= 128 or an hs_err file), runs that
# printed exception or error text, other failed exits, and runs without their complete output set
# (mean.npy, var.npy and run.json, the record written last). Exits 0 only when every run was clean.
#   benchmarks/terminal_stress.sh [runs (default 50)] [data-dir]
# data-dir holds x_train.npy (6000x784), y_train.npy (6000x1) and x_test.npy (1000x784); they are
# generated there with numpy when absent (the slow test TerminalStressTest writes them itself).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=${2:-$work/data}
mkdir -p "$data"
if [ ! -f "$data/x_train.npy" ]; then
  python3 - "$data" <<'PY'
import sys, numpy as np
d = sys.argv[1]; r = np.random.default_rng(13)
x = r.standard_normal((6000, 784)); xt = r.standard_normal((1000, 784))
np.save(d + '/x_train.npy', x); np.save(d + '/x_test.npy', xt)
np.save(d + '/y_train.npy', np.sin(x[:, :8].sum(axis=1, keepdims=True)))
PY
fi
command -v script >/dev/null || { echo "terminal_stress: needs script(1) (util-linux)" >&2; exit 2; }
layer='Dense(512,W_std=1.5,b_std=0.05)'
arch="$layer->Relu->$layer->Relu->$layer->Relu->Dense(1,W_std=1.5,b_std=0.05)"
crashes=0 exceptions=0 failed=0 missing=0
for i in $(seq 1 "$runs"); do
  run=$work/run$i
  mkdir -p "$run"
  cmd="cd '$run' && '$here/bin/ntk4j' predict --arch '$arch' --x-train '$data/x_train.npy' --y-train '$data/y_train.npy'"
  cmd+=" --x-test '$data/x_test.npy' --diag-reg 1e-4 --out '$run/out'"
  t0=$(date +%s.%N)
  set +e
  script -qec "$cmd" "$run/tty.log" </dev/null >/dev/null # -e: the command's exit code; the terminal's text in tty.log
  code=$?
  set -e
  secs=$(echo "$(date +%s.%N) - $t0" | bc)
  problems=""
  if [ "$code" -ge 128 ] || compgen -G "$run/hs_err_pid*" >/dev/null; then crashes=$((crashes + 1)); problems+=" crash"
  elif [ "$code" -ne 0 ]; then failed=$((failed + 1)); problems+=" exit-$code"; fi
  if grep -aqiE 'exception|error' "$run/tty.log"; then exceptions=$((exceptions + 1)); problems+=" exception-text"; fi
  if [ ! -s "$run/out/mean.npy" ] || [ ! -s "$run/out/var.npy" ] || [ ! -s "$run/out/run.json" ]; then missing=$((missing + 1)); problems+=" no-outputs"; fi
  printf 'run %d: exit %d, %.1f s%s\n' "$i" "$code" "$secs" "${problems:+ -- PROBLEM:$problems}"
  if [ -n "$problems" ]; then grep -aiE -m3 'exception|error' "$run/tty.log" | tr '\r' '\n' | grep -aiE 'exception|error' | head -3 | sed 's/^/    /' || true; fi
  rm -rf "$run/out"
done
echo "terminal stress: $runs runs, $crashes crashes, $exceptions with exception/error text, $failed other failed exits, $missing without outputs"
[ $((crashes + exceptions + failed + missing)) -eq 0 ]
