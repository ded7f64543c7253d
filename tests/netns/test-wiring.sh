#!/usr/bin/env bash
# Suite 'netns': the agent runs its data plane (docs/dataplane.md, "In the agent"). Four
# namespaces made here (dw-*): a client behind agent A, agent B across a veth "WAN", a server
# behind B. A service A → B with a route for the server's subnet: a ping and a UDP exchange
# from the client reach the server through the tempest tunnel, masqueraded; after `kill -9`
# the next start of A reconciles without duplicates; a clean stop of A removes its table,
# rules and devices. Root only: exits 77 (skipped) for anyone else, where ip/nft/netns are
# missing, or where the tempest plugin is not built.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=netns-common.sh
. "$(dirname "$0")/netns-common.sh"
netns_setup
netns_require_tempest
netns_require python3 ping

ns_a=dw-a$tag
ns_b=dw-b$tag
ns_c=dw-c$tag
ns_s=dw-s$tag
wan=10.216.$((tag % 200 + 10))
addr_a=$wan.1
addr_b=$wan.2
client=192.168.71.2
server=192.168.72.2
port=8080

netns_add "$ns_a"
netns_add "$ns_b"
netns_add "$ns_c"
netns_add "$ns_s"
# veth NS1 DEV1 ADDR1 NS2 DEV2 ADDR2 (/24 each)
veth() {
	ip link add "$2" type veth peer name "$5" || skip "cannot create a veth pair"
	ip link set "$2" netns "$1"
	ip link set "$5" netns "$4"
	ip -n "$1" addr add "$3/24" dev "$2"
	ip -n "$4" addr add "$6/24" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}
veth "$ns_a" dwwa$tag "$addr_a" "$ns_b" dwwb$tag "$addr_b"
veth "$ns_c" dwcc$tag "$client" "$ns_a" dwca$tag 192.168.71.1
veth "$ns_b" dwsb$tag 192.168.72.1 "$ns_s" dwss$tag "$server"
# the client's gateway is A; the server has no route back to the client's subnet at all
ip -n "$ns_c" route add default via 192.168.71.1

start_agent a "$ns_a" "$addr_a"
start_agent b "$ns_b" "$addr_b"
pid_a=${pids[0]}

# the `dataplane` check of A's /readyz: "ok message"
dataplane_check() {
	ip netns exec "$ns_a" curl -s --max-time 2 "http://$addr_a:$port/readyz" |
		python3 -c 'import json,sys
for c in json.load(sys.stdin)["checks"]:
    if c["name"] == "dataplane": print(c["status"], c["message"])'
}

# wait_for SECONDS COMMAND…: COMMAND succeeds within SECONDS
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$deadline" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

if arctic_on a "$ns_a" peers add "$addr_b:$port" >"$tmp/join.out" 2>&1; then
	pass "B joined A's cluster"
else
	fail "join: $(cat "$tmp/join.out")"
fi
id_b=$(peer_id_of b)
svc=$(arctic_on a "$ns_a" services create --target-peer "$id_b" --name dw-web 2>&1 |
	sed -n 's/.*ID=\(svc_[A-Za-z0-9]*\).*/\1/p')
[ -n "$svc" ] || fail "services create printed no id"
arctic_on a "$ns_a" routes add "$svc" --priority 10 --dest-cidr 192.168.72.0/24 >/dev/null ||
	fail "routes add"

table_present() { ip netns exec "$1" nft list table inet arctic; }
arc_devices() { ip -n "$1" -o link show | grep -c ' arc-'; }
arc_rules() { ip -n "$1" rule show | grep -c 'fwmark 0xa7c'; }
pinged() { ip netns exec "$ns_c" ping -c 1 -W 1 "$server"; }

if wait_for 15 table_present "$ns_a" && wait_for 15 table_present "$ns_b"; then
	pass "table inet arctic on A and B"
else
	fail "no table inet arctic"
fi
check=$(dataplane_check)
case "$check" in
ok*) pass "A's /readyz: dataplane $check" ;;
*) fail "A's /readyz: dataplane '$check'" ;;
esac

# ICMP: the first packets wait for the tunnel's handshake
if wait_for 20 pinged; then
	pass "the client pings the server through the tunnel"
