#!/usr/bin/env bash
# Ramp benchmark: 10,000 connections opened at once, each echoing from the moment it
# connects, against the plain JDK server, Netty on one thread and asyncore on one loop
# (each server pinned to CPU 0, the load to CPU 1), then asyncore on 2 loops (hand-off
# and SO_REUSEPORT, unpinned). Every server gets the same warm-up (a ramp of 2,000
# connections echoing for 2 s, closed) in its own fresh JVM before the measured ramp;
# 3 rounds, the order rotating each round; medians of ramp time, msg/s and p99, failed
# connects and the kernel's listen-queue overflows (dropped SYNs, retried by clients after
# 1 s). Writes results/ramp.md. About 3 minutes.
#   benchmarks/run-ramp.sh
#   benchmarks/run-ramp.sh --connections 2000 --servers jdk,zc --measure 2 --rounds 5
#   REBUILD=0 benchmarks/run-ramp.sh ...   # reuse the last build
# Options: --connections N --warmup-connections N (0: cold servers) --warmup S --measure S
#   --rounds N --size B --ramp-timeout S --servers jdk,netty,zc,zc-2loops,zc-2loops-reuseport
#   --out DIR --no-pin --server-opts "JVM options"
# Built (package, not install) and started as run-echo.sh does (descriptor limit raised
# to 65536 where allowed).
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,/^$/{/^#/s/^# \{0,1\}//p}' "$0" | sed '/^!/d'
  exit 0
fi
exec "$(cd "$(dirname "$0")" && pwd)/run-echo.sh" --ramp "$@"
