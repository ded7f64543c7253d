#!/usr/bin/env bash
# Handshake benchmark of issue 3, item 9 (bench/arc-bench-handshake.c): two agents on
# 127.0.0.1, add/delete cycles, POST /v1/peers latency p50/p90/p99 and CPU per handshake on
# each side, with the data on tmpfs and on a disk side by side. Prints figures next to the
# targets, never fails on them.
#
#   bench/handshake-bench.sh [BUILD_DIR] [OPTION...]   (default: build; --help lists options)
#   bench/handshake-bench.sh build --cycles 500 --data-dir-base /var/tmp
set -euo pipefail

build=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	build=$1
	shift
fi
build=$(cd "$build" && pwd)
bench=$build/bench/arc-bench-handshake
for binary in "$bench" "$build/daemon/arctic-agent" "$build/cli/arctic-license"; do
	if [ ! -x "$binary" ]; then
		echo "bench: $binary is not built (ninja -C $build)" >&2
		exit 1
	fi
done
exec "$bench" --build "$build" "$@"
