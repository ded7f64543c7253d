# shellcheck shell=bash
# Shared by the Tempest netns tests: sourced, not run. Two namespaces td-<run>-a and td-<run>-b
# joined by a veth (10.210.0.1 - 10.210.0.2); a userspace WireGuard in each (arctic-tempest or
# Debian's wireguard-go), configured with wg(8), tunnel addresses 10.211.0.1 - 10.211.0.2.
# Root only; exit 77 for anyone else or where a tool is missing. Everything made is removed
# by the EXIT trap, even on failure.

build=${ARC_BUILD_ROOT:?ARC_BUILD_ROOT is not set}
# shellcheck disable=SC2034 # used by the tests that source this file
tempest=$build/plugins/tempest/arctic-tempest
run=$$
nsa=td-$run-a
nsb=td-$run-b
# interface names: "td" and unique per run (the UAPI socket path is per name, machine-wide)
ifa=tda$run
ifb=tdb$run
tmp=
pids=()
failures=0

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

# check WHAT COMMAND...: passes when COMMAND succeeds; refute: when it fails
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

refute() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then fail "$what"; else pass "$what"; fi
}

td_cleanup() {
	[ -n "$tmp" ] && [ -f "$tmp/iperf.pid" ] && kill "$(cat "$tmp/iperf.pid" 2>/dev/null)" 2>/dev/null
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		# a daemonised one is no child of ours: wait for it to go
		for _ in $(seq 40); do
			[ -e "/proc/$pid" ] || break
			sleep 0.05
		done
	done
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	rm -f "/var/run/wireguard/$ifa.sock" "/var/run/wireguard/$ifb.sock"
	if [ -n "$tmp" ] && [ "$failures" -gt 0 ]; then
		for log in "$tmp"/*.log; do
			echo "--- $log"
			tail -n 30 "$log"
		done
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
}

td_setup() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, TUN)"
	for tool in ip wg ping; do
		command -v "$tool" >/dev/null || skip "needs $tool"
	done
	[ -c /dev/net/tun ] || skip "needs /dev/net/tun"
	tmp=$(mktemp -d /tmp/arctic-td-XXXXXX)
	trap td_cleanup EXIT
	ip netns add "$nsa"
	ip netns add "$nsb"
	ip link add "tdv$run" netns "$nsa" type veth peer name "tdw$run" netns "$nsb"
	ip -n "$nsa" addr add 10.210.0.1/24 dev "tdv$run"
	ip -n "$nsb" addr add 10.210.0.2/24 dev "tdw$run"
	for ns in "$nsa" "$nsb"; do ip -n "$ns" link set lo up; done
	ip -n "$nsa" link set "tdv$run" up
	ip -n "$nsb" link set "tdw$run" up
	(
		umask 077
		wg genkey >"$tmp/ka"
		wg genkey >"$tmp/kb"
		wg genkey >"$tmp/kx"
	)
}

# td_start NS IFNAME PROGRAM [ENV...]: a userspace WireGuard in NS; waits for its UAPI socket
td_start() {
	local ns=$1 ifname=$2 program=$3
	shift 3
	ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 "$@" "$program" -f "$ifname" \
		>"$tmp/$ifname.log" 2>&1 &
	pids+=("$!")
	for _ in $(seq 100); do
		[ -S "/var/run/wireguard/$ifname.sock" ] && return 0
		sleep 0.05
	done
	fail "$program did not create /var/run/wireguard/$ifname.sock"
	return 1
}

# td_configure NS IFNAME OWNKEY PEERKEY PEER_TUNNEL_IP PEER_VETH_IP OWN_TUNNEL_IP
td_configure() {
	local ns=$1 ifname=$2 own=$3 peer=$4 peer_ip=$5 endpoint=$6 own_ip=$7
	ip netns exec "$ns" wg set "$ifname" private-key "$own" listen-port 51820 \
		peer "$(wg pubkey <"$peer")" allowed-ips "$peer_ip/32" endpoint "$endpoint:51820"
	ip -n "$ns" addr add "$own_ip/24" dev "$ifname"
	ip -n "$ns" link set "$ifname" mtu 1420 up
}

# td_pair PROGRAM_A PROGRAM_B [ENV...]: A in $nsa, B in $nsb, keyed to each other
td_pair() {
	local prog_a=$1 prog_b=$2
	shift 2
	td_start "$nsa" "$ifa" "$prog_a" "$@" || return 1
	td_start "$nsb" "$ifb" "$prog_b" "$@" || return 1
	td_configure "$nsa" "$ifa" "$tmp/ka" "$tmp/kb" 10.211.0.2 10.210.0.2 10.211.0.1
	td_configure "$nsb" "$ifb" "$tmp/kb" "$tmp/ka" 10.211.0.1 10.210.0.1 10.211.0.2
}

# td_ping NS DST: a few pings get through
td_ping() {
	ip netns exec "$1" ping -c 3 -i 0.2 -W 3 -q "$2" >/dev/null 2>&1
}

# td_transfer NS IFNAME: "rx tx" bytes of the only peer, as wg show prints them
td_transfer() {
	ip netns exec "$1" wg show "$2" transfer | awk '{ print $2, $3 }'
}

# td_handshake NS IFNAME: the peer's latest handshake, seconds since the epoch (0 = none)
td_handshake() {
	ip netns exec "$1" wg show "$2" latest-handshakes | awk '{ print $2 }'
}

td_finish() {
	if [ "$failures" -gt 0 ]; then
		echo "$failures check(s) failed"
		exit 1
	fi
	echo "all checks passed"
}
