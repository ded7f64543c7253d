#!/usr/bin/env bash
# Compose benchmark of issue 5, item 9 (bench/arc-bench-compose.c): `arctic compose apply` of
# a file with 4 peers and 50 services to 4 fresh agents on 127.0.0.1, the time until every
# agent lists them all with one registry hash, and the same apply again (a no-op); with the
# default [gossip] settings and with the fast ones of the tests, 3 runs each. Prints
# figures, never fails on them.
#
#   bench/compose-bench.sh [BUILD_DIR] [OPTION...]   (default: build; --help lists options)
#   bench/compose-bench.sh build --runs 5 --gossip default --keep
set -euo pipefail

build=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	build=$1
	shift
fi
build=$(cd "$build" && pwd)
bench=$build/bench/arc-bench-compose
for binary in "$bench" "$build/daemon/arctic-agent" "$build/cli/arctic" \
	"$build/cli/arctic-license"; do
	if [ ! -x "$binary" ]; then
		echo "bench: $binary is not built (ninja -C $build)" >&2
		exit 1
	fi
done
exec "$bench" --build "$build" "$@"
