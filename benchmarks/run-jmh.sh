#!/usr/bin/env bash
# JMH: one loop pass over 10, 1,000 and 10,000 idle channels, with the GC profiler
# (gc.alloc.rate.norm is the bytes allocated per pass), then JmhBaselineBenchmark, an
# operation that allocates nothing: JMH's own few KB per iteration show there as 1-2 B/op
# at a few thousand operations a second, as they do for the pass over 10,000 channels.
# Extra arguments go to JMH, e.g.
#   benchmarks/run-jmh.sh -p channels=10000 -f 1 -wi 2 -i 3
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
if [ ! -f benchmarks/target/classpath.txt ] || [ "${REBUILD:-1}" = 1 ]; then
  ./mvnw -q -pl benchmarks -am package -DskipTests > /tmp/asyncore-bench-build.log 2>&1 \
    || { tail -40 /tmp/asyncore-bench-build.log; exit 1; }
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
pin=()
if command -v taskset > /dev/null && [ "$(nproc)" -ge 2 ]; then pin=(taskset -c 0); fi
args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(-rf text -rff benchmarks/results/jmh-idle-pass.txt); fi
exec "${pin[@]}" java -cp "$cp" org.openjdk.jmh.Main 'IdlePassBenchmark|JmhBaselineBenchmark' -prof gc "${args[@]}"
