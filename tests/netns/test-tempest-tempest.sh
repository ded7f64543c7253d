#!/usr/bin/env bash
# arctic-tempest on both sides: ping and iperf3 both ways; a wrong key gives no handshake and
# delivers nothing; wg showconf | wg setconf | wg showconf gives the same configuration back.
# Root only (77 otherwise).
set -u
# shellcheck source=tempest-common.sh source-path=SCRIPTDIR
. "$(dirname "$0")/tempest-common.sh"

td_setup
td_pair "$tempest" "$tempest" || td_finish

td_ping "$nsa" 10.211.0.2 || sleep 1
td_ping "$nsa" 10.211.0.2 && pass "ping a -> b" || fail "ping a -> b"
td_ping "$nsb" 10.211.0.1 && pass "ping b -> a" || fail "ping b -> a"
if command -v iperf3 >/dev/null; then
	ip netns exec "$nsb" iperf3 -s -1 -D -I "$tmp/iperf.pid" >/dev/null 2>&1
	sleep 0.3
	timeout 15 ip netns exec "$nsa" iperf3 -c 10.211.0.2 -t 2 --connect-timeout 3000 \
		>"$tmp/iperf.txt" 2>&1 && pass "iperf3 TCP a -> b" || fail "iperf3 TCP a -> b"
	kill "$(cat "$tmp/iperf.pid" 2>/dev/null)" 2>/dev/null
fi

# showconf round trip on a: what it shows, set again, shows the same
ip netns exec "$nsa" wg showconf "$ifa" >"$tmp/conf1"
grep -q "^PrivateKey = $(cat "$tmp/ka")$" "$tmp/conf1" &&
	grep -q "^ListenPort = 51820$" "$tmp/conf1" &&
	grep -q "^PublicKey = $(wg pubkey <"$tmp/kb")$" "$tmp/conf1" &&
	grep -q "^AllowedIPs = 10.211.0.2/32$" "$tmp/conf1" &&
	grep -q "^Endpoint = 10.210.0.2:51820$" "$tmp/conf1" &&
	pass "wg showconf shows what was set" || fail "wg showconf: $(cat "$tmp/conf1")"
ip netns exec "$nsa" wg setconf "$ifa" "$tmp/conf1" || fail "wg setconf refused its own showconf"
ip netns exec "$nsa" wg showconf "$ifa" >"$tmp/conf2"
cmp -s "$tmp/conf1" "$tmp/conf2" && pass "wg showconf | wg setconf | wg showconf is stable" ||
	fail "showconf changed: $(diff "$tmp/conf1" "$tmp/conf2")"
td_ping "$nsa" 10.211.0.2 && pass "traffic after setconf" || fail "no traffic after setconf"

# a wrong key: b is told a key that is not a's; a new pair of peers with fresh addresses
ip netns exec "$nsb" wg set "$ifb" peer "$(wg pubkey <"$tmp/ka")" remove \
	peer "$(wg pubkey <"$tmp/kx")" allowed-ips 10.211.0.1/32 endpoint 10.210.0.1:51820
ip netns exec "$nsa" wg set "$ifa" peer "$(wg pubkey <"$tmp/kb")" remove \
	peer "$(wg pubkey <"$tmp/kb")" allowed-ips 10.211.0.2/32 endpoint 10.210.0.2:51820
ip netns exec "$nsa" ping -c 4 -i 0.3 -W 1 -q 10.211.0.2 >/dev/null 2>&1 &&
	fail "a ping went through with a wrong key" || pass "no ping with a wrong key"
ip netns exec "$nsb" ping -c 4 -i 0.3 -W 1 -q 10.211.0.1 >/dev/null 2>&1 &&
	fail "a ping went back with a wrong key" || pass "no ping back with a wrong key"
[ "$(td_handshake "$nsa" "$ifa")" = 0 ] && [ "$(td_handshake "$nsb" "$ifb")" = 0 ] &&
	pass "no handshake on either side" || fail "a handshake happened with a wrong key"
read -r rx _ <<<"$(td_transfer "$nsb" "$ifb")"
[ "${rx:-1}" = 0 ] && pass "b received nothing from a" || fail "b received $rx bytes"
td_finish
