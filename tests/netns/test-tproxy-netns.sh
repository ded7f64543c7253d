#!/usr/bin/env bash
# Suite 'netns': the transparent proxy (docs/dataplane.md, "TCP: the transparent proxy").
# Namespaces tpx<pid>c (client), a (entry, peer_A), b (exit, peer_B), s (server behind B),
# w (the WAN behind A, where what is not captured goes). Every address of 10/8 is local in s
# and in w, whose listeners answer with their name and the source address they saw.
#   (a) random route tables (seed printed; ARC_TEST_SEED=N repeats a run): each connection
#       from the client reaches what `routes explain` names: the exit's side (s) from the
#       exit's address (192.168.82.1), or from the client's own with fully_transparent; w from A's address
#       when the service leaves at A; w from the client's address when no route carries it
#       (not captured); every byte arrives, and the half-close after them;
#   (b) A's own connections: to B's API (a route covers it) are not captured, other ports
#       of B are (locally originated capture: output, lo, prerouting);
#   (c) 4 MiB cross entry and exit intact;
#   (d) after kill -9 the table stays and fails closed: a captured connection is refused at
#       once (RST), one no route takes still goes straight; a restart reconciles and carries
#       again;
#   (e) a clean stop removes the table and the proxy's rules: nothing is captured.
#   (g) (run after (c)) TCP from namespace l, on the LAN of svc_self's interface (a veth in A
#       with that name, standing in for its MACVLAN), to 10.250.0.1, which route 98 of svc_b
#       wins for the client: svc_self's (the interface first, docs/routing.md), so A
#       connects directly (w sees A's address), while the client's goes to the exit.
# Parts (a)-(e) carry the streams between entry and exit over plain TCP (a test fixture in
# arc-tproxy-netns.c), so that they test the proxy alone:
#   (f) two real agents (A, B joined) with the `tcp` transport plugin: a service A → B and a
#       fully_transparent one, created with the CLI; the server sees B's address, then the
#       client's.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=netns-common.sh
. "$(dirname "$0")/netns-common.sh"
netns_setup
netns_require python3
# a timeout's SIGTERM still runs the EXIT trap (namespaces, processes and files removed)
trap 'exit 143' TERM INT

prog=$build/tests/netns/arc-tproxy-netns
probe_py=$(dirname "$0")/tpx-probe.py
seed=${ARC_TEST_SEED:-$RANDOM}
t=tpx$$
ns_c=${t}c ns_a=${t}a ns_b=${t}b ns_s=${t}s ns_w=${t}w ns_l=${t}l
for ns in "$ns_c" "$ns_a" "$ns_b" "$ns_s" "$ns_w" "$ns_l"; do
	netns_add "$ns"
done
# link NS1 ADDR1 NS2 ADDR2 PREFIX: a veth pair between two namespaces
n=0
link() {
	n=$((n + 1))
	ip link add "${t}x$n" type veth peer name "${t}y$n" || skip "cannot create a veth pair"
	ip link set "${t}x$n" netns "$1"
	ip link set "${t}y$n" netns "$3"
	ip -n "$1" addr add "$2/$5" dev "${t}x$n"
	ip -n "$3" addr add "$4/$5" dev "${t}y$n"
	ip -n "$1" link set "${t}x$n" up
	ip -n "$3" link set "${t}y$n" up
}
link "$ns_c" 192.168.81.2 "$ns_a" 192.168.81.1 24
link "$ns_a" 198.51.100.1 "$ns_b" 198.51.100.2 24
link "$ns_a" 198.51.101.1 "$ns_w" 198.51.101.2 30
link "$ns_b" 192.168.82.1 "$ns_s" 192.168.82.2 24
# (g) svc_self's interface in A, under its own name (the device is made before the agent
# starts: it listens on the interfaces that exist)
lan_if=$("$prog" ifname svc_self)
ip link add "${t}x9" type veth peer name "${t}y9" || skip "cannot create a veth pair"
ip link set "${t}x9" netns "$ns_a"
ip link set "${t}y9" netns "$ns_l"
ip -n "$ns_a" link set "${t}x9" name "$lan_if"
ip -n "$ns_a" addr add 192.168.83.1/24 dev "$lan_if"
ip -n "$ns_l" addr add 192.168.83.2/24 dev "${t}y9"
ip -n "$ns_a" link set "$lan_if" up
ip -n "$ns_l" link set "${t}y9" up
ip -n "$ns_l" route add default via 192.168.83.1
ip -n "$ns_c" route add default via 192.168.81.1
ip -n "$ns_a" route add default via 198.51.101.2
ip -n "$ns_b" route add 10.0.0.0/8 via 192.168.82.2
ip -n "$ns_b" route add 192.168.81.0/24 via 198.51.100.1
ip -n "$ns_s" route add default via 192.168.82.1
ip -n "$ns_w" route add default via 198.51.101.1
for ns in "$ns_s" "$ns_w"; do
	ip -n "$ns" route add local 10.0.0.0/8 dev lo
