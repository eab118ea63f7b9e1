#!/usr/bin/env bash
# Spark local mode at growing n: `ntk4j spark --master local[2]` on synthetic data with a known f
# (d = 16, f(x) = sin(Σx/√d), noise 0.1), 2-layer ReLU NTK, M centers, mean + variances at 1000 test
# points. Prints one markdown row per n: wall time, peak RSS of the JVM (driver and local executors are
# one process), test RMSE against f. Run it under nice; it takes minutes.
#
#   benchmarks/spark/local_scaling.sh [M [n1 n2 ...]]    (defaults: 1000 centers; 250000 500000 1000000)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
m=${1:-1000}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(250000 500000 1000000)
work=$(mktemp -d /tmp/ntk4j-spark-scaling.XXXXXX)
trap 'rm -rf "$work"' EXIT
max=0
for n in "${sizes[@]}"; do [ "$n" -gt "$max" ] && max=$n; done

python3 - "$work" "$max" "${sizes[@]}" <<'EOF'
import sys, numpy as np
work, nmax, sizes = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]
d = 16
r = np.random.default_rng(2026)
x = r.standard_normal((nmax, d))
f = lambda a: np.sin(a.sum(1) / np.sqrt(d))
y = f(x) + 0.1 * r.standard_normal(nmax)
xt = r.standard_normal((1000, d))
for n in sizes:
    np.save(f"{work}/x{n}.npy", x[:n]); np.save(f"{work}/y{n}.npy", y[:n, None])
np.save(f"{work}/xt.npy", xt); np.save(f"{work}/ft.npy", f(xt))
EOF

arch='Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)'
echo "| n | M | wall (s) | peak RSS (GiB) | test RMSE vs f | Spark's summary line |"
echo "|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  out="$work/out$n"
  /usr/bin/time -v -o "$work/time$n" "$root/bin/ntk4j" spark --master 'local[2]' --partitions 8 \
    --x-train "$work/x$n.npy" --y-train "$work/y$n.npy" --x-test "$work/xt.npy" --arch "$arch" \
    --diag-reg 1e-3 --centers "$m" --out "$out" >"$work/log$n" 2>&1 || { cat "$work/log$n" >&2; exit 2; }
  wall=$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$work/time$n" \
    | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s }')
  rss=$(sed -n 's/^\s*Maximum resident set size (kbytes): *//p' "$work/time$n" | awk '{printf "%.2f", $1/1048576}')
  rmse=$(python3 -c "import numpy as np; print(f'{np.sqrt(np.mean((np.load(\"$out/mean.npy\")[:,0]-np.load(\"$work/ft.npy\"))**2)):.4f}')")
  echo "| $n | $m | $wall | $rss | $rmse | $(grep '^spark:' "$work/log$n" | sed 's/ -> .*//') |"
done
