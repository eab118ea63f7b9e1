#!/usr/bin/env bash
# Issue 8: Nyström NTK regression at scale (d=16, 2-layer ReLU, synthetic known function, sigma=0.1,
# lambda = sigma^2 absolute, 1000 test points with variances), one JVM per size, peak memory from
# /usr/bin/time -v, error vs the exact solver on a subsample; time-vs-n plot.
#   benchmarks/scale/run.sh [M] [SUB] [GET] [SIZES...]
#   default: M=2000 SUB=20000 GET=ntk SIZES="125000 250000 500000 1000000"
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$here"
M=${1:-2000}; SUB=${2:-20000}; GET=${3:-ntk}; shift $(( $# > 3 ? 3 : $# ))
SIZES=${*:-125000 250000 500000 1000000}
out=${OUT:-benchmarks/results/scale-$(date +%F)}
mkdir -p "$out"
source bin/find-jdk.sh
cp=$(benchmarks/bench.sh --classpath)
echo "# $(nproc) CPUs, $(free -g | awk '/Mem:/{print $2}') GiB RAM; M=$M sub=$SUB get=$GET sizes: $SIZES" | tee "$out/log.txt"
rm -f "$out/times.csv"
first=1
for n in $SIZES; do
  sub=0; [ "$first" = 1 ] && sub=$SUB   # the exact comparison once (it does not depend on n)
  first=0
  /usr/bin/time -v "$NTK4J_JAVA_HOME/bin/java" $NTK4J_JVM_FLAGS -Xmx${XMX:-12g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$cp" org.ntk4j.bench.ScaleBenchmark run "$n" "$M" "$sub" "$GET" "$out/times.csv" 2> "$out/time-$n.txt" | tee -a "$out/log.txt"
  grep -E "Maximum resident|Elapsed" "$out/time-$n.txt" | sed "s/^/n=$n: /" | tee -a "$out/log.txt"
done
"$NTK4J_JAVA_HOME/bin/java" $NTK4J_JVM_FLAGS -cp "$cp" org.ntk4j.bench.ScaleBenchmark plot "$out/times.csv" "$out/time-vs-n.png"
echo "wrote $out/times.csv, $out/time-vs-n.png, $out/log.txt"
