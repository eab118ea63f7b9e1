#!/usr/bin/env bash
# Sourced by bin/ntk4j, bin/mvnw21 and .ci/run: sets NTK4J_JAVA_HOME to a JDK >= 21 and
# NTK4J_JAVA_MAJOR to its feature version and NTK4J_JVM_FLAGS to the flags that JDK needs for JavaCPP/JCuda native access.
# Order: $JAVA_HOME, the newest JDK in /usr/lib/jvm, `java` on the PATH.
# The version comes from the JDK's `release` file (JAVA_VERSION="25.0.3"): reading it costs
# nothing, while starting each candidate's JVM cost ~0.75 s per launch. Only a JDK without a
# `release` file is asked by starting its JVM.
_ntk4j_major() {  # sets _ntk4j_v to the feature version of the JDK at $1 (a JAVA_HOME), or ""
  # Pure bash for the `release` file: a fork costs ~13 ms on a loaded VM, and this runs per candidate.
  local line v=""
  _ntk4j_v=""
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do
      [[ $line =~ ^JAVA_VERSION=\"([^\"]*)\" ]] && { v=${BASH_REMATCH[1]}; break; }
    done <"$1/release"
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  fi
  v=${v#1.}  # 1.8 -> 8
  v=${v%%[!0-9]*}
  _ntk4j_v=$v
}
_ntk4j_pick() {  # sets _ntk4j_best to the newest JDK >= 21 among $@, or ""
  local bestv=0 cand
  _ntk4j_best=""
  for cand in "$@"; do
    [ -x "$cand/bin/java" ] || continue
    _ntk4j_major "$cand"
    [ -n "$_ntk4j_v" ] && [ "$_ntk4j_v" -gt "$bestv" ] && { _ntk4j_best=$cand; bestv=$_ntk4j_v; }
  done
  [ "$bestv" -ge 21 ] || _ntk4j_best=""
}
NTK4J_JAVA_HOME=""
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  _ntk4j_major "$JAVA_HOME"
  [ "${_ntk4j_v:-0}" -ge 21 ] 2>/dev/null && NTK4J_JAVA_HOME=$JAVA_HOME
fi
if [ -z "$NTK4J_JAVA_HOME" ]; then
  _ntk4j_pick /usr/lib/jvm/* /opt/java/* /opt/jdk* 2>/dev/null
  NTK4J_JAVA_HOME=$_ntk4j_best
fi
if [ -z "$NTK4J_JAVA_HOME" ] && command -v java >/dev/null 2>&1; then
  _j=$(readlink -f "$(command -v java)"); _j=${_j%/bin/java}
  _ntk4j_pick "$_j"
  NTK4J_JAVA_HOME=$_ntk4j_best
fi
if [ -z "$NTK4J_JAVA_HOME" ]; then
  echo "ntk4j: no JDK >= 21 found (looked at \$JAVA_HOME, /usr/lib/jvm, /opt, java on the PATH); install one (e.g. Temurin 25) and set JAVA_HOME" >&2
  return 78 2>/dev/null || exit 78
fi
NTK4J_JVM_FLAGS="--enable-native-access=ALL-UNNAMED"
_ntk4j_major "$NTK4J_JAVA_HOME"
NTK4J_JAVA_MAJOR=$_ntk4j_v
if [ "$_ntk4j_v" -ge 24 ]; then
  NTK4J_JVM_FLAGS="$NTK4J_JVM_FLAGS --sun-misc-unsafe-memory-access=allow"
fi
export NTK4J_JAVA_HOME NTK4J_JVM_FLAGS NTK4J_JAVA_MAJOR
