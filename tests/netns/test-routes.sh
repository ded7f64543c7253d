#!/usr/bin/env bash
# Suite 'netns': traffic follows the routes (issue 14, docs/dataplane.md), through three real
# agents with their data plane and Tempest tunnels. Namespaces rt-<pid>-*: agents A, B and C
# on a bridged WAN (whose own namespace has all of 10.0.0.0/8 local: what is not tunnelled
# arrives there), a client behind A, and behind B and C a destination namespace each, where
# 10.0.0.0/8 is local too. A listener in each of those three records every UDP datagram and
# ICMP echo request that reaches it.
#   1. random route tables on A (seeded: ARC_TEST_SEED; overlapping prefixes, source+
#      destination, source-only and destination-only routes, tied priorities) to B or C: UDP
#      probes (and a few pings) from the client and from A itself reach the peer
#      `arctic routes explain` names, the WAN (clear, untunnelled) when it finds no route;
#   2. while a 50 packets/s flow runs along one route, another route and a service are
#      added, changed and deleted: that traffic follows explain within 1 s of the API's
#      answer, and the steady flow loses nothing;
#   3. `arctic peers delete` C: within 1 s A has no device, tunnel peer or ip rule for C;
#      the random probes again go where explain says; the steady flow to B loses nothing;
#   4. a suspended license on A carries nothing; renewed with max_nodes 1, B is over_limit
#      and its services carry nothing.
# Root only: exits 77 (skipped) for anyone else or where ip/nft/netns/python3/wg are missing.
set -uo pipefail

# shellcheck shell=bash source-path=SCRIPTDIR source=netns-common.sh
. "$(dirname "$0")/netns-common.sh"
netns_setup
netns_require_tempest
netns_require python3 ping wg sha256sum

probe_py=$(dirname "$0")/rt-probe.py
seed=${ARC_TEST_SEED:-$(((RANDOM << 15) | RANDOM))}
echo "seed $seed (ARC_TEST_SEED=$seed repeats this run)"
started=$SECONDS
port=8080
udp=7777
pfx=rt-$tag
ns_wan=$pfx-wan
ns_a=$pfx-a
ns_b=$pfx-b
ns_c=$pfx-c
ns_cl=$pfx-cl
ns_db=$pfx-db
ns_dc=$pfx-dc
# the listeners stop on their own at the latest when the test would have timed out
listen_for=600

for ns in "$ns_wan" "$ns_a" "$ns_b" "$ns_c" "$ns_cl" "$ns_db" "$ns_dc"; do
	netns_add "$ns"
done
# link NS1 DEV1 ADDR1 NS2 DEV2 [ADDR2]: a veth made inside the namespaces (no name is taken
# in the host's namespace)
link() {
	ip -n "$1" link add "$2" type veth peer name "$5" netns "$4" || skip "cannot create a veth"
	ip -n "$1" addr add "$3" dev "$2"
	[ -n "${6:-}" ] && ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}
ip -n "$ns_wan" link add br0 type bridge
ip -n "$ns_wan" addr add 198.18.0.254/24 dev br0
ip -n "$ns_wan" link set br0 up
i=0
for ns in "$ns_a" "$ns_b" "$ns_c"; do
	i=$((i + 1))
	link "$ns" wan0 "198.18.0.$i/24" "$ns_wan" "p$i"
	ip -n "$ns_wan" link set "p$i" master br0
done
link "$ns_a" lan0 192.168.71.1/24 "$ns_cl" lan0 192.168.71.2/24
for h in 3 4 5 6 7 8 9; do
	ip -n "$ns_cl" addr add "192.168.71.$h/24" dev lan0
