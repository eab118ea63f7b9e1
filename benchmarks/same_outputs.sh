#!/usr/bin/env bash
# Checks that a refactor changed no number: runs the same `predict` requests on two checkouts (each
# with its own bin/ntk4j build) and compares every output file byte for byte. Covers the t = inf
# posterior (nngp, ntk, ntkgp x diag, full, none x exact, cg, nystrom), the ensemble at a finite time,
# and one linearized network, on a small seeded problem (n = 300, m = 40, d = 8, 2-layer ReLU, CPU).
#   benchmarks/same_outputs.sh OLD_CHECKOUT NEW_CHECKOUT
set -euo pipefail
old=$1 new=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import sys, numpy as np
t = sys.argv[1]; r = np.random.default_rng(11)
x = r.standard_normal((300, 8)); xt = r.standard_normal((40, 8))
y = np.sin(x[:, :2]).sum(1, keepdims=True) + 0.1 * r.standard_normal((300, 1))
for n, a in (('x', x), ('y', y), ('xt', xt), ('f0', 0.1 * r.standard_normal((300, 1))), ('g0', 0.1 * r.standard_normal((40, 1)))):
    np.save('%s/%s.npy' % (t, n), a)
PY
arch='Dense(256,W_std=1.5,b_std=0.1)->Relu->Dense(256,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)'
cases=()
for get in nngp ntk ntkgp; do
  for cov in diag full none; do
    for solver in exact cg nystrom; do cases+=("--get $get --cov $cov --solver $solver --diag-reg 1e-3"); done
  done
done
cases+=("--get ntk --time 2 --cov diag --diag-reg 1e-3" "--get nngp --time 0.5 --cov full"
        "--get ntk --fx-train-0 $work/f0.npy --fx-test-0 $work/g0.npy --time 3" "--get ntk --cov diag")
differ=0
for i in "${!cases[@]}"; do
  for side in old new; do
    root=$([ "$side" = old ] && echo "$old" || echo "$new")
    # shellcheck disable=SC2086
    "$root/bin/ntk4j" predict --arch "$arch" --x-train "$work/x.npy" --y-train "$work/y.npy" --x-test "$work/xt.npy" \
      --device cpu ${cases[$i]} --out "$work/$side-$i" >/dev/null 2>"$work/$side-$i.err" || { cat "$work/$side-$i.err" >&2; exit 1; }
  done
  for f in "$work/old-$i"/*.npy; do
    if ! cmp -s "$f" "$work/new-$i/$(basename "$f")"; then
      echo "DIFFERS: ${cases[$i]} $(basename "$f")"; differ=1
    fi
  done
done
[ "$differ" = 0 ] && echo "all ${#cases[@]} requests: outputs byte-identical"
exit "$differ"
