#!/bin/bash
# Goodput of the transport plugins (tcp.so, kcp.so) over an emulated WAN path: the link
# emulator (tests/netns/linkemu-common.sh) between two namespaces with RATE Mbit/s, DELAY ms
# each way and each LOSS in turn (both directions), one stream of BYTES per run, ROUNDS runs,
# medians. Root only; namespaces tpb<pid>-*. Not a test: it prints figures.
#
#   bench/transport-path-bench.sh BUILD_DIR
#   (environment: RATE=100 DELAY=25 LOSSES="0 0.01 0.05" BYTES=16777216 ROUNDS=3
#    TRANSPORTS="tcp kcp")
set -u
build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
export ARC_BUILD_ROOT=$build
# shellcheck source-path=SCRIPTDIR source=../tests/netns/linkemu-common.sh
. "$(dirname "$0")/../tests/netns/linkemu-common.sh"

rate=${RATE:-100}
delay=${DELAY:-25}
losses=${LOSSES:-0 0.01 0.05}
bytes=${BYTES:-16777216}
rounds=${ROUNDS:-3}
transports=${TRANSPORTS:-tcp kcp}
harness=$build/bench/arc-bench-transport-path
port=61001
server=

[ "$(id -u)" = 0 ] || {
	echo "needs root (network namespaces)"
	exit 1
}

stop_server() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null
		wait "$server" 2>/dev/null
	fi
	server=
}

cleanup() {
	stop_server
	linkemu_teardown
}
trap cleanup EXIT

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}

# run TRANSPORT: ROUNDS goodputs (Mbit/s), one a line ("fail" for a run that did not finish)
run() {
	local module=$build/plugins/all/$1.so out
	ip netns exec "$(linkemu_ns right)" "$harness" "$module" server "$linkemu_right_addr" \
		"$port" >/dev/null 2>&1 &
	server=$!
	sleep 0.5
	for _ in $(seq "$rounds"); do
		out=$(timeout 300 ip netns exec "$(linkemu_ns left)" "$harness" "$module" client \
			"$linkemu_right_addr" "$port" "$bytes" 2>/dev/null) || out=fail
		echo "${out%% *}"
	done
	stop_server
}

linkemu_setup "tpb$$" --realtime || exit 1
printf '%-8s' "loss"
for t in $transports; do printf '%12s' "$t"; done
printf '   (Mbit/s, median of %s runs of %s bytes; %s Mbit/s, %s ms each way)\n' \
	"$rounds" "$bytes" "$rate" "$delay"
for loss in $losses; do
	linkemu_start --delay-ms "$delay" --rate-mbit "$rate" --loss "$loss" --seed 1 --realtime
	printf '%-8s' "$loss"
	for t in $transports; do
		printf '%12s' "$(run "$t" | grep -v fail | median)"
	done
	echo
done
