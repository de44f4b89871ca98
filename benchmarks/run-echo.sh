#!/usr/bin/env bash
# Echo benchmark: asyncore (zero-copy Dispatcher and DispatcherWithSend) against a plain
# JDK Selector server and Netty 4.2, each server in its own JVM pinned to CPU 0, the load
# generator on CPU 1. Writes results/echo.md, echo.svg and echo.csv.
#   benchmarks/run-echo.sh            # full run, about 9 minutes
#   benchmarks/run-echo.sh --quick    # 1 round of 2 s, about 1.5 minutes
# Other options: --rounds N --warmup S --measure S --inflight P --workloads 100x64,idle10k
#   --servers zc,jdk --out DIR --no-pin --server-opts "-Xmx512m -XX:+UseSerialGC"
# REBUILD=0 reuses the last build (the script builds with package, never install).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
if [ ! -f benchmarks/target/classpath.txt ] || [ "${REBUILD:-1}" = 1 ]; then
  ./mvnw -q -pl benchmarks -am package -DskipTests > /tmp/asyncore-bench-build.log 2>&1 \
    || { tail -40 /tmp/asyncore-bench-build.log; exit 1; }
fi
# 10,000 idle connections need more descriptors than the usual 1024 on both ends.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
# The benchmark pins itself (CPU 1) and each server (CPU 0) with taskset.
exec java -Xms256m -Xmx1g -cp "$cp" io.asyncore.bench.EchoBenchmark --out benchmarks/results "$@"
