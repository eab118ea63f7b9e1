#!/usr/bin/env bash
# Sourced by bin/ntk4j, bin/mvnw21 and .ci/run: sets NTK4J_JAVA_HOME to a JDK >= 21 and
# NTK4J_JVM_FLAGS to the flags that JDK needs for JavaCPP/JCuda native access.
# Order: $JAVA_HOME, the newest JDK in /usr/lib/jvm, `java` on the PATH.
_ntk4j_major() {  # prints the feature version of the JDK at $1 (a JAVA_HOME), or nothing
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [ -n "$v" ] && echo "${v%%.*}"
}
_ntk4j_pick() {
  local best="" bestv=0 cand v
  for cand in "$@"; do
    [ -x "$cand/bin/java" ] || continue
    v=$(_ntk4j_major "$cand")
    [ -n "$v" ] && [ "$v" -gt "$bestv" ] && { best=$cand; bestv=$v; }
  done
  [ "$bestv" -ge 21 ] && echo "$best"
}
NTK4J_JAVA_HOME=""
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(_ntk4j_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
  NTK4J_JAVA_HOME=$JAVA_HOME
fi
if [ -z "$NTK4J_JAVA_HOME" ]; then
  NTK4J_JAVA_HOME=$(_ntk4j_pick /usr/lib/jvm/* /opt/java/* /opt/jdk* 2>/dev/null)
fi
if [ -z "$NTK4J_JAVA_HOME" ] && command -v java >/dev/null 2>&1; then
  _j=$(readlink -f "$(command -v java)"); _j=${_j%/bin/java}
  NTK4J_JAVA_HOME=$(_ntk4j_pick "$_j")
fi
if [ -z "$NTK4J_JAVA_HOME" ]; then
  echo "ntk4j: no JDK >= 21 found (looked at \$JAVA_HOME, /usr/lib/jvm, /opt, java on the PATH); install one (e.g. Temurin 25) and set JAVA_HOME" >&2
  return 78 2>/dev/null || exit 78
fi
NTK4J_JVM_FLAGS="--enable-native-access=ALL-UNNAMED"
if [ "$(_ntk4j_major "$NTK4J_JAVA_HOME")" -ge 24 ]; then
  NTK4J_JVM_FLAGS="$NTK4J_JVM_FLAGS --sun-misc-unsafe-memory-access=allow"
fi
export NTK4J_JAVA_HOME NTK4J_JVM_FLAGS
