# shellcheck shell=bash
# A WAN path for netns tests and benchmarks: sourced, not run. Three namespaces
#
#   <prefix>-left (l0 10.77.1.1) <-> <prefix>-emu (el, ta ~ arctic-linkemu ~ tb, er) <->
#   <prefix>-right (r0 10.77.2.1)
#
# Packets from the left enter the emu namespace on el and are routed (policy routing by input
# interface, table 101) into the TUN device ta; arctic-linkemu reads them there and writes them
# into tb after the delay, loss and rate it was given, where the kernel routes them on to er by
# the main table. The way back is the mirror image (er -> table 102 -> tb -> ta -> el). Only
# packets arriving on a veth are steered into a TUN, so nothing loops. IPv4 only.
#
# Needs root, ip and the built emulator: $LINKEMU, or $ARC_BUILD_ROOT/tools/linkemu/arctic-linkemu.
# Interfaces are made inside the namespaces, so the host's are never touched. linkemu_setup
# installs `trap linkemu_teardown EXIT` when no EXIT trap is set; a caller with a trap of its own
# calls linkemu_teardown from it.

linkemu_prefix=
linkemu_pid=
linkemu_log=
# shellcheck disable=SC2034 # used by the tests and benchmarks that source this file
linkemu_left_addr=10.77.1.1
# shellcheck disable=SC2034 # used by the tests and benchmarks that source this file
linkemu_right_addr=10.77.2.1

linkemu_bin() {
	if [ -n "${LINKEMU:-}" ]; then
		echo "$LINKEMU"
	else
		echo "${ARC_BUILD_ROOT:?ARC_BUILD_ROOT is not set}/tools/linkemu/arctic-linkemu"
	fi
}

# linkemu_teardown: stops the emulator and deletes the three namespaces (idempotent)
linkemu_teardown() {
	linkemu_stop
	if [ -n "$linkemu_prefix" ]; then
		for side in left emu right; do
			ip netns del "$linkemu_prefix-$side" 2>/dev/null
		done
	fi
	[ -n "$linkemu_log" ] && rm -f "$linkemu_log"
	linkemu_prefix=
	return 0
}

# linkemu_stop: stops the emulator (its counters end up in $linkemu_log)
linkemu_stop() {
	if [ -n "$linkemu_pid" ]; then
		kill "$linkemu_pid" 2>/dev/null
		wait "$linkemu_pid" 2>/dev/null
	fi
	linkemu_pid=
	return 0
}

# linkemu_start ARGS…: (re)starts the emulator in the emu namespace with ARGS (--delay-ms …)
linkemu_start() {
	local bin
	bin=$(linkemu_bin)
	linkemu_stop
	[ -n "$linkemu_log" ] || linkemu_log=$(mktemp /tmp/arctic-linkemu-XXXXXX)
	ip netns exec "$linkemu_prefix-emu" "$bin" --tun-a ta --tun-b tb "$@" >"$linkemu_log" 2>&1 &
	linkemu_pid=$!
	for _ in $(seq 100); do
		grep -q ready "$linkemu_log" && return 0
		kill -0 "$linkemu_pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "arctic-linkemu did not start:" >&2
	cat "$linkemu_log" >&2
	return 1
}

# linkemu_counters: the emulator's counters so far (SIGUSR1), one line per direction
linkemu_counters() {
	kill -USR1 "$linkemu_pid" && sleep 0.2 && grep -e '->' "$linkemu_log" | tail -n 2
}

# linkemu_ns SIDE: the name of the left, emu or right namespace
linkemu_ns() {
	echo "$linkemu_prefix-$1"
}

linkemu_router() {
	local emu=$linkemu_prefix-emu
	ip -n "$emu" tuntap add dev ta mode tun &&
		ip -n "$emu" tuntap add dev tb mode tun &&
		ip -n "$emu" link set ta up txqueuelen 1000 &&
		ip -n "$emu" link set tb up txqueuelen 1000 &&
		ip -n "$emu" route add default dev ta table 101 &&
		ip -n "$emu" route add default dev tb table 102 &&
		ip -n "$emu" rule add iif el lookup 101 pref 100 &&
		ip -n "$emu" rule add iif er lookup 102 pref 100 &&
		ip netns exec "$emu" sysctl -qw net.ipv4.ip_forward=1 &&
		for conf in all default ta tb el er; do
			# packets come out of the TUN devices with sources routed elsewhere
			ip netns exec "$emu" sysctl -qw "net.ipv4.conf.$conf.rp_filter=0" || return 1
		done
}

# linkemu_setup PREFIX [EMULATOR-ARGS…]: builds the three namespaces and starts the emulator
linkemu_setup() {
	local prefix=$1 side
	shift
	linkemu_prefix=$prefix
	[ -n "$(trap -p EXIT)" ] || trap linkemu_teardown EXIT
	for side in left emu right; do
		ip netns add "$prefix-$side" || return 1
		ip -n "$prefix-$side" link set lo up
	done
	ip -n "$prefix-left" link add l0 type veth peer name el netns "$prefix-emu" &&
		ip -n "$prefix-right" link add r0 type veth peer name er netns "$prefix-emu" &&
		ip -n "$prefix-left" addr add 10.77.1.1/24 dev l0 &&
		ip -n "$prefix-right" addr add 10.77.2.1/24 dev r0 &&
		ip -n "$prefix-emu" addr add 10.77.1.254/24 dev el &&
		ip -n "$prefix-emu" addr add 10.77.2.254/24 dev er &&
		for link in "left l0" "right r0" "emu el" "emu er"; do
			# shellcheck disable=SC2086 # "namespace device", split on purpose
			linkemu_up $link || return 1
		done &&
		ip -n "$prefix-left" route add default via 10.77.1.254 &&
		ip -n "$prefix-right" route add default via 10.77.2.254 &&
		linkemu_router || return 1
	linkemu_start "$@"
}

linkemu_up() {
	ip -n "$linkemu_prefix-$1" link set "$2" up
}