done
ip netns exec "$ns_b" sysctl -qw net.ipv4.conf.all.rp_filter=0

ip netns exec "$ns_s" python3 "$probe_py" serve S 7000 &
pids+=($!)
ip netns exec "$ns_w" python3 "$probe_py" serve W 7000 &
pids+=($!)
ip netns exec "$ns_b" python3 "$probe_py" serve B-api 8080 &
pids+=($!)
ip netns exec "$ns_b" python3 "$probe_py" serve B 7000 &
pids+=($!)

dsts=(10.1.2.3 10.1.2.4 10.1.9.9 10.2.3.4 10.3.3.3 10.200.0.1 10.250.0.1)
echo "seed $seed"

# start_side entry|exit: the program in its namespace, until it says ready
start_side() {
	local out=$tmp/$1.out
	if [ "$1" = entry ]; then
		ip netns exec "$ns_a" "$prog" entry "$seed" 198.51.100.2 198.51.100.1 "${dsts[@]}" \
			>"$out" 2>"$tmp/$1.log" &
	else
		ip netns exec "$ns_b" "$prog" exit "$seed" 198.51.100.1 198.51.100.2 \
			>"$out" 2>"$tmp/$1.log" &
	fi
	pids+=($!)
	if [ "$1" = entry ]; then pid_entry=$!; else pid_exit=$!; fi
	for _ in $(seq 50); do
		grep -q '^ready' "$out" 2>/dev/null && return 0
		sleep 0.1
	done
	cat "$tmp/$1.log"
	fail "the $1 side did not start"
	exit 1
}
probe() { ip netns exec "$1" python3 "$probe_py" probe "$2" "$3" "${4:-100}"; }
# check GOT WANT WHAT: passes WHAT when GOT is WANT
check() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3: got '$1', want '$2'"
	fi
}
pid_entry='' pid_exit=''

start_side exit
start_side entry
grep '^route' "$tmp/entry.out"
# what a connection must meet, from what explain's evaluation names
want() {
	case $1 in
	exit) echo "S 192.168.82.1" ;; # the exit's own address towards s
	exit-transparent) echo "S 192.168.81.2" ;;
	direct) echo "W 198.51.101.1" ;;
	none) echo "W 192.168.81.2" ;;
	esac
}

# ---- (a) every connection where explain says ----
check_all() {
	local label=$1 bad=0 dst what got
	while read -r _ dst what; do
		got=$(probe "$ns_c" "$dst" 7000)
		if [ "$got" != "$(want "$what")" ]; then
			fail "($label) $dst: explain says $what ($(want "$what")), the server saw: $got"
			bad=1
		fi
	done < <(grep '^expect' "$tmp/entry.out")
	[ "$bad" = 0 ] && pass "($label) ${#dsts[@]} connections reached what explain names"
}
check_all a

# ---- (b) the agent's own connections ----
got=$(probe "$ns_a" 198.51.100.2 8080)
check "$got" "B-api 198.51.100.1" "(b) A's connection to B's API is not captured"
got=$(probe "$ns_a" 198.51.100.2 7000)
check "$got" "B 198.51.100.2" "(b) A's own connection along a route is captured"

# ---- (c) a larger transfer through entry and exit ----
got=$(probe "$ns_c" 198.51.100.2 7000 4194304)
check "$got" "B 198.51.100.2" "(c) 4 MiB crossed entry and exit intact"

# ---- (g) TCP entering on a service's interface is that service's ----
grep -q '^expect 10.250.0.1 exit$' "$tmp/entry.out" ||
	fail "(g) route 98 of svc_b does not win 10.250.0.1 for the client: $(grep 10.250 "$tmp/entry.out")"
got=$(probe "$ns_l" 10.250.0.1 7000)
check "$got" "W 198.51.101.1" "(g) from svc_self's interface: svc_self's, connected directly by A"
# the device made again under the same name (a new index): the proxy listens on it again
ip -n "$ns_a" link del "$lan_if"
ip link add "${t}x9" type veth peer name "${t}y9"
ip link set "${t}x9" netns "$ns_a"
ip link set "${t}y9" netns "$ns_l"
ip -n "$ns_a" link set "${t}x9" name "$lan_if"
ip -n "$ns_a" addr add 192.168.83.1/24 dev "$lan_if"
ip -n "$ns_l" addr add 192.168.83.2/24 dev "${t}y9"
ip -n "$ns_a" link set "$lan_if" up
ip -n "$ns_l" link set "${t}y9" up
ip -n "$ns_l" route add default via 192.168.83.1
sleep 1.5
got=$(probe "$ns_l" 10.250.0.1 7000)
check "$got" "W 198.51.101.1" "(g) the interface made again: still svc_self's"

