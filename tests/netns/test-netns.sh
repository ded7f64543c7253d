#!/usr/bin/env bash
# Suite 'netns': the handshake failures that need a real network path between two hosts.
# Two network namespaces made here, joined by a veth pair, one agent in each; nftables rules
# drop packets the way a firewall would:
#   - a connection to B's API port never completes: `handshake failed: connection timeout`
#   - A reaches B but B cannot reach A back (one-way): the reachability check says so
# and, once the rules are gone, the same agents join. Root only: exits 77 (skipped) for
# anyone else or where ip/nft/netns are missing. Traffic stays inside the namespaces.
set -uo pipefail

build=${ARC_BUILD_ROOT:?ARC_BUILD_ROOT is not set}
agent=$build/daemon/arctic-agent
cli=$build/cli/arctic
licensetool=$build/cli/arctic-license
plugins=$build/plugins/all

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null || skip "needs ip (iproute2)"
command -v nft >/dev/null || skip "needs nft (nftables)"
command -v curl >/dev/null || skip "needs curl"

tag=$$
ns_a=arcA$tag
ns_b=arcB$tag
veth_a=arvA$tag
veth_b=arvB$tag
net=10.213.$((tag % 200 + 10))
addr_a=$net.1
addr_b=$net.2
port=8080
tmp=$(mktemp -d /tmp/arctic-netns-XXXXXX)
pids=()
failures=0

cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	ip netns del "$ns_a" 2>/dev/null
	ip netns del "$ns_b" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! ip netns add "$ns_a" 2>/dev/null; then
	skip "cannot create network namespaces here"
fi
ip netns add "$ns_b" || skip "cannot create network namespaces here"
ip link add "$veth_a" type veth peer name "$veth_b" || skip "cannot create a veth pair"
ip link set "$veth_a" netns "$ns_a"
ip link set "$veth_b" netns "$ns_b"
ip -n "$ns_a" addr add "$addr_a/24" dev "$veth_a"
ip -n "$ns_b" addr add "$addr_b/24" dev "$veth_b"
for ns in "$ns_a" "$ns_b"; do
	ip -n "$ns" link set lo up
done
ip -n "$ns_a" link set "$veth_a" up
ip -n "$ns_b" link set "$veth_b" up

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

# one agent per namespace, trusting one issuer
mkdir -p "$tmp/issuers"
"$licensetool" keygen --secret "$tmp/issuer.key" --public "$tmp/issuers/test.pub" >/dev/null
chmod 0644 "$tmp/issuers/test.pub"
"$licensetool" issue --key "$tmp/issuer.key" --customer-id cust_NETNS --days 30 \
	--max-nodes 5 --max-services 10 --output "$tmp/license.json" >/dev/null 2>&1

start_agent() {
	local name=$1 ns=$2 addr=$3
	mkdir -p "$tmp/$name"
	cat >"$tmp/$name/agent.conf" <<CONF
[agent]
data_dir=$tmp/$name/data
listen=$addr:$port
log_format=text
recovery_token_file=$tmp/$name/recovery.token

[peers]
handshake_timeout=3
reach_back_timeout=2

[plugin:ed25519-file]
issuers_dir=$tmp/issuers
CONF
	ip netns exec "$ns" "$agent" --config "$tmp/$name/agent.conf" --plugin-dir "$plugins" \
		--no-dbus >"$tmp/$name/log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		if ip netns exec "$ns" curl -sf --max-time 1 "http://$addr:$port/livez" >/dev/null; then
			break
		fi
		sleep 0.1
	done
	ip netns exec "$ns" env ARCTIC_CONFIG="$tmp/$name/cli.yaml" "$cli" bootstrap \
		--url "http://$addr:$port" --license-file "$tmp/license.json" --name "$name" \
		>"$tmp/$name/bootstrap.out" || {
		cat "$tmp/$name/log"
		echo "FAIL: bootstrap of $name"
		exit 1
	}
}

# arctic, as the operator of host NAME runs it there
arctic_on() {
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" env ARCTIC_CONFIG="$tmp/$name/cli.yaml" "$cli" "$@"
}

peers_of() {
	arctic_on "$1" "$2" peers list -o json
}

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
[ "$(peers_of a "$ns_a")" = "$before_a" ] && pass "A unchanged" || fail "A's peers changed"
[ "$(peers_of b "$ns_b")" = "$before_b" ] && pass "B unchanged" || fail "B's peers changed"
grep -q "failed at connect" "$tmp/a/log" && pass "A logged it" || fail "A did not log the failure"
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
grep -q "cannot reach" "$tmp/b/log" && pass "B logged that it cannot reach A" ||
	fail "B did not log the probe failure"
# "Test Network Both Directions"
ip netns exec "$ns_a" curl -sf --max-time 2 "http://$addr_b:$port/livez" >/dev/null &&
	pass "A -> B livez answers" || fail "A -> B livez"
ip netns exec "$ns_b" curl -sf --max-time 2 "http://$addr_a:$port/livez" >/dev/null &&
	fail "B -> A livez answered through the drop rule" || pass "B -> A livez times out"
[ "$(peers_of a "$ns_a")" = "$before_a" ] && pass "A unchanged" || fail "A's peers changed"
[ "$(peers_of b "$ns_b")" = "$before_b" ] && pass "B unchanged" || fail "B's peers changed"
no_firewall "$ns_a"

# 3. The path is clear again: the same agents join
if arctic_on a "$ns_a" peers add "$addr_b:$port" >/dev/null 2>"$tmp/join.err"; then
	pass "A and B join once the path is clear"
else
	fail "join: $(cat "$tmp/join.err")"
fi
b_id=$(sed -n 's/^Peer ID: *//p' "$tmp/b/bootstrap.out")
a_id=$(sed -n 's/^Peer ID: *//p' "$tmp/a/bootstrap.out")
peers_of a "$ns_a" | grep -q "$b_id" && pass "A stored B" || fail "A did not store B"
peers_of b "$ns_b" | grep -q "$a_id" && pass "B stored A at $addr_a" || fail "B did not store A"
peers_of b "$ns_b" | grep -q "\"$addr_a:$port\"" || fail "B stored A at another address"

if [ "$failures" -gt 0 ]; then
	echo "--- log of A"
	cat "$tmp/a/log"
	echo "--- log of B"
	cat "$tmp/b/log"
	echo "$failures check(s) failed"
	exit 1
fi
echo "all netns checks passed"
