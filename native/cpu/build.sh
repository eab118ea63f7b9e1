#!/usr/bin/env bash
# Compiles native/cpu/*.c into OUT_DIR/linux-x86_64/libntk4j_cpu.so (default target/classes/native,
# so the jar carries it): ntk4j's CPU kernels in C, loaded through JNI (see NativeCpu.java).
# One portable library: target_clones in the sources select AVX-512, AVX2 or SSE2 code when it loads.
# Flags keep the arithmetic bit for bit that of the Java code: no fast-math, no FMA contraction.
# Without Linux x86-64, a C compiler or the JDK's jni.h this prints one line and succeeds: ntk4j then
# uses its Java implementation (same results, slower start). Usage: build.sh [OUT_DIR] [JAVA_HOME]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/../../target/classes/native}/linux-x86_64
jdk=${2:-${JAVA_HOME:-}}
cc=${CC:-gcc}
skip() { echo "native/cpu/build.sh: $1; the CPU kernels use their Java implementation"; exit 0; }
[[ $(uname -s) == Linux && $(uname -m) == x86_64 ]] || skip "not Linux x86-64"
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc)"
[[ -n $jdk && -f $jdk/include/jni.h ]] || skip "no jni.h under JAVA_HOME='$jdk'"
lib="$out/libntk4j_cpu.so"
if [[ -f $lib ]] && [[ -z $(find "$here" -maxdepth 1 \( -name '*.c' -o -name build.sh \) -newer "$lib") ]]; then exit 0; fi
mkdir -p "$out"
echo "native/cpu/build.sh: $cc -> $lib"
"$cc" -std=gnu11 -O3 -fPIC -shared -fno-fast-math -ffp-contract=off -fno-math-errno -Wall -Werror \
  -I "$jdk/include" -I "$jdk/include/linux" "$here"/*.c -o "$lib.tmp" -lm
mv "$lib.tmp" "$lib"
