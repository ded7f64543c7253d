#!/usr/bin/env bash
# Suite 'netns': service interfaces (docs/dataplane.md, "Service interfaces"). Two namespaces
# made here (mvl*): agent A, whose default route leaves through a veth (the MACVLANs' parent),
# and the LAN across it, with agent B and dnsmasq serving DHCP. A service A → B with
# requires_interface gets a MACVLAN with the MAC derived from its id and a lease from dnsmasq,
# which `arctic services get` shows; a service with a desired address gets that address and no
# DHCP; deleting a service gives its lease back (RELEASE) and removes its interface; after
# `kill -9` the next start keeps the interface (no duplicate, same MAC and address); a clean
# stop removes them. Root only: exits 77 (skipped) for anyone else, or without dnsmasq or the
# tempest plugin (the data plane stays off without its tunnel).
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=netns-common.sh
. "$(dirname "$0")/netns-common.sh"
netns_setup
netns_require_tempest
netns_require python3 dnsmasq

ns_a=mvl$tag-a
ns_l=mvl$tag-l
lan=10.217.$((tag % 200 + 10))
addr_a=$lan.2
addr_b=$lan.1
port=8080

netns_add "$ns_a"
netns_add "$ns_l"
ip link add mvla$tag type veth peer name mvll$tag || skip "cannot create a veth pair"
ip link set mvla$tag netns "$ns_a"
ip link set mvll$tag netns "$ns_l"
ip -n "$ns_a" addr add "$addr_a/24" dev mvla$tag
ip -n "$ns_l" addr add "$addr_b/24" dev mvll$tag
ip -n "$ns_a" link set mvla$tag up
ip -n "$ns_l" link set mvll$tag up
# A's default route names the parent: no service_parent_interface in its agent.conf
ip -n "$ns_a" route add default via "$addr_b"

# dnsmasq on the LAN side, DHCP only (port 0: no DNS), killed by its pid at exit
ip netns exec "$ns_l" dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
	--dhcp-leasefile="$tmp/leases" --pid-file="$tmp/dnsmasq.pid" --interface=mvll$tag \
	--bind-interfaces --dhcp-range="$lan.100,$lan.150,255.255.255.0,2m" --log-dhcp \
	>"$tmp/dnsmasq.log" 2>&1 &
pids+=($!)

start_agent a "$ns_a" "$addr_a"
start_agent b "$ns_l" "$addr_b"
pid_a=${pids[1]}

# wait_for SECONDS COMMAND…: COMMAND succeeds within SECONDS
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$deadline" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