done
# the steady flows' own source, outside every source CIDR of the random tables
ip -n "$ns_a" addr add 192.168.80.1/24 dev lan0
ip -n "$ns_cl" addr add 192.168.80.2/24 dev lan0
ip -n "$ns_cl" route add default via 192.168.71.1
ip -n "$ns_a" route add default via 198.18.0.254
link "$ns_b" lan0 192.168.72.1/24 "$ns_db" lan0 192.168.72.2/24
link "$ns_c" lan0 192.168.73.1/24 "$ns_dc" lan0 192.168.73.2/24
ip -n "$ns_b" route add 10.0.0.0/8 via 192.168.72.2
ip -n "$ns_c" route add 10.0.0.0/8 via 192.168.73.2
for ns in "$ns_wan" "$ns_db" "$ns_dc"; do
	# every address of 10/8 is this namespace's own: what arrives is delivered, and recorded
	ip -n "$ns" route add local 10.0.0.0/8 dev lo
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.icmp_echo_ignore_all=0
done
ip -n "$ns_db" route add default via 192.168.72.1
ip -n "$ns_dc" route add default via 192.168.73.1

# the listeners: wan, db (behind B), dc (behind C), one file each
for where in wan db dc; do
	ns_var=ns_$where
	ip netns exec "${!ns_var}" timeout $((listen_for + 10)) python3 "$probe_py" listen "$where" "$udp" \
		"$listen_for" >"$tmp/seen-$where" 2>&1 &
	pids+=($!)
done

# each agent its own tunnel interface name: they share /var/run/wireguard
for name in a b c; do
	ns_var=ns_$name
	i=$(( $(printf '%d' "'$name") - 96 ))
	start_agent "$name" "${!ns_var}" "198.18.0.$i" "
[tunnel]
interface=rt${tag: -6}$name"
done
pid_a=${pids[3]}
id_b=$(peer_id_of b)
id_c=$(peer_id_of c)
tif_a=rt${tag: -6}a

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

for peer in 198.18.0.2 198.18.0.3; do
	arctic_on a "$ns_a" peers add "$peer:$port" >"$tmp/join.out" 2>&1 ||
		fail "join $peer: $(cat "$tmp/join.out")"
done
pass "B and C joined A's cluster"

# service NAME TARGET-PEER: creates it on A, prints its id
service() {
	arctic_on a "$ns_a" services create --target-peer "$2" --name "$1" -o json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
# route SERVICE PRIORITY [--source-cidr C] [--dest-cidr C]: adds it on A, prints its id
route() {
	local svc=$1 prio=$2
	shift 2
	arctic_on a "$ns_a" routes add "$svc" --priority "$prio" "$@" -o json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["route_ids"][0])'
}
svc_b1=$(service rt-b1 "$id_b")
svc_b2=$(service rt-b2 "$id_b")
svc_c1=$(service rt-c1 "$id_c")
svc_c2=$(service rt-c2 "$id_c")
if [ -z "$svc_b1" ] || [ -z "$svc_b2" ] || [ -z "$svc_c1" ] || [ -z "$svc_c2" ]; then
	fail "services create"
	netns_report a b c
fi
# R1 carries the steady flow to B; 10.201.0.0/16 stays unrouted until part 2 changes it
route "$svc_b1" 10 --dest-cidr 10.200.1.0/24 >/dev/null
route "$svc_c1" 10 --dest-cidr 10.200.2.0/24 >/dev/null

pinged() { ip netns exec "$ns_cl" ping -c 1 -W 1 -I 192.168.80.2 "$1"; }
if wait_for 30 pinged 10.200.1.1 && wait_for 20 pinged 10.200.2.1; then
	pass "tunnels from A to B and to C carry pings ($((SECONDS - started)) s in)"
else
	fail "no ping through the tunnels"
	[ -n "${RT_KEEP:-}" ] && { echo "kept: $tmp"; sleep 600; }
	netns_report a b c
fi

# ---- explain ----

# ns_of PEER-ID: where a packet for that target peer is delivered (wan: not tunnelled)
ns_of() {
	case $1 in
	"$id_b") echo db ;;
	"$id_c") echo dc ;;
	none) echo wan ;;
	*) echo "explain-failed:$1" ;;
	esac
}

# explain_batch: "ID SRC DST" lines in, "ID NAMESPACE" out: where explain's winner delivers,
# asked of A's API as `arctic routes explain` asks it, with one token for all
explain_batch() {
	local id target
	ip netns exec "$ns_a" python3 "$probe_py" explain "http://198.18.0.1:$port" \
		"$tmp/a/cli.yaml" | while read -r id target; do
		echo "$id $(ns_of "$target")"
	done
}

