#!/usr/bin/env bash
# Gossip benchmark of issue 4 (bench/arc-bench-gossip.c): clusters of 4, 16 and 64 agents on
# 127.0.0.1 with the default [gossip] interval and fanout; convergence of one write to every
# agent (p50/p90/p99), idle gossip bytes per node, RSS per known peer. Prints figures next to
# the targets, never fails on them.
#
#   bench/gossip-bench.sh [BUILD_DIR] [OPTION...]   (default: build; --help lists options)
#   bench/gossip-bench.sh build --sizes 4,16 --idle-seconds 10
set -euo pipefail

build=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	build=$1
	shift
fi
build=$(cd "$build" && pwd)
bench=$build/bench/arc-bench-gossip
for binary in "$bench" "$build/daemon/arctic-agent" "$build/cli/arctic-license"; do
	if [ ! -x "$binary" ]; then
		echo "bench: $binary is not built (ninja -C $build)" >&2
		exit 1
	fi
done
exec "$bench" --build "$build" "$@"