# ---- (d) kill -9: fail-closed, then a restart reconciles ----
kill -9 "$pid_entry"
wait "$pid_entry" 2>/dev/null
captured='' uncaptured=''
while read -r _ dst what; do
	[ "$what" = none ] && uncaptured=$dst || captured=$dst
done < <(grep '^expect' "$tmp/entry.out")
ip netns exec "$ns_a" nft list table inet arctic >/dev/null 2>&1 ||
	fail "(d) the table is gone after kill -9"
if [ -n "$captured" ]; then
	got=$(probe "$ns_c" "$captured" 7000)
	check "$got" "refused" "(d) after kill -9 a captured connection to $captured is refused"
fi
if [ -n "$uncaptured" ]; then
	got=$(probe "$ns_c" "$uncaptured" 7000)
	check "$got" "W 192.168.81.2" "(d) $uncaptured, which no route takes, still goes straight"
fi
rules_before=$(ip -n "$ns_a" rule show | grep -c 'fwmark 0xa7c')
start_side entry
rules_after=$(ip -n "$ns_a" rule show | grep -c 'fwmark 0xa7c')
check "$rules_after" "$rules_before" "(d) the restart left no duplicate rule ($rules_after)"
check_all "d, restarted"

# ---- (e) a clean stop removes the capture ----
kill -TERM "$pid_entry"
wait "$pid_entry" 2>/dev/null
if ip netns exec "$ns_a" nft list table inet arctic >/dev/null 2>&1; then
	fail "(e) table inet arctic left after a clean stop"
elif [ "$(ip -n "$ns_a" rule show | grep -c 'fwmark 0xa7c')" != 0 ]; then
	fail "(e) rules left after a clean stop: $(ip -n "$ns_a" rule show | grep 0xa7c)"
else
	pass "(e) a clean stop removes the table and the rules"
fi
if [ -n "$captured" ]; then
	got=$(probe "$ns_c" "$captured" 7000)
	check "$got" "W 192.168.81.2" "(e) $captured goes straight once the agent stopped"
fi

# ---- (f) real agents and the tcp transport ----
kill -TERM "$pid_exit"
wait "$pid_exit" 2>/dev/null
if [ ! -e "$plugins/tcp.so" ] || [ ! -e "$plugins/tempest.so" ]; then
	echo "SKIP (f): the tcp or tempest plugin is not built"
else
	port=8081
	start_agent a "$ns_a" 198.51.100.1
	start_agent b "$ns_b" 198.51.100.2
	arctic_on a "$ns_a" peers add "198.51.100.2:$port" >"$tmp/join.out" 2>&1 ||
		fail "(f) join: $(cat "$tmp/join.out")"
	id_b=$(peer_id_of b)
	svc=$(arctic_on a "$ns_a" services create --target-peer "$id_b" --name tpx-plain 2>&1 |
		sed -n 's/.*ID=\(svc_[A-Za-z0-9]*\).*/\1/p')
	svc_t=$(arctic_on a "$ns_a" services create --target-peer "$id_b" --name tpx-transparent \
		--requires-interface --fully-transparent 2>&1 |
		sed -n 's/.*ID=\(svc_[A-Za-z0-9]*\).*/\1/p')
	arctic_on a "$ns_a" routes add "$svc" --priority 10 --dest-cidr 10.1.0.0/16 >/dev/null ||
		fail "(f) routes add"
	arctic_on a "$ns_a" routes add "$svc_t" --priority 10 --dest-cidr 10.2.0.0/16 >/dev/null ||
		fail "(f) routes add (transparent)"
	got=''
	for _ in $(seq 100); do
		got=$(probe "$ns_c" 10.1.2.3 7000)
		[ "$got" = "S 192.168.82.1" ] && break
		sleep 0.2
	done
	check "$got" "S 192.168.82.1" "(f) through real agents and the tcp transport, from B's address"
	got=$(probe "$ns_c" 10.2.3.4 7000 1048576)
	check "$got" "S 192.168.81.2" "(f) fully_transparent: the server saw the client's address"
	got=$(probe "$ns_c" 10.3.3.3 7000)
	check "$got" "W 192.168.81.2" "(f) no route: not captured"
	if [ "$failures" -gt 0 ]; then
		echo "--- agent a"
		grep -E "tproxymgr|transport|netmgr|fwmgr" "$tmp/a/log" | tail -30
		echo "--- agent b"
		grep -E "tproxymgr|transport|netmgr|fwmgr" "$tmp/b/log" | tail -30
	fi
fi

if [ "$failures" -gt 0 ]; then
	echo "entry log:"
	cat "$tmp/entry.log"
	echo "exit log:"
	cat "$tmp/exit.log"
	echo "$failures failure(s) (seed $seed)"
	exit 1
fi
echo "all passed (seed $seed)"
