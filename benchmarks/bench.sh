#!/usr/bin/env bash
# Runs one Java benchmark driver of benchmarks/src/main/java on the JDK >= 21 of bin/find-jdk.sh,
# after building the benchmark classes (Maven profile -Pbench: the library into target/classes as
# usual, the benchmarks into target/bench/classes; the library's jar never contains them), on the
# class path. JVM options: BENCH_JAVA_OPTS (e.g. -Xmx8g).
#   benchmarks/bench.sh CLASS [ARGS...]    e.g. benchmarks/bench.sh org.ntk4j.bench.KernelBench 2000 784 3
#   benchmarks/bench.sh --classpath        builds, then prints the class path (for scripts that add
#                                          their own wrapper, e.g. /usr/bin/time)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/bin/find-jdk.sh"
[ $# -ge 1 ] || { echo "usage: benchmarks/bench.sh CLASS [ARGS...] | --classpath" >&2; exit 2; }
# Maven's output would mix with what the caller captures: it goes to stderr, and only on failure.
log=$(mktemp)
if ! "$root/bin/mvn21" -q -Dstyle.color=never -Pbench -DskipTests compile >"$log" 2>&1 \
   || ! "$root/bin/mvn21" -q -Dstyle.color=never -Pbench dependency:build-classpath \
        -Dmdep.outputFile="$root/target/bench/classpath.txt" >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "bench.sh: building the benchmarks (-Pbench) failed" >&2
  exit 1
fi
rm -f "$log"
cp="$root/target/bench/classes:$root/target/classes:$(cat "$root/target/bench/classpath.txt")"
if [ "$1" = --classpath ]; then echo "$cp"; exit 0; fi
# shellcheck disable=SC2086  # the option strings are word lists on purpose
exec "$NTK4J_JAVA_HOME/bin/java" $NTK4J_JVM_FLAGS ${BENCH_JAVA_OPTS:-} -cp "$cp" "$@"
