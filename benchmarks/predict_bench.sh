#!/usr/bin/env bash
# Exact NNGP prediction (mean + variances), n=4000 train, m=1000 test, d=64: numpy/scipy and ntk4j
# in the same run on the same data, then dpotrf n=4000 alone in both.
#   benchmarks/predict_bench.sh [repeats]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
repeats=${1:-3}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
source bin/find-jdk.sh
echo "# machine: $(nproc) CPUs; $(python3 -c 'import numpy, scipy; print("numpy", numpy.__version__, "scipy", scipy.__version__)')"
python3 benchmarks/predict_numpy.py --n 4000 --m 1000 --d 64 --repeats "$repeats" --data "$data"
python3 - "$repeats" <<'PY'
import sys, time, numpy as np, scipy.linalg
n = 4000; reps = int(sys.argv[1])
r = np.random.default_rng(1); g = r.standard_normal((n, n)); a = np.asfortranarray(g @ g.T / n + np.eye(n))
def best(f):
  ts = []
  for _ in range(reps):
    b = a.copy(order='F')              # pre-touched input, not timed
    t0 = time.perf_counter(); f(b); ts.append(time.perf_counter() - t0)
  return min(ts)
inplace = best(lambda b: scipy.linalg.cholesky(b, lower=True, overwrite_a=True, check_finite=False))
copying = best(lambda b: scipy.linalg.cholesky(b, lower=True, check_finite=False))
print('numpy potrf n=%d: scipy.linalg.cholesky in place (overwrite_a) best %.3f s; with its input copy best %.3f s' % (n, inplace, copying))
PY
BENCH_JAVA_OPTS=-Xmx8g benchmarks/bench.sh org.ntk4j.bench.PredictBenchmark "$data" "$repeats"