else
	fail "no ping from the client to the server"
	for ns in "$ns_a" "$ns_b"; do
		echo "--- $ns"
		ip -n "$ns" rule show
		ip -n "$ns" addr show
		ip -n "$ns" route show table all | grep -v "^local\|^broadcast\|^multicast"
		ip netns exec "$ns" nft list ruleset
	done
fi

# UDP: the server answers and says whom it saw (B's LAN address: masqueraded)
udp_exchange() {
	ip netns exec "$ns_s" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 5353)); s.settimeout(10)
data, peer = s.recvfrom(100)
s.sendto(b"pong " + data, peer)
print(peer[0])' "$server" >"$tmp/udp-server.out" 2>&1 &
	local srv=$!
	sleep 0.5
	ip netns exec "$ns_c" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
s.sendto(b"ping", (sys.argv[1], 5353))
print(s.recvfrom(100)[0].decode())' "$server" >"$tmp/udp-client.out" 2>&1
	wait "$srv"
}
udp_exchange
if [ "$(cat "$tmp/udp-client.out")" = "pong ping" ]; then
	pass "UDP exchange through the tunnel"
else
	fail "UDP exchange: client got '$(cat "$tmp/udp-client.out")'"
fi
seen=$(cat "$tmp/udp-server.out")
if [ "$seen" = 192.168.72.1 ]; then
	pass "the server saw B's address (masqueraded), not the client's"
else
	fail "the server saw '$seen'"
fi

# what operators see of that tunnel (docs/dataplane.md, "Troubleshooting the tunnel"): a
# recent handshake, bytes both ways, and the same in /metrics
tunnel_line=$(LC_ALL=C arctic_on a "$ns_a" peers get "$id_b" 2>&1 | grep '^Tunnel:')
case "$tunnel_line" in
*"rx 0 bytes"* | *"tx 0 bytes"*) fail "peers get B on A: no traffic in '$tunnel_line'" ;;
*" up, handshake "*" ago, endpoint "*", rx "*", tx "*) pass "peers get B on A: $tunnel_line" ;;
*) fail "peers get B on A: '$tunnel_line'" ;;
esac
if ip netns exec "$ns_a" curl -s --max-time 2 "http://$addr_a:$port/metrics" |
	grep -q "^arctic_tunnel_rx_bytes_total{peer=\"$id_b\"} [1-9]"; then
	pass "/metrics on A counts bytes from B"
else
	fail "/metrics on A: no arctic_tunnel_rx_bytes_total for $id_b"
fi

# kill -9, then the next start reconciles: as many rules, devices and one table
rules=$(arc_rules "$ns_a")
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null
ip netns exec "$ns_a" "$agent" --config "$tmp/a/agent.conf" --plugin-dir "$plugins" \
	--no-dbus >>"$tmp/a/log" 2>&1 &
pid_a=$!
pids+=("$pid_a")
if wait_for 20 pinged; then
	pass "after kill -9 and a restart, the client pings the server again"
else
	fail "no ping after the restart"
fi
if [ "$(arc_rules "$ns_a")" = "$rules" ] && [ "$(arc_devices "$ns_a")" = 1 ]; then
	pass "no duplicate rules or devices after the restart ($rules rules)"
else
	fail "after the restart: $(arc_rules "$ns_a") rules (was $rules), $(arc_devices "$ns_a") devices"
fi

# a clean stop removes the table, the rules and the devices
kill -TERM "$pid_a"
wait "$pid_a" 2>/dev/null
if table_present "$ns_a" >/dev/null 2>&1; then
	fail "table inet arctic left on A after SIGTERM"
else
	pass "table inet arctic removed on SIGTERM"
fi
if [ "$(arc_rules "$ns_a")" = 0 ] && [ "$(arc_devices "$ns_a")" = 0 ]; then
	pass "rules and devices removed on SIGTERM"
else
	fail "left on A: $(arc_rules "$ns_a") rules, $(arc_devices "$ns_a") devices"
fi
for log in "$tmp/a/log" "$tmp/b/log"; do
	grep -qE "iptunmgr|netmgr|fwmgr" "$log" || fail "$log names no data-plane subsystem"
done

netns_report a b
