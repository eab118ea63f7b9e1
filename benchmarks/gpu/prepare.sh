#!/usr/bin/env bash
# Builds what benchmarks/gpu/device-check.sh needs on the GPU machine (no JDK, no Maven, no
# network there) into one folder, default <repo>/.devbundle (keep it git-ignored):
#   jre/    a jlink runtime with only the modules the GPU path needs (jdeps)
#   lib/    ntk4j.jar (with the fatbins), ntk4j-bench.jar (the check's Java driver,
#           org.ntk4j.bench.gpu.DeviceCheck, built with -Pbench) and the runtime jars WITHOUT ND4J/OpenBLAS/JavaCPP
#           natives (91 MB, they do not fit and the GPU path does not use them); JCuda's natives
#           jar reduced to the driver binding (libJCudaDriver, needs only libcuda.so.1)
#   ntref/  the numpy reference ntref.py; scripts/ the check itself (device-check.sh, check.py, peers)
# Usage: benchmarks/gpu/prepare.sh [DEST]   (needs nvcc here, or the jar has no fatbin)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dest=${1:-$root/.devbundle}
source "$root/bin/find-jdk.sh"
jdk=${NTK4J_JLINK_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
[[ -x $jdk/bin/jlink ]] || jdk=$NTK4J_JAVA_HOME

cd "$root"
bin/mvn21 -q -DskipTests package
[[ $(unzip -Z1 target/ntk4j.jar) == *native/gemm.fatbin* ]] || { echo "prepare: target/ntk4j.jar has no fatbin (nvcc missing?)" >&2; exit 1; }
# The driver lives in the benchmarks tree, not in the library's jar.
bin/mvn21 -q -Dstyle.color=never -Pbench -DskipTests compile

rm -rf "$dest"
mkdir -p "$dest/lib" "$dest/ntref"
cp target/ntk4j.jar "$dest/lib/"
"$jdk/bin/jar" cf "$dest/lib/ntk4j-bench.jar" -C target/bench/classes org/ntk4j/bench/gpu  # only the check: no extra JDK modules
# (commons-math3 is left out: only Numerical activations use it, the GPU path does not, and it
# would pull java.desktop into the runtime.)
for j in jcuda-12.6.0 slf4j-api-2.0.16 slf4j-simple-2.0.16 commons-numbers-core-1.3 commons-numbers-gamma-1.3 commons-numbers-fraction-1.3; do
  cp "target/lib/$j.jar" "$dest/lib/"
done
# JCuda natives: keep only the driver binding (the jar also carries a 24 MB PTX compiler).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && unzip -q "$root/target/lib/jcuda-natives-12.6.0-linux-x86_64.jar" 'lib/libJCudaDriver-*' 'META-INF/MANIFEST.MF' \
  && "$jdk/bin/jar" cfm "$dest/lib/jcuda-natives-12.6.0-linux-x86_64-driver.jar" META-INF/MANIFEST.MF lib)
cp "$root/src/test/python/ntref.py" "$dest/ntref/"
# The commit measured (printed in the table header); "+ uncommitted changes" if the tree differs.
commit=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]] && commit="$commit + uncommitted changes"
echo "commit $commit (bundle built $(date -u +%Y-%m-%dT%H:%MZ))" > "$dest/COMMIT"
# The check's scripts travel too, so it runs from the bundle even in a checkout without them.
mkdir -p "$dest/scripts"
cp "$here"/device-check.sh "$here"/check.py "$here"/peers.py "$here"/reference_torch.py "$dest/scripts/"

# Modules: the union of jdeps' answers for the jars it can analyse alone (modular jars whose
# requirements live in sibling jars are skipped; they need only java.base).
mods=java.base
# ntk4j.jar is the module org.ntk4j, which requires jars the bundle leaves out (commons-math3...):
# jdeps cannot resolve it as a module, so it reads its classes without the descriptor. The demo's
# plots (java.awt) never run in the check, and java.desktop would add 19 MB to the runtime.
mkdir -p "$tmp/ntk4j-classes"
(cd "$tmp/ntk4j-classes" && unzip -q "$dest/lib/ntk4j.jar" 'org/*' -x 'org/ntk4j/demo/*')
for j in "$tmp/ntk4j-classes" "$dest/lib"/*.jar; do
  [[ $j == */ntk4j.jar ]] && continue
  m=$("$jdk/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$j" 2>/dev/null | tail -1 || true)
  [[ $m =~ ^[a-z.,]+$ ]] && mods="$mods,$m"
done
mods=$(tr ',' '\n' <<<"$mods" | sort -u | paste -sd, -)
echo "prepare: jlink modules: $mods"
"$jdk/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$dest/jre"

# Smoke test here (no GPU): the runtime starts, the probe falls back cleanly.
"$dest/jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$dest/lib/*" org.ntk4j.bench.gpu.DeviceCheck info
du -sh "$dest"
size=$(du -sm "$dest" | cut -f1)
if (( size > 55 )); then echo "prepare: bundle is ${size} MiB, over the 55 MiB budget" >&2; exit 1; fi
