#!/usr/bin/env bash
# The data plane in network namespaces (all named dp-*): what fwmgr and netmgr put in the
# kernel, and where packets go. Root only; skipped (77) otherwise.
#   (a) a foreign nftables table and a foreign ip rule survive apply, change and stop;
#   (b) after a crash (apply, exit without stopping) a fresh agent applying another view
#       leaves no duplicate and no stale rule or route, and one table;
#   (c) routes decide the peer: random route tables (IPv4 and IPv6), UDP and ICMP forwarded
#       from a client and sent by the agent itself reach the peer namespace `routes explain`
#       names (veth pairs named like the tunnel devices stand in for the tunnels), the WAN
#       when explain finds no route, the peer is over_limit or the license suspended; TCP is
#       never marked; echo replies come back the same way; all under strict reverse-path
#       filtering;
#   (d) on the exit side, what comes out of a tunnel device is forwarded and masqueraded.
set -uo pipefail

build=${ARC_BUILD_ROOT:?ARC_BUILD_ROOT is not set}
prog=$build/tests/netns/arc-dataplane-netns
failures=0
namespaces=()

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

cleanup() {
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null || skip "needs ip (iproute2)"
command -v nft >/dev/null || skip "needs nft (nftables)"
trap cleanup EXIT

tag=$$
agent=dp-agent-$tag
client=dp-client-$tag
wan=dp-wan-$tag
peers=("dp-peer1-$tag" "dp-peer2-$tag" "dp-peer3-$tag")

netns_add() {
	ip netns add "$1" 2>/dev/null || skip "cannot create network namespaces here"
	namespaces+=("$1")
	ip -n "$1" link set lo up
}

in_agent() {
	ip netns exec "$agent" "$@"
}

# the rules of our tables (0xa7c0 = 42944 and up), one line each
our_rules() {
	{
		in_agent ip -4 rule show
		in_agent ip -6 rule show
	} | grep -E 'lookup (429[4-9][0-9]|43[0-9]{3})' | sort
}

netns_add "$agent"

# ---- (a) foreign table and rule survive ----
in_agent nft -f - <<'NFT'
table inet keepme {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 4242 counter accept
	}
}
NFT
in_agent ip rule add fwmark 0x1234 lookup 77 pref 20000
foreign_before=$(in_agent nft list table inet keepme)
in_agent "$prog" apply peer_1 peer_2 >/dev/null || fail "(a) first apply"
in_agent "$prog" apply peer_2 peer_3 >/dev/null || fail "(a) changed apply"
in_agent nft list table inet arctic >/dev/null 2>&1 || fail "(a) no table inet arctic after apply"
in_agent "$prog" stop || fail "(a) stop"
if [ "$(in_agent nft list table inet keepme)" != "$foreign_before" ]; then
	fail "(a) table inet keepme changed"
elif ! grep -q 'fwmark 0x1234 lookup 77' <<<"$(in_agent ip rule show)"; then
	fail "(a) the foreign ip rule is gone"
elif in_agent nft list table inet arctic >/dev/null 2>&1; then
	fail "(a) table inet arctic left after stop"
elif [ -n "$(our_rules)" ]; then
	fail "(a) rules left after stop: $(our_rules)"
else
	pass "(a) the foreign table and rule survive apply, change and stop; ours are gone"
fi

# ---- (b) a crash, then another view ----
out=$(in_agent "$prog" apply peer_1 peer_2 peer_3) || fail "(b) apply before the crash"
slot1=$(sed -n 's/^slot peer_1 //p' <<<"$out")
slot3=$(sed -n 's/^slot peer_3 //p' <<<"$out")
# leftovers a crash might leave: a second rule for the mark of a peer that stays (the kernel
# refuses an exact duplicate), and a route in the table of a peer that goes
in_agent ip rule add fwmark $((0x0a7c0000 + slot1)) lookup $((0xa7c0 + slot1)) pref 10001
in_agent ip route add unreachable 192.0.2.0/24 table $((0xa7c0 + slot3))
out=$(in_agent "$prog" apply peer_1 peer_2) || fail "(b) apply after the crash: $out"
for manager in netmgr iptunmgr fwmgr; do
	grep -q "^$manager: up" <<<"$out" || fail "(b) the report does not say $manager is up: $out"
done
want=$(for p in peer_1 peer_2; do
	s=$(sed -n "s/^slot $p //p" <<<"$out")
	printf '10000:\tfrom all fwmark %#x lookup %d\n' $((0x0a7c0000 + s)) $((0xa7c0 + s))
	printf '10000:\tfrom all fwmark %#x lookup %d\n' $((0x0a7c0000 + s)) $((0xa7c0 + s))
done | sort)
if [ "$(our_rules)" != "$want" ]; then
	fail "(b) the rules are not exactly the view's:"
	our_rules
	echo "wanted:"
	echo "$want"
elif [ -n "$(in_agent ip route show table $((0xa7c0 + slot3)) 2>/dev/null)" ]; then
	fail "(b) the stale table $((0xa7c0 + slot3)) still has routes"
elif [ "$(in_agent nft list tables | grep -c 'table inet arctic')" != 1 ]; then
	fail "(b) not exactly one table inet arctic"
elif ! grep -q '^unreachable default' \
	<<<"$(in_agent ip route show table $((0xa7c0 + $(sed -n 's/^slot peer_1 //p' <<<"$out"))))"; then
	fail "(b) a peer without a device does not get an unreachable default route"