# explain SRC DST: the same for one packet
explain() {
	echo "- $1 $2" | explain_batch | cut -d' ' -f2
}

# explain_cli SRC DST: the same through the CLI itself
explain_cli() {
	ns_of "$(arctic_on a "$ns_a" routes explain --src "$1" --dst "$2" -o json |
		python3 -c 'import json,sys
s = json.load(sys.stdin).get("service")
print(s["target_peer_id"] if s else "none")')"
}

# arrived ID: the namespaces whose listener saw the UDP probe ID, sorted, space-separated
arrived() {
	awk -v id="$1" '$2 == "udp" && $3 == id {print $1}' "$tmp"/seen-* | sort -u | xargs
}
# pinged_at DST SINCE: the namespaces whose listener saw an echo request to DST since SINCE
pinged_at() {
	awk -v dst="$1" -v t="$2" '$2 == "icmp" && $3 == dst && $5 >= t {print $1}' \
		"$tmp"/seen-* | sort -u | xargs
}

# from_a SRC: whether SRC is one of A's own addresses (the probe is sent by A itself)
from_a() {
	[ "$1" = 192.168.71.1 ] || [ "$1" = 198.18.0.1 ]
}

# probe_round NAME [WANT]: sends the UDP probes of $tmp/probes (ID SRC DST) from the client
# and from A itself, and the pings of $tmp/pings (SRC DST), then checks that each arrived
# exactly in the namespace explain names (or WANT for all, where explain is refused)
probe_round() {
	local name=$1 all=${2:-} id src dst want where since
	sed "s/^/$name-/" "$tmp/probes" >"$tmp/probes-$name"
	awk '{print "ping-" NR, $1, $2}' "$tmp/pings" >"$tmp/pings-$name"
	if [ -n "$all" ]; then
		cat "$tmp/probes-$name" "$tmp/pings-$name" | awk -v w="$all" '{print $1, w}'
	else
		cat "$tmp/probes-$name" "$tmp/pings-$name" | explain_batch
	fi >"$tmp/want-$name"
	# the CLI itself agrees with the lookup used here
	if [ -z "$all" ]; then
		read -r id src dst <"$tmp/probes-$name"
		want=$(awk -v id="$id" '$1 == id {print $2}' "$tmp/want-$name")
		[ "$(explain_cli "$src" "$dst")" = "$want" ] ||
			fail "($name) arctic routes explain and the lookup disagree on $src -> $dst"
	fi
	awk '$2 != "192.168.71.1" && $2 != "198.18.0.1"' "$tmp/probes-$name" >"$tmp/send-client"
	awk '$2 == "192.168.71.1" || $2 == "198.18.0.1"' "$tmp/probes-$name" >"$tmp/send-self"
	ip netns exec "$ns_cl" python3 "$probe_py" send "$udp" "$tmp/send-client" &
	ip netns exec "$ns_a" python3 "$probe_py" send "$udp" "$tmp/send-self"
	wait $!
	since=$(date +%s.%N)
	while read -r id src dst; do
		where=$ns_cl
		from_a "$src" && where=$ns_a
		ip netns exec "$where" ping -c 1 -W 1 -I "$src" "$dst" >/dev/null 2>&1
	done <"$tmp/pings-$name"
	sleep 0.5
	cat "$tmp/probes-$name" "$tmp/pings-$name" >"$tmp/list-$name"
	if ! python3 "$probe_py" verify "$name" "$since" "$tmp/want-$name" "$tmp/list-$name" \
		"$tmp"/seen-* >"$tmp/verify-$name"; then
		failures=$((failures + 1))
		if [ -z "$all" ]; then
			read -r src dst < <(sed -n 's/^FIRST //p' "$tmp/verify-$name")
			arctic_on a "$ns_a" routes explain --src "$src" --dst "$dst"
		fi
	fi
	grep -v '^FIRST ' "$tmp/verify-$name"
}

