#!/usr/bin/env bash
# Target 3 (issue 5): peak RSS of `bin/ntk4j predict` at n = 20,000 (d = 64, m = 1000, NNGP posterior
# mean + per-point variance, 2-layer ReLU, exact solver) against the bytes that must coexist: the n x n
# train kernel (factored in place) and the m x n test-train kernel. Usage: benchmarks/memory_bench.sh [N] [M]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20000}; m=${2:-1000}; d=64
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
python3 - "$dir" "$n" "$m" "$d" <<'PY'
import sys, numpy as np
out, n, m, d = sys.argv[1], *map(int, sys.argv[2:])
r = np.random.default_rng(0)
x = r.standard_normal((n, d)); xt = r.standard_normal((m, d))
np.save(f"{out}/x.npy", x); np.save(f"{out}/xt.npy", xt)
np.save(f"{out}/y.npy", np.sin(x[:, :1]) + 0.1 * r.standard_normal((n, 1)))
PY
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v "$root/bin/ntk4j" predict --verbose \
  --arch 'Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)' \
  --x-train "$dir/x.npy" --y-train "$dir/y.npy" --x-test "$dir/xt.npy" --get nngp --diag-reg 1e-4 --cov diag --solver exact \
  --out "$dir/out" 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E '^timings|User time|System time|Elapsed|Maximum resident' "$dir/err"
rss=$(awk '/Maximum resident/ {print $NF * 1024}' "$dir/err")
python3 -c "
n, m, rss = $n, $m, $rss
req = 8 * (n * n + m * n)
print(f'required {req / 1e9:.3f} GB (n^2 + m*n float64), peak RSS {rss / 1e9:.3f} GB, ratio {rss / req:.3f} (goal <= 1.3)')"
