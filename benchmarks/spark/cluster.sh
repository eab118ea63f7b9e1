#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, bound to 127.0.0.1 only: one master and two workers
# (separate JVMs, started from Spark's own jars in target/spark-lib), `ntk4j spark --master spark://...`
# submitted to it (the driver ships ntk4j's jar and target/lib to the executors), its mean.npy/var.npy
# compared with `ntk4j predict --solver nystrom` on the same centers (means to 1e-8 relative, variances
# to 1e-6), and everything stopped again (trap; every wait bounded). Prints time and peak RSS per process.
#
#   benchmarks/spark/cluster.sh [N [M [D]]]     (defaults: 4000 training rows, 200 centers, 8 inputs)
#
# Needs the packaged build (bin/mvn21 -DskipTests package: target/ntk4j.jar, target/lib, target/spark-lib)
# and python3 with numpy (data and comparison). Exit 0 when the numbers agree, 1 when not, 2 on a failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/bin/find-jdk.sh"
n=${1:-4000} m=${2:-200} d=${3:-8}
java="$NTK4J_JAVA_HOME/bin/java"
for f in "$root/target/ntk4j.jar" "$root/target/lib" "$root/target/spark-lib"; do
  [ -e "$f" ] || { echo "cluster.sh: $f missing; run bin/mvn21 -DskipTests package" >&2; exit 2; }
done

work=$(mktemp -d /tmp/ntk4j-cluster.XXXXXX)
pids=()
stop_all() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # bounded: 20 s for a clean exit, then SIGKILL
  for _ in $(seq 1 40); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.5
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 2' INT TERM

# Spark's launcher code (which the worker uses to start executors) wants a SPARK_HOME with jars/ and a
# RELEASE file. The jars: target/spark-lib (Spark's) and target/lib, which holds the libraries Spark shares
# with ntk4j (Jackson, SLF4J with the slf4j-simple binding, commons-*); ntk4j's own jar is not among them,
# the driver ships it as a real cluster would get it.
home="$work/spark-home"
mkdir -p "$home/jars" "$home/conf"
touch "$home/RELEASE"
ln -s "$root"/target/spark-lib/*.jar "$home/jars/"
ln -sf "$root"/target/lib/*.jar "$home/jars/"
export SPARK_HOME=$home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_CONF_DIR=$home/conf
opens="--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
jvm="$NTK4J_JVM_FLAGS $opens -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
master="spark://127.0.0.1:$port"

wait_for() { # wait_for FILE PATTERN COUNT SECONDS: until FILE has COUNT lines matching PATTERN
  local i p
  for i in $(seq 1 $((2 * $4))); do
    [ "$(grep -c -- "$2" "$1" 2>/dev/null || true)" -ge "$3" ] && return 0
    for p in "${pids[@]}"; do
      kill -0 "$p" 2>/dev/null || { echo "cluster.sh: process $p exited; $1:" >&2; tail -20 "$1" >&2; exit 2; }
    done
    sleep 0.5
  done
  echo "cluster.sh: timed out after $4 s waiting for '$2' in $1:" >&2
  tail -20 "$1" >&2
  exit 2
}

t0=$(date +%s.%N)
# shellcheck disable=SC2086
"$java" $jvm -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port 0 >"$work/master.log" 2>&1 &
pids+=($!)
wait_for "$work/master.log" "I have been elected leader" 1 90
for w in 1 2; do
  # shellcheck disable=SC2086
  "$java" $jvm -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --webui-port 0 --cores 1 --memory 3g --work-dir "$work/worker$w" "$master" \
    >"$work/worker$w.log" 2>&1 &
  pids+=($!)
done
wait_for "$work/master.log" "Registering worker" 2 90
t1=$(date +%s.%N)
echo "cluster: master $master and 2 workers (1 core, 3 GiB each) up in $(python3 -c "print(f'{$t1-$t0:.1f}')") s"

cd "$work"
python3 - "$n" "$m" "$d" <<'EOF'
import sys, numpy as np
n, m, d = map(int, sys.argv[1:4])
r = np.random.default_rng(17)
x = r.standard_normal((n, d)); f = np.sin(x.sum(1) / np.sqrt(d))
np.save("x.npy", x); np.save("y.npy", (f + 0.1 * r.standard_normal(n))[:, None])
np.save("xt.npy", r.standard_normal((1000, d)))
EOF
arch='Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)'
# the seed is 0 on both sides (the default; predict takes no --seed yet)
common=(--x-test xt.npy --arch "$arch" --diag-reg 1e-3 --centers "$m")

rss() { sed -n 's/^\s*Maximum resident set size (kbytes): *//p' "$1" | awk '{printf "%.0f MiB", $1/1024}'; }
secs() { sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$1"; }

# the executors (children of the workers) exit with the application: sample their peak RSS every second
( while :; do
    for pid in $(pgrep -f CoarseGrainedExecutorBackend || true); do
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      [ -n "$hwm" ] && echo "$pid $hwm"
    done
    sleep 1
  done >"$work/executors.rss" ) &
sampler=$!
pids+=($sampler)
# the executors' JVM flags travel as a Spark property (SparkConf reads spark.* system properties)
NTK4J_OPTS="-Dspark.executor.extraJavaOptions=--enable-native-access=ALL-UNNAMED -Dspark.executor.memory=2g" \
  /usr/bin/time -v -o spark.time timeout 900 "$root/bin/ntk4j" spark --master "$master" \
  --x-train x.npy --y-train y.npy "${common[@]}" --out spark-out >spark.out 2>spark.err \
  || { echo "cluster.sh: ntk4j spark failed:" >&2; tail -20 spark.err >&2; exit 2; }
kill "$sampler" 2>/dev/null || true
cat spark.out
for i in 0 1 2; do
  name=$([ "$i" = 0 ] && echo master || echo "worker $i")
  echo "  $name: peak RSS $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/${pids[$i]}/status")"
done
awk '{ if ($2 > max[$1]) max[$1] = $2 } END { for (p in max) printf "  executor (pid %s): peak RSS %.0f MiB\n", p, max[p] / 1024 }' \
  "$work/executors.rss"
echo "  driver (ntk4j spark): wall $(secs spark.time), peak RSS $(rss spark.time)"

/usr/bin/time -v -o predict.time timeout 900 "$root/bin/ntk4j" predict --solver nystrom \
  --x-train x.npy --y-train y.npy "${common[@]}" --out predict-out >predict.out 2>predict.err \
  || { echo "cluster.sh: ntk4j predict failed:" >&2; tail -20 predict.err >&2; exit 2; }
echo "  single machine (predict --solver nystrom): wall $(secs predict.time), peak RSS $(rss predict.time)"

python3 - <<'EOF'
import sys, numpy as np
ok = True
for name, tol in (("mean", 1e-8), ("var", 1e-6)):
    a, b = np.load(f"spark-out/{name}.npy"), np.load(f"predict-out/{name}.npy")
    rel = np.abs(a - b).max() / np.abs(b).max()
    print(f"  {name}: max |cluster - single machine| / max |single machine| = {rel:.2e} (tolerance {tol:g})")
    ok &= a.shape == b.shape and rel <= tol
print("cluster.sh: " + ("the same numbers" if ok else "DIFFERENT numbers"))
sys.exit(0 if ok else 1)
EOF
