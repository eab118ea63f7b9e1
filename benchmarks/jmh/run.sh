#!/usr/bin/env bash
# JMH benchmarks of the hot paths (issue 5): recursion per activation, Gram vs DGEMM peak,
# Cholesky / trsm, end-to-end fit + predict. Builds them (Maven profile -Pbench: benchmarks/src/main/java
# into target/bench/classes, against the library's target/classes) and runs JMH 1.37 on the JDK >= 21
# that bin/find-jdk.sh finds.
#   benchmarks/jmh/run.sh [REGEX...] [JMH options]      e.g.  benchmarks/jmh/run.sh Gram -wi 1 -i 1
# Writes $JMH_OUT.json (raw JMH) and $JMH_OUT.md (tables, machine, JDK, commit, load average);
# default JMH_OUT=benchmarks/results/jmh-YYYY-MM-DD. `run.sh -l` lists the benchmarks, `-h` JMH's options.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$here"
source bin/find-jdk.sh
out=${JMH_OUT:-benchmarks/results/jmh-$(date +%F)}
bin/mvn21 -q -Dstyle.color=never -Pbench -DskipTests compile
bin/mvn21 -q -Dstyle.color=never -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt >/dev/null
list=target/bench/classes/META-INF/BenchmarkList
# why: on JDK 23+ a missing annotationProcessorPaths entry makes javac skip JMH's generator silently
if [ ! -s "$list" ] || [ "$(grep -c . "$list")" -lt 8 ]; then
  echo "run.sh: no (or too few) JMH benchmarks were generated ($list); check the bench profile's annotationProcessorPaths in pom.xml" >&2
  exit 1
fi
cp="target/bench/classes:target/classes:$(cat target/bench/classpath.txt)"
java=("$NTK4J_JAVA_HOME/bin/java" $NTK4J_JVM_FLAGS -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp")
case " $* " in *" -l "*|*" -h "*|*" -lp "*) exec "${java[@]}" org.openjdk.jmh.Main "$@" ;; esac
mkdir -p "$(dirname "$out")"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Forks inherit this JVM's flags (native access, heap, log level). -foe: a failing benchmark fails the run.
"${java[@]}" org.openjdk.jmh.Main -foe true -rf json -rff "$out.json" "$@"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 benchmarks/jmh/report.py "$out.json" "$out.md" "$load_before" "$load_after" "$*"
echo "wrote $out.json and $out.md"