# ---- 1. random route tables ----
echo "[$((SECONDS - started)) s]"
python3 "$probe_py" tables "$seed" "$tmp" >"$tmp/tables" || fail "no random tables"
for svc in b1 b2 c1 c2; do
	[ -e "$tmp/routes-$svc.json" ] || continue
	svc_var=svc_$svc
	arctic_on a "$ns_a" routes add "${!svc_var}" --from-file "$tmp/routes-$svc.json" \
		>/dev/null || fail "routes add --from-file $tmp/routes-$svc.json"
done
n_routes=$(grep -c '^route ' "$tmp/tables")
awk '$1 == "probe" {print $2, $3, $4}' "$tmp/tables" >"$tmp/probes"
awk '$1 == "ping" {print $2, $3}' "$tmp/tables" >"$tmp/pings"
echo "$n_routes random routes on A; $(wc -l <"$tmp/probes") probes"
sleep 1
probe_round random

# ---- 2. route and service changes take effect within a second; the steady flow goes on ----
echo "[$((SECONDS - started)) s]"
flow_src=192.168.80.2
f1=10.200.1.9
f2=10.201.2.9
# change FILE DST LABEL CMD…: runs CMD (an API call), then records when it was asked, when
# it answered, and where explain sends DST from then on; CMD's output is in $tmp/change.out
change() {
	local file=$1 dst=$2 label=$3 t0
	shift 3
	t0=$(date +%s.%N)
	"$@" >"$tmp/change.out" 2>&1 || fail "(changes) $label: $(cat "$tmp/change.out")"
	echo "$t0 $(date +%s.%N) $(explain "$flow_src" "$dst") $label" >>"$file"
}
[ "$(explain "$flow_src" "$f1")" = db ] || fail "(changes) explain does not send F1 to B"
now=$(date +%s.%N)
echo "$now $now db steady" >"$tmp/steps-f1"
now=$(($(date +%s) - 10))
echo "$now $now $(explain "$flow_src" "$f2") unrouted" >"$tmp/steps-f2"
ip netns exec "$ns_cl" python3 "$probe_py" flow "$udp" 40 50 "$flow_src" "F1=$f1" "F2=$f2" \
	>"$tmp/flow-changes" &
flow=$!
sleep 1.2
change "$tmp/steps-f2" "$f2" "R2 added, to C" route "$svc_c2" 10 --dest-cidr 10.201.2.0/24
r2=$(cat "$tmp/change.out")
sleep 1.2
change "$tmp/steps-f2" "$f2" "a new service to B, no route yet" service rt-new "$id_b"
svc_n=$(cat "$tmp/change.out")
change "$tmp/steps-f2" "$f2" "R3 of the new service, more specific, to B" \
	route "$svc_n" 10 --dest-cidr 10.201.2.8/29
r3=$(cat "$tmp/change.out")
sleep 1.2
change "$tmp/steps-f2" "$f2" "R3 changed to another prefix" \
	arctic_on a "$ns_a" routes update "$svc_n" "$r3" --dest-cidr 10.201.3.0/24
sleep 1.2
change "$tmp/steps-f2" "$f2" "R3 changed back, priority above R2" \
	arctic_on a "$ns_a" routes update "$svc_n" "$r3" --dest-cidr 10.201.2.0/24 --priority 20
sleep 1.2
change "$tmp/steps-f2" "$f2" "the new service deleted" \
	arctic_on a "$ns_a" services delete "$svc_n" --yes
sleep 1.2
change "$tmp/steps-f2" "$f2" "R2 deleted" arctic_on a "$ns_a" routes delete "$svc_c2" "$r2" --yes
sleep 1.2
kill -TERM "$flow"
wait "$flow"
sleep 0.5
sent=$(awk '$1 == "F1" {print $2}' "$tmp/flow-changes")
if python3 "$probe_py" check F1 "${sent:-0}" "$tmp/steps-f1" "$tmp"/seen-*; then
	pass "(changes) the steady flow along R1 lost nothing"
else
	fail "(changes) the steady flow along R1"
