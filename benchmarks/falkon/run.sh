#!/usr/bin/env bash
# Issue 17: Falkon at scale on one machine — the scale benchmark's data (benchmarks/scale/run.sh:
# d=16, 2-layer ReLU, known f, sigma=0.1, lambda = sigma^2 absolute, 1000 test points), Falkon's mean
# at each M against the exact solver on the first SUB points (and NYSTROM's direct solve where M is
# small enough), one JVM, peak memory from /usr/bin/time -v.
#   benchmarks/falkon/run.sh N SUB GET TOL MAXIT VAR M...
#   the issue's target:  benchmarks/falkon/run.sh 1000000 20000 ntk 1e-3 0 0 10000
#   reduced (committed): benchmarks/falkon/run.sh 100000 20000 ntk 1e-3 0 1 2000 5000
# Env: OUT (folder, default benchmarks/results/falkon-DATE), CSV (file name in it, default results.csv),
#      XMX (default 16g), NICE (default 10).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$here"
[ $# -ge 7 ] || { echo "usage: benchmarks/falkon/run.sh N SUB GET TOL MAXIT VAR M..." >&2; exit 2; }
N=$1; SUB=$2; GET=$3; TOL=$4; MAXIT=$5; VAR=$6; shift 6
out=${OUT:-benchmarks/results/falkon-$(date +%F)}
mkdir -p "$out"
source bin/find-jdk.sh
cp=$(benchmarks/bench.sh --classpath)
echo "# $(nproc) CPUs, $(free -g | awk '/Mem:/{print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg); n=$N sub=$SUB get=$GET tol=$TOL maxit=$MAXIT var=$VAR M: $*" | tee -a "$out/log.txt"
nice -n "${NICE:-10}" /usr/bin/time -v "$NTK4J_JAVA_HOME/bin/java" $NTK4J_JVM_FLAGS -Xmx${XMX:-16g} \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.ntk4j.bench.FalkonBenchmark run \
  "$N" "$SUB" "$GET" "$TOL" "$MAXIT" "$VAR" "$out/${CSV:-results.csv}" "$@" 2> "$out/time-$N.txt" | tee -a "$out/log.txt"
grep -E "Maximum resident|Elapsed" "$out/time-$N.txt" | sed "s/^/n=$N: /" | tee -a "$out/log.txt"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/log.txt"
