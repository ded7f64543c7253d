#!/usr/bin/env bash
# Suite 'netns': the handshake failures that need a real network path between two hosts.
# Two network namespaces made here, joined by a veth pair, one agent in each; nftables rules
# drop packets the way a firewall would:
#   - a connection to B's API port never completes: `handshake failed: connection timeout`
#   - A reaches B but B cannot reach A back (one-way): the reachability check says so
# and, once the rules are gone, the same agents join. Root only: exits 77 (skipped) for
# anyone else or where ip/nft/netns are missing. Traffic stays inside the namespaces.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=netns-common.sh
. "$(dirname "$0")/netns-common.sh"
netns_setup

ns_a=arcA$tag
ns_b=arcB$tag
veth_a=arvA$tag
veth_b=arvB$tag
net=10.213.$((tag % 200 + 10))
addr_a=$net.1
addr_b=$net.2
port=8080

netns_add "$ns_a"
netns_add "$ns_b"
ip link add "$veth_a" type veth peer name "$veth_b" || skip "cannot create a veth pair"
ip link set "$veth_a" netns "$ns_a"
ip link set "$veth_b" netns "$ns_b"
ip -n "$ns_a" addr add "$addr_a/24" dev "$veth_a"
ip -n "$ns_b" addr add "$addr_b/24" dev "$veth_b"
ip -n "$ns_a" link set "$veth_a" up
ip -n "$ns_b" link set "$veth_b" up

firewall() {
	local ns=$1 veth=$2
	ip netns exec "$ns" nft add table inet arctictest
	ip netns exec "$ns" nft add chain inet arctictest input \
		'{ type filter hook input priority 0; policy accept; }'
	ip netns exec "$ns" nft add rule inet arctictest input iifname "$veth" tcp dport "$port" drop
}

no_firewall() {
	ip netns exec "$1" nft delete table inet arctictest
}

start_agent a "$ns_a" "$addr_a"
start_agent b "$ns_b" "$addr_b"

# 1. Connection Timeout: B drops what arrives for its API port
firewall "$ns_b" "$veth_b"
before_a=$(peers_of a "$ns_a")
before_b=$(peers_of b "$ns_b")
started=$(date +%s)
err=$(arctic_on a "$ns_a" peers add "$addr_b:$port" 2>&1 >/dev/null)
rc=$?
took=$(($(date +%s) - started))
if [ "$rc" = 1 ] && [ "$err" = "Error: handshake failed: connection timeout" ]; then
	pass "connection timeout (after ${took}s)"
else
	fail "connection timeout: exit $rc, '$err'"
fi
# the guide's diagnostic: curl http://REMOTE:8080/livez does not answer either
if ip netns exec "$ns_a" curl -s --max-time 2 "http://$addr_b:$port/livez" >/dev/null; then
	fail "livez of B answered through the drop rule"
else
	pass "curl livez of B times out too"
fi
if [ "$(peers_of a "$ns_a")" = "$before_a" ]; then
	pass "A unchanged"
else
	fail "A's peers changed"
fi
if [ "$(peers_of b "$ns_b")" = "$before_b" ]; then
	pass "B unchanged"
else
	fail "B's peers changed"
fi
if grep -q "failed at connect" "$tmp/a/log"; then
	pass "A logged it"
else
	fail "A did not log the failure"
fi
no_firewall "$ns_b"

# 2. One-way reachability: A reaches B, B cannot reach A back
firewall "$ns_a" "$veth_a"
err=$(arctic_on a "$ns_a" peers add "$addr_b:$port" 2>&1 >/dev/null)
rc=$?
expected="Error: handshake failed: the peer cannot reach this agent at its advertised address"
if [ "$rc" = 1 ] && [ "$err" = "$expected" ]; then
	pass "one-way reachability reported"
else
	fail "one-way reachability: exit $rc, '$err'"
fi
if grep -q "cannot reach" "$tmp/b/log"; then
	pass "B logged that it cannot reach A"
else
	fail "B did not log the probe failure"
fi
# "Test Network Both Directions"
if ip netns exec "$ns_a" curl -sf --max-time 2 "http://$addr_b:$port/livez" >/dev/null; then
	pass "A -> B livez answers"
else
	fail "A -> B livez"
fi
if ip netns exec "$ns_b" curl -sf --max-time 2 "http://$addr_a:$port/livez" >/dev/null; then
	fail "B -> A livez answered through the drop rule"
else
	pass "B -> A livez times out"
fi
if [ "$(peers_of a "$ns_a")" = "$before_a" ]; then
	pass "A unchanged"
else
	fail "A's peers changed"
fi
if [ "$(peers_of b "$ns_b")" = "$before_b" ]; then
	pass "B unchanged"
else
	fail "B's peers changed"
fi
no_firewall "$ns_a"

# 3. The path is clear again: the same agents join
if arctic_on a "$ns_a" peers add "$addr_b:$port" >/dev/null 2>"$tmp/join.err"; then
	pass "A and B join once the path is clear"
else
	fail "join: $(cat "$tmp/join.err")"
fi
b_id=$(peer_id_of b)
a_id=$(peer_id_of a)
if peers_of a "$ns_a" | grep "$b_id" >/dev/null; then
	pass "A stored B"
else
	fail "A did not store B"
fi
if peers_of b "$ns_b" | grep "$a_id" >/dev/null; then
	pass "B stored A at $addr_a"
else
	fail "B did not store A"
fi
peers_of b "$ns_b" | grep "\"$addr_a:$port\"" >/dev/null || fail "B stored A at another address"

netns_report a b