fi
sent=$(awk '$1 == "F2" {print $2}' "$tmp/flow-changes")
if [ "$(cut -d' ' -f3 "$tmp/steps-f2" | xargs)" != "wan dc dc db dc db dc wan" ]; then
	fail "(changes) explain's answers were not the planned ones: $(cut -d' ' -f3 "$tmp/steps-f2" | xargs)"
fi
if python3 "$probe_py" check F2 "${sent:-0}" "$tmp/steps-f2" "$tmp"/seen-* >"$tmp/check-f2"; then
	pass "(changes) each change took effect within a second of the API's answer"
else
	fail "(changes) the changed routes' flow"
fi
cat "$tmp/check-f2"
# a packet lost at a switch: when A applied its views, to compare
if grep -q '^note' "$tmp/check-f2"; then
	grep -E "fwmgr: table inet arctic written|view [0-9]+ applied" "$tmp/a/log" | tail -n 16
fi

# ---- 3. C deleted: its tunnel is torn down at once, B's flow goes on ----
echo "[$((SECONDS - started)) s]"
dev_of() { echo "arc-$(printf %s "$1" | sha256sum | cut -c1-11)"; }
dev_c=$(dev_of "$id_c")
table_c=$(ip -n "$ns_a" route show table all | sed -n "s/^default dev $dev_c table \([0-9]*\).*/\1/p" | head -1)
key_c=$(ip netns exec "$ns_a" wg show "$tif_a" endpoints | awk '$2 ~ /^198\.18\.0\.3:/ {print $1}')
if [ -z "$table_c" ] || [ -z "$key_c" ] || ! ip -n "$ns_a" link show "$dev_c" >/dev/null 2>&1; then
	fail "(delete) before: C's table '$table_c', tunnel key '$key_c', device $dev_c: not all there"
fi
c_device() { ip -n "$ns_a" link show "$dev_c" >/dev/null 2>&1; }
c_rule() { ip -n "$ns_a" rule show | grep "lookup $table_c\b" >/dev/null; }
c_peer() { ip netns exec "$ns_a" wg show "$tif_a" peers | grep -F "$key_c" >/dev/null; }
f3=10.200.2.9
now=$(date +%s.%N)
echo "$now $now db steady" >"$tmp/steps-f1b"
now=$(($(date +%s) - 10))
echo "$now $now $(explain "$flow_src" "$f3") to C" >"$tmp/steps-f3"
ip netns exec "$ns_cl" python3 "$probe_py" flow "$udp" 20 50 "$flow_src" "F1b=$f1" "F3=$f3" \
	>"$tmp/flow-delete" &
flow=$!
sleep 1.5
change "$tmp/steps-f3" "$f3" "C deleted" arctic_on a "$ns_a" peers delete "$id_c" --yes
t_delete=$(date +%s%N)
# when each went, in ms after the answer (the checks themselves take time under load)
dev_gone=
rule_gone=
peer_gone=
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
for _ in $(seq 100); do
	[ -z "$dev_gone" ] && ! c_device && dev_gone=$(ms_since "$t_delete")
	[ -z "$rule_gone" ] && ! c_rule && rule_gone=$(ms_since "$t_delete")
	[ -z "$peer_gone" ] && ! c_peer && peer_gone=$(ms_since "$t_delete")
	[ -n "$dev_gone" ] && [ -n "$rule_gone" ] && [ -n "$peer_gone" ] && break
	[ "$(ms_since "$t_delete")" -gt 5000 ] && break
	sleep 0.02
done
if [ -n "$dev_gone" ] && [ -n "$rule_gone" ] && [ -n "$peer_gone" ] &&
	[ "$dev_gone" -le 1000 ] && [ "$rule_gone" -le 1000 ] && [ "$peer_gone" -le 1000 ]; then
	pass "(delete) within 1 s of the answer C's device ($dev_gone ms), ip rule ($rule_gone ms) and tunnel peer ($peer_gone ms) are gone"
else
	fail "(delete) C's device gone after ${dev_gone:-more than 5000} ms, ip rule ${rule_gone:-more than 5000} ms, tunnel peer ${peer_gone:-more than 5000} ms"
