#!/usr/bin/env bash
# Side-by-side kernel benchmark (issue 2/5): NNGP + NTK of a 3-hidden-layer ReLU network
# [Dense(512,1.5,0.1) -> Relu] x 3 -> Dense(1,1.5,0.1), x2 = x1, float64, end to end:
#   ntk4j:  bin/ntk4j kernel ... --out DIR   (JVM start, .npy read and write included)
#   numpy:  benchmarks/kernel_numpy.py --x X.npy --out DIR (same recursion, same files)
# Usage: benchmarks/kernel_bench.sh [n=4000] [d=784] [reps=3]. Prints the best time of each, the
# ratio, and the max relative difference between the two results. Needs python3 with numpy.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${1:-4000}; d=${2:-784}; reps=${3:-3}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 -c "import numpy as np; np.save('$tmp/x.npy', np.random.default_rng(0).standard_normal(($n, $d)))"
arch='Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)'
"$root/bin/ntk4j" kernel --arch "$arch" --x1 "$tmp/x.npy" --out "$tmp/j" >/dev/null  # build + warm the page cache
best() { sort -g | head -1; }
tj=$(for r in $(seq "$reps"); do
  s=$(date +%s.%N); "$root/bin/ntk4j" kernel --arch "$arch" --x1 "$tmp/x.npy" --out "$tmp/j" >/dev/null
  echo "$(date +%s.%N) - $s" | bc; done | best)
tn=$(for r in $(seq "$reps"); do
  s=$(date +%s.%N); python3 "$root/benchmarks/kernel_numpy.py" --x "$tmp/x.npy" --depth 3 --out "$tmp/n" >/dev/null
  echo "$(date +%s.%N) - $s" | bc; done | best)
diff=$(python3 -c "
import numpy as np
m = 0
for f in ('nngp', 'ntk', 'cov1'):
    a, b = np.load('$tmp/j/%s.npy' % f), np.load('$tmp/n/%s.npy' % f)
    m = max(m, np.abs(a - b).max() / np.abs(b).max())
print('%.1e' % m)")
printf 'kernel n=%s d=%s depth 3 ReLU NNGP+NTK float64, end to end, best of %s (load %s)\n' "$n" "$d" "$reps" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  ntk4j  %7.3f s\n  numpy  %7.3f s\n  ratio  %7.3f (ntk4j / numpy)   max relative difference %s\n' "$tj" "$tn" "$(echo "$tj / $tn" | bc -l)" "$diff"