# the interface and MAC of a service, as docs/dataplane.md derives them
ifname_of() { printf 'arc%s' "$(printf '%s' "${1: -12}" | tr '[:upper:]' '[:lower:]')"; }
mac_of() {
	python3 -c 'import hashlib,sys
d = bytearray(hashlib.sha256(sys.argv[1].encode()).digest()[:6])
d[0] = (d[0] & 0xfe) | 2
print(":".join("%02x" % b for b in d))' "$1"
}
link_mac() { ip -n "$ns_a" -o link show "$1" 2>/dev/null | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
link_v4() { ip -n "$ns_a" -o -4 addr show dev "$1" 2>/dev/null | awk '{print $4}' | head -n 1; }
# for wait_for, which runs them again until they hold
has_mac() { [ "$(link_mac "$1")" = "$2" ]; }
has_v4() { [ "$(link_v4 "$1")" = "$2" ]; }
gone() { ! ip -n "$ns_a" link show "$1" >/dev/null 2>&1; }
released() { ! grep -q " $1 " "$tmp/leases"; }
leased() { grep -q " $1 " "$tmp/leases" 2>/dev/null; }
lease_ip() { awk -v mac="$1" '$2 == mac {print $3}' "$tmp/leases"; }
our_links() { ip -n "$ns_a" -o link show type macvlan | grep -c ': arc[0-9a-z]\{12\}@'; }
create_service() {
	arctic_on a "$ns_a" services create --target-peer "$id_b" --requires-interface "$@" 2>&1 |
		sed -n 's/.*ID=\(svc_[A-Za-z0-9]*\).*/\1/p'
}

if arctic_on a "$ns_a" peers add "$addr_b:$port" >"$tmp/join.out" 2>&1; then
	pass "B joined A's cluster"
else
	fail "join: $(cat "$tmp/join.out")"
fi
id_b=$(peer_id_of b)

# DHCP: the interface with its MAC, a lease from dnsmasq, shown by `services get`
svc=$(create_service --name mvl-dhcp)
[ -n "$svc" ] || fail "services create printed no id"
if1=$(ifname_of "$svc")
mac1=$(mac_of "$svc")
if wait_for 15 has_mac "$if1" "$mac1"; then
	pass "$if1 exists with the MAC derived from $svc ($mac1)"
else
	fail "$if1: MAC '$(link_mac "$if1")', want $mac1"
fi
if wait_for 30 leased "$mac1"; then
	ip1=$(lease_ip "$mac1")
	pass "dnsmasq leased $ip1 to $mac1"
else
	fail "no lease for $mac1 in dnsmasq's lease file"
	cat "$tmp/dnsmasq.log"
fi
if wait_for 10 has_v4 "$if1" "${ip1:-none}/24"; then
	pass "$if1 has the leased address $ip1/24"
else
	fail "$if1 has '$(link_v4 "$if1")', want ${ip1:-?}/24"
fi
if [ -z "$(ip -n "$ns_a" route show dev "$if1")" ]; then
	pass "the lease adds no route: the host's own traffic to the LAN stays on the parent"
else
	fail "routes through $if1: $(ip -n "$ns_a" route show dev "$if1")"
fi
# category 1: what enters on the interface is marked for B before any route
if ip netns exec "$ns_a" nft list chain inet arctic route |
	grep "iifname \"$if1\" meta mark set 0x0a7c" >/dev/null; then
	pass "the route chain marks what enters on $if1 for the service's target"
else
	fail "no interface rule for $if1: $(ip netns exec "$ns_a" nft list chain inet arctic route)"
fi
# and `routes explain --interface` names the same service, whatever the addresses
arctic_on a "$ns_a" routes explain --src 192.0.2.1 --dst 198.51.100.1 --interface "$if1" \
	-o json >"$tmp/explain.out" 2>&1
if python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
sys.exit(not (r["category"] == "interface" and r["service_id"] == sys.argv[2]))' \
	"$tmp/explain.out" "$svc"; then
	pass "routes explain --interface $if1: category interface, $svc"
else
	fail "routes explain --interface $if1: $(cat "$tmp/explain.out")"
fi
arctic_on a "$ns_a" services get "$svc" >"$tmp/get.out" 2>&1
if grep -q "^Interface MAC: *$mac1\$" "$tmp/get.out" &&
	grep -q "^Actual Interface IPv4: *${ip1:-none}/24\$" "$tmp/get.out"; then
	pass "services get shows the MAC and the leased address"
else
	fail "services get: $(cat "$tmp/get.out")"
fi

# a desired address: that address, no DHCP
svc2=$(create_service --name mvl-static --desired-ipv4 "$lan.77/24")
if2=$(ifname_of "$svc2")
mac2=$(mac_of "$svc2")
if wait_for 15 has_v4 "$if2" "$lan.77/24"; then
	pass "$if2 has its desired address $lan.77/24"
else
	fail "$if2 has '$(link_v4 "$if2")', want $lan.77/24"
fi
sleep 3
if leased "$mac2"; then
	fail "a service with a desired address asked dnsmasq for a lease"
else
	pass "no DHCP for the service with a desired address"
fi

# the desired address cleared: it goes, and DHCP gives the interface a lease instead
arctic_on a "$ns_a" services update "$svc2" --desired-ipv4 "" >/dev/null 2>&1 ||
	fail "services update --desired-ipv4 ''"
if wait_for 30 leased "$mac2" && wait_for 10 has_v4 "$if2" "$(lease_ip "$mac2")/24" &&
	[ "$(ip -n "$ns_a" -o -4 addr show dev "$if2" | wc -l)" = 1 ]; then
	pass "with the desired address cleared, $if2 has a lease: $(link_v4 "$if2")"
else
	fail "$if2 after clearing its desired address: '$(ip -n "$ns_a" -o -4 addr show dev "$if2")'"
fi

# kill -9 and a restart: the same interface, MAC and address, no duplicate; a MACVLAN named
# like a service's that no service wants (left by a crash) goes, a veth of that name stays
links=$(our_links)
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null
ip -n "$ns_a" link add arc000000000000 link "mvla$tag" type macvlan mode bridge
ip -n "$ns_a" link add arc111111111111 type veth peer name "mvlp$tag"
ip netns exec "$ns_a" "$agent" --config "$tmp/a/agent.conf" --plugin-dir "$plugins" \
	--no-dbus >>"$tmp/a/log" 2>&1 &
pid_a=$!
pids+=("$pid_a")
sleep 5
if [ "$(our_links)" = "$links" ] && [ "$(link_mac "$if1")" = "$mac1" ]; then
	pass "after kill -9 and a restart: $links interfaces, $if1 still $mac1"
else
	fail "after the restart: $(our_links) interfaces (was $links), $if1 '$(link_mac "$if1")'"
fi
if gone arc000000000000 && ! gone arc111111111111; then
	pass "the stale MACVLAN arc000000000000 was deleted, the veth arc111111111111 kept"
else
	fail "after the restart: $(ip -n "$ns_a" -o link show | grep ': arc[01]')"
fi
ip -n "$ns_a" link del arc111111111111
if wait_for 20 has_v4 "$if1" "${ip1:-none}/24" &&
	[ "$(lease_ip "$mac1")" = "${ip1:-none}" ]; then
	pass "$if1 kept its lease $ip1 across the restart"
else
	fail "$if1 has '$(link_v4 "$if1")' after the restart, want ${ip1:-?}/24"
fi

# deleting the service: RELEASE to dnsmasq, the interface gone
arctic_on a "$ns_a" services delete "$svc" --yes >/dev/null 2>&1 || fail "services delete"
if wait_for 10 gone "$if1"; then
	pass "$if1 removed with its service"
else
	fail "$if1 still there after its service was deleted"
fi
if wait_for 10 released "$mac1"; then
	pass "the lease was released (dnsmasq's lease file no longer has $mac1)"
else
	fail "dnsmasq still holds the lease of $mac1"
	cat "$tmp/dnsmasq.log"
fi

# without a default route (and no service_parent_interface) there is no parent: /readyz says
# so, and the interfaces already made stay; with the route back the check passes again
dataplane_check() {
	ip netns exec "$ns_a" curl -s --max-time 2 "http://$addr_a:$port/readyz" |
		python3 -c 'import json,sys
for c in json.load(sys.stdin)["checks"]:
    if c["name"] == "dataplane": print(c["status"], c["message"])'
}
check_says() { dataplane_check | grep -q "$1"; }
ip -n "$ns_a" route del default
svc3=$(create_service --name mvl-noparent)
if wait_for 10 check_says "no IPv4 default route to take the parent interface from"; then
	pass "without a parent, /readyz says why: $(dataplane_check | cut -c1-60)…"
else
	fail "/readyz without a parent: $(dataplane_check)"
fi
gone "$if2" && fail "$if2 was removed when the parent could not be found"
gone "$(ifname_of "${svc3:-svc_x}")" || fail "an interface was made without a parent"
ip -n "$ns_a" route add default via "$addr_b"
arctic_on a "$ns_a" services delete "$svc3" --yes >/dev/null 2>&1 || fail "services delete"
if wait_for 10 check_says "^ok"; then
	pass "with the default route back, the dataplane check passes"
else
	fail "/readyz with the default route back: $(dataplane_check)"
fi

# a clean stop removes the other interface
kill -TERM "$pid_a"
wait "$pid_a" 2>/dev/null
if [ "$(our_links)" = 0 ]; then
	pass "service interfaces removed on SIGTERM"
else
	fail "left on A after SIGTERM: $(ip -n "$ns_a" -o link show | grep ': arc')"
fi
grep -q "netmgr" "$tmp/a/log" || fail "A's log names no netmgr"

netns_report a b