fi
sleep 2
kill -TERM "$flow"
wait "$flow"
sleep 0.5
sent=$(awk '$1 == "F1b" {print $2}' "$tmp/flow-delete")
if python3 "$probe_py" check F1b "${sent:-0}" "$tmp/steps-f1b" "$tmp"/seen-*; then
	pass "(delete) the flow to B lost nothing while C was deleted"
else
	fail "(delete) the flow to B"
fi
sent=$(awk '$1 == "F3" {print $2}' "$tmp/flow-delete")
if python3 "$probe_py" check F3 "${sent:-0}" "$tmp/steps-f3" "$tmp"/seen-*; then
	pass "(delete) C's route carries nothing from a second after the answer on"
else
	fail "(delete) C's route's flow"
fi
probe_round after-delete

# ---- 4. a suspended license carries nothing; an over_limit peer's services neither ----
echo "[$((SECONDS - started)) s]"
dev_b=$(dev_of "$id_b")
kill -TERM "$pid_a"
wait "$pid_a" 2>/dev/null
"$licensetool" issue --key "$tmp/issuer.key" --customer-id cust_NETNS --max-nodes 10 \
	--max-services 10 --issued-at "$(date -u -d '-500 days' +%Y-%m-%dT%H:%M:%SZ)" \
	--expires-at "$(date -u -d '-100 days' +%Y-%m-%dT%H:%M:%SZ)" \
	--output "$tmp/expired.json" >/dev/null 2>&1 || fail "(suspended) no expired license"
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("UPDATE meta SET value = ? WHERE key = ?", (open(sys.argv[2]).read(), "license")).rowcount
db.commit()
sys.exit(n != 1)' "$tmp/a/data/arctic.db" "$tmp/expired.json" || fail "(suspended) license not replaced"
ip netns exec "$ns_a" "$agent" --config "$tmp/a/agent.conf" --plugin-dir "$plugins" \
	--no-dbus >>"$tmp/a/log" 2>&1 &
pid_a=$!
pids+=("$pid_a")
# the agent says so in its log (the CLI might ask another peer: a suspended agent refuses)
suspended() { grep -q "license .* is suspended" "$tmp/a/log"; }
if wait_for 20 suspended; then
	# the view with the suspended license is applied on idle after the start
	sleep 2
	pass "(suspended) A restarted with a suspended license"
	# explain is refused while suspended: nothing is tunnelled, all goes out to the WAN
	probe_round suspended wan
	ip -n "$ns_a" link show "$dev_b" >/dev/null 2>&1 && fail "(suspended) B's device is up"
else
	fail "(suspended) A's license never became suspended"
fi

"$licensetool" issue --key "$tmp/issuer.key" --customer-id cust_NETNS --days 400 \
	--max-nodes 1 --max-services 10 --output "$tmp/renewed.json" >/dev/null 2>&1 ||
	fail "(over_limit) no renewed license"
arctic_on a "$ns_a" license update --license-file "$tmp/renewed.json" >"$tmp/renew.out" 2>&1 ||
	fail "(over_limit) license update: $(cat "$tmp/renew.out")"
b_over_limit() {
	[ "$(explain "$flow_src" "$f1")" = wan ] &&
		ip netns exec "$ns_a" nft list table inet arctic >/dev/null 2>&1
}
if wait_for 30 b_over_limit; then
	probe_round over-limit
	ip -n "$ns_a" link show "$dev_b" >/dev/null 2>&1 && fail "(over_limit) B's device is up"
else
	fail "(over_limit) B never went over_limit: explain sends 10.200.1.9 to $(explain "$flow_src" "$f1")"
fi

# a clean stop of every agent; under a sanitizer build (ARC_BUILD_ROOT of build-asan) its
# reports, leaks included, land in the logs
for pid in "$pid_a" "${pids[4]}" "${pids[5]}"; do
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
for name in a b c; do
	if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$tmp/$name/log"; then
		fail "a sanitizer report in the log of $name"
	fi
done
echo "test-routes: $((SECONDS - started)) s"
netns_report a b c
