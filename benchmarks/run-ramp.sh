#!/usr/bin/env bash
# Ramp benchmark: 10,000 connections opened at once, each echoing from the moment it
# connects, against the plain JDK server, Netty on one thread and asyncore on one loop,
# then asyncore on 2 loops (hand-off and SO_REUSEPORT). Writes results/ramp.md.
#   benchmarks/run-ramp.sh
#   benchmarks/run-ramp.sh --connections 2000 --servers jdk,zc --measure 2
# Built and started as run-echo.sh does (descriptor limit raised to 65536 where allowed).
exec "$(cd "$(dirname "$0")" && pwd)/run-echo.sh" --ramp "$@"
