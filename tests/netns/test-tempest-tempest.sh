#!/usr/bin/env bash
# arctic-tempest on both sides: ping and iperf3 both ways, the receiver's TCP segments coalesced
# (GRO) into its device; wg showconf | wg setconf | wg showconf gives the same configuration back; a wrong key gives no handshake and delivers nothing.
# Root only (77 otherwise).
set -u
# shellcheck source=tempest-common.sh source-path=SCRIPTDIR
. "$(dirname "$0")/tempest-common.sh"

td_setup
td_pair "$tempest" "$tempest" || td_finish

td_ping "$nsa" 10.211.0.2 || sleep 1
check "ping a -> b" td_ping "$nsa" 10.211.0.2
check "ping b -> a" td_ping "$nsb" 10.211.0.1

tcp_a_to_b() {
	ip netns exec "$nsb" iperf3 -s -1 -D -I "$tmp/iperf.pid" >/dev/null 2>&1
	sleep 0.3
	timeout 15 ip netns exec "$nsa" iperf3 -c 10.211.0.2 -t 2 --connect-timeout 3000 \
		>"$tmp/iperf.txt" 2>&1
	local status=$?
	kill "$(cat "$tmp/iperf.pid" 2>/dev/null)" 2>/dev/null
	return $status
}
# GRO towards the kernel: b's device took a's TCP segments coalesced, so the packets it
# received are on average larger than its MTU (1420) allows one packet to be
coalesced() {
	local bytes packets
	bytes=$(ip netns exec "$nsb" cat "/sys/class/net/$ifb/statistics/rx_bytes")
	packets=$(ip netns exec "$nsb" cat "/sys/class/net/$ifb/statistics/rx_packets")
	echo "$ifb received $bytes bytes in $packets packets"
	[ "$packets" -gt 0 ] && [ $((bytes / packets)) -gt 1420 ]
}
if command -v iperf3 >/dev/null; then
	check "iperf3 TCP a -> b" tcp_a_to_b
	check "GRO: b's device received TCP segments coalesced" coalesced
fi

# showconf round trip on a: what it shows, set again, shows the same
shows_what_was_set() {
	grep -q "^PrivateKey = $(cat "$tmp/ka")$" "$1" &&
		grep -q "^ListenPort = 51820$" "$1" &&
		grep -q "^PublicKey = $(wg pubkey <"$tmp/kb")$" "$1" &&
		grep -q "^AllowedIPs = 10.211.0.2/32$" "$1" &&
		grep -q "^Endpoint = 10.210.0.2:51820$" "$1"
}
ip netns exec "$nsa" wg showconf "$ifa" >"$tmp/conf1"
check "wg showconf shows what was set" shows_what_was_set "$tmp/conf1"
check "wg setconf takes its own showconf" ip netns exec "$nsa" wg setconf "$ifa" "$tmp/conf1"
ip netns exec "$nsa" wg showconf "$ifa" >"$tmp/conf2"
check "wg showconf | wg setconf | wg showconf is stable" cmp "$tmp/conf1" "$tmp/conf2"
check "traffic after setconf" td_ping "$nsa" 10.211.0.2

# fwmark, and persistent keepalive: b's counters move with no traffic of ours
ip netns exec "$nsa" wg set "$ifa" fwmark 0x1234
check "wg show fwmark" [ "$(ip netns exec "$nsa" wg show "$ifa" fwmark)" = 0x1234 ]
ip netns exec "$nsa" wg set "$ifa" peer "$(wg pubkey <"$tmp/kb")" persistent-keepalive 1
read -r rx_before _ <<<"$(td_transfer "$nsb" "$ifb")"
sleep 3.5
read -r rx_after _ <<<"$(td_transfer "$nsb" "$ifb")"
check "persistent keepalive: b received $((rx_after - rx_before)) bytes in 3.5 s (at least 2 keepalives of 32)" \
	[ $((rx_after - rx_before)) -ge 64 ]
ip netns exec "$nsa" wg set "$ifa" peer "$(wg pubkey <"$tmp/kb")" persistent-keepalive 0

# a wrong key: b is told a key that is not a's; both peers made anew (no handshake yet)
ip netns exec "$nsb" wg set "$ifb" peer "$(wg pubkey <"$tmp/ka")" remove \
	peer "$(wg pubkey <"$tmp/kx")" allowed-ips 10.211.0.1/32 endpoint 10.210.0.1:51820
ip netns exec "$nsa" wg set "$ifa" peer "$(wg pubkey <"$tmp/kb")" remove
ip netns exec "$nsa" wg set "$ifa" \
	peer "$(wg pubkey <"$tmp/kb")" allowed-ips 10.211.0.2/32 endpoint 10.210.0.2:51820
refute "no ping with a wrong key" ip netns exec "$nsa" ping -c 4 -i 0.3 -W 1 -q 10.211.0.2
refute "no ping back with a wrong key" ip netns exec "$nsb" ping -c 4 -i 0.3 -W 1 -q 10.211.0.1
check "no handshake on a" [ "$(td_handshake "$nsa" "$ifa")" = 0 ]
check "no handshake on b" [ "$(td_handshake "$nsb" "$ifb")" = 0 ]
read -r rx _ <<<"$(td_transfer "$nsb" "$ifb")"
check "b received nothing from a (${rx:-?} bytes)" [ "${rx:-1}" = 0 ]

# SIGTERM: a clean exit, the socket and the TUN device gone
kill -TERM "${pids[0]}"
wait "${pids[0]}"
status=$?
check "SIGTERM: exit status 0 (got $status)" [ "$status" = 0 ]
refute "SIGTERM: the UAPI socket is removed" [ -e "/var/run/wireguard/$ifa.sock" ]
refute "SIGTERM: the TUN device is gone" ip -n "$nsa" link show "$ifa"

# without -f it daemonises once ready: the command returns, the socket is there
daemonised() {
	ip netns exec "$nsa" env -u WG_PROCESS_FOREGROUND "$tempest" "$ifa" 2>"$tmp/daemon.log" &&
		[ -S "/var/run/wireguard/$ifa.sock" ] && ip -n "$nsa" link show "$ifa" >/dev/null
}
check "daemonised: returned with the device and the socket ready" daemonised
# the daemon is the only process left in a's namespace, and it is ours: stopped at exit
for pid in $(ip netns pids "$nsa"); do pids+=("$pid"); done
td_finish