else
	pass "(b) after a crash: no duplicate, no stale rule or route, one table"
fi
in_agent "$prog" stop

# ---- (c) routes decide the peer ----
netns_add "$client"
netns_add "$wan"
for ns in "${peers[@]}"; do
	netns_add "$ns"
done
# strict reverse-path filtering, as some distributions have it: the data plane must cope
in_agent sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1
# addr NS DEV ADDR…: addresses, IPv6 ones without duplicate address detection
addr() {
	local ns=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "$ns" addr add "$a" dev "$dev" nodad ;;
		*) ip -n "$ns" addr add "$a" dev "$dev" ;;
		esac
	done
	ip -n "$ns" link set "$dev" up
}
ip -n "$agent" link add lan0 type veth peer name lan0 netns "$client"
addr "$agent" lan0 192.168.50.1/24 192.168.60.1/24 fd50::1/64 fd60::1/64
addr "$agent" lo 192.168.70.1/32 fd70::1/128
addr "$client" lan0 192.168.50.2/24 192.168.50.3/24 192.168.60.2/24 fd50::2/64 fd50::3/64 \
	fd60::2/64
ip -n "$client" route add default via 192.168.50.1
ip -n "$client" -6 route add default via fd50::1
ip -n "$agent" link add wan0 type veth peer name wan0 netns "$wan"
addr "$agent" wan0 198.18.0.1/30 fd18::1/64
addr "$wan" wan0 198.18.0.2/30 fd18::2/64
ip -n "$agent" route add default via 198.18.0.2
ip -n "$agent" -6 route add default via fd18::2
# the way back: without it IPv6 does not deliver what comes from the agent's own addresses
ip -n "$wan" route add default via 198.18.0.1
ip -n "$wan" -6 route add default via fd18::1
i=0
for ns in "$wan" "${peers[@]}"; do
	# every address of 10/8 and fd10::/16 is local here: what arrives is delivered, and seen
	ip -n "$ns" route add local 10.0.0.0/8 dev lo
	ip -n "$ns" -6 route add local fd10::/16 dev lo
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
	[ "$ns" = "$wan" ] && continue
	i=$((i + 1))
	dev=$("$prog" device "peer_$i")
	mac=02:dc:00:00:00:0$i
	# like a TUN device: no ARP nor neighbour discovery; both ends share a MAC so that
	# frames are for the other end
	ip -n "$agent" link add "$dev" address $mac type veth peer name tun0 netns "$ns" address $mac
	ip -n "$agent" link set "$dev" arp off
	ip -n "$ns" link set tun0 arp off
	addr "$agent" "$dev" "172.31.$i.1/30" "fd31:$i::1/64"
	addr "$ns" tun0 "172.31.$i.2/30" "fd31:$i::2/64"
done
# IPv6 is usable once the link-local addresses have passed duplicate address detection and
# the neighbours are known: the first packets are not the test's
for _ in $(seq 30); do
	tentative=0
	for ns in "$agent" "$client" "$wan" "${peers[@]}"; do
		[ -z "$(ip -n "$ns" -6 addr show tentative)" ] || tentative=1
	done
	[ "$tentative" = 0 ] && break
	sleep 0.1
done
ip netns exec "$client" ping -6 -c1 -W2 fd50::1 >/dev/null || fail "(c) the client cannot reach the agent"
in_agent ping -6 -c1 -W2 fd18::2 >/dev/null || fail "(c) the agent cannot reach the WAN"
if timeout 60 ip netns exec "$agent" "$prog" routes "$client" "$wan" "${peers[@]}"; then
	pass "(c) every packet reached the peer explain names; TCP and unrouted ones the WAN"
else
	fail "(c) routes decide the peer"
fi
if in_agent nft list table inet arctic >/dev/null 2>&1 || [ -n "$(our_rules)" ]; then
	fail "(c) stop left something behind"
fi

# ---- (d) the exit side: what comes out of a tunnel is forwarded and masqueraded ----
src=dp-src-$tag
exit_ns=dp-exit-$tag
srv=dp-srv-$tag
netns_add "$src"
netns_add "$exit_ns"
netns_add "$srv"
ip -n "$src" link add up0 type veth peer name "$("$prog" device peer_src)" netns "$exit_ns"
addr "$src" up0 172.30.0.1/30
addr "$exit_ns" "$("$prog" device peer_src)" 172.30.0.2/30
ip -n "$exit_ns" link add out0 type veth peer name out0 netns "$srv"
addr "$exit_ns" out0 198.51.100.1/24
addr "$srv" out0 198.51.100.2/24
ip -n "$src" route add 198.51.100.0/24 via 172.30.0.2
# the server has no way back to 172.30.0.0/30: only a masqueraded request gets a reply
if ip netns exec "$src" ping -c1 -W1 198.51.100.2 >/dev/null 2>&1; then
	fail "(d) the server answers before the exit applies a view: the check proves nothing"
fi
ip netns exec "$exit_ns" "$prog" apply peer_src >/dev/null || fail "(d) apply on the exit"
if ip netns exec "$src" ping -c1 -W2 198.51.100.2 >/dev/null 2>&1; then
	pass "(d) the exit forwards and masquerades what comes out of a tunnel"
else
	fail "(d) no reply through the exit"
fi
ip netns exec "$exit_ns" "$prog" stop

if [ "$failures" -gt 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"
