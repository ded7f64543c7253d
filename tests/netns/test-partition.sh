#!/usr/bin/env bash
# Suite 'netns': a network partition between four agents (docs/protocol.md §6). Each agent
# has a namespace of its own, all joined by a bridge in a fifth; nftables rules in each
# namespace cut {A, B} from {C, D}. During the cut both halves keep serving reads and
# taking writes, including conflicting renames of one peer; each half sees the other
# unreachable. Once the rules are gone every agent converges to the same records: nothing
# written on either side is lost and the conflict has the same winner everywhere. Root
# only: exits 77 (skipped) otherwise. Traffic stays inside the namespaces.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=netns-common.sh
. "$(dirname "$0")/netns-common.sh"
netns_setup

port=8080
net=10.214.$((tag % 200 + 10))
hub=arcH$tag
names=(a b c d)
declare -A ns addr
gossip_conf='[gossip]
interval=0.2
suspect_after=1
unreachable_after=2
timeout=1'

netns_add "$hub"
ip -n "$hub" link add br0 type bridge || skip "cannot create a bridge"
ip -n "$hub" link set br0 up
i=1
for name in "${names[@]}"; do
	ns[$name]=arc${name^^}$tag
	addr[$name]=$net.$i
	netns_add "${ns[$name]}"
	ip link add "arp$name$tag" type veth peer name "arq$name$tag" || skip "cannot create veth"
	ip link set "arp$name$tag" netns "${ns[$name]}"
	ip link set "arq$name$tag" netns "$hub"
	ip -n "${ns[$name]}" addr add "${addr[$name]}/24" dev "arp$name$tag"
	ip -n "${ns[$name]}" link set "arp$name$tag" up
	ip -n "$hub" link set "arq$name$tag" master br0
	ip -n "$hub" link set "arq$name$tag" up
	i=$((i + 1))
done

for name in "${names[@]}"; do
	start_agent "$name" "${ns[$name]}" "${addr[$name]}" "$gossip_conf"
done

on() {
	local name=$1
	shift
	arctic_on "$name" "${ns[$name]}" "$@"
}

registry_hash() {
	on "$1" cluster status -o json 2>/dev/null |
		grep -o '"registry_hash" *: *"[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}'
}

# wait_until SECONDS COMMAND…: polls COMMAND every 0.2 s
wait_until() {
	local limit=$1
	shift
	for _ in $(seq $((limit * 5))); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

converged() {
	local first
	first=$(registry_hash "$1")
	[ -n "$first" ] || return 1
	for name in "$@"; do
		[ "$(registry_hash "$name")" = "$first" ] || return 1
	done
	for name in "$@"; do
		for other in "$@"; do
			peers_of "$name" "${ns[$name]}" | grep "$(peer_id_of "$other")" >/dev/null || return 1
		done
	done
}

reachability() {
	on "$1" cluster status -o json 2>/dev/null | tr -d '\n ' |
		grep -o "\"id\":\"$2\"[^}]*" | grep -o '"reachability":"[a-z]*"' | cut -d'"' -f4
}

sees() {
	[ "$(reachability "$1" "$(peer_id_of "$2")")" = "$3" ]
}

cut_off() {
	local name=$1
	shift
	ip netns exec "${ns[$name]}" nft add table inet partition
	ip netns exec "${ns[$name]}" nft add chain inet partition input \
		'{ type filter hook input priority 0; policy accept; }'
	for other in "$@"; do
		ip netns exec "${ns[$name]}" nft add rule inet partition input \
			ip saddr "${addr[$other]}" drop
	done
}

heal() {
	for name in "${names[@]}"; do
		ip netns exec "${ns[$name]}" nft delete table inet partition 2>/dev/null
	done
}

# one cluster: A adds the others, who meet each other by themselves
for name in b c d; do
	on a peers add "${addr[$name]}:$port" >/dev/null 2>"$tmp/join.err" ||
		fail "a adds $name: $(cat "$tmp/join.err")"
done
if wait_until 30 converged a b c d; then
	pass "four agents converged"
else
	fail "no convergence"
fi
d_id=$(peer_id_of d)

# the partition
cut_off a c d
cut_off b c d
cut_off c a b
cut_off d a b
if wait_until 20 sees a c unreachable; then
	pass "A sees C unreachable"
else
	fail "A: C is $(reachability a "$(peer_id_of c)")"
fi
if wait_until 20 sees d b unreachable; then
	pass "D sees B unreachable"
else
	fail "D: B is $(reachability d "$(peer_id_of b)")"
fi
if sees a b alive; then
	pass "A still sees B alive"
else
	fail "A: B is $(reachability a "$(peer_id_of b)")"
fi

# both sides serve and write
left=$(on a credentials create --scopes peers.read 2>&1 | sed -n 's/^Client ID: *//p')
right=$(on c credentials create --scopes peers.read 2>&1 | sed -n 's/^Client ID: *//p')
if [ -n "$left" ]; then
	pass "left side wrote credential $left"
else
	fail "no write on the left"
fi
if [ -n "$right" ]; then
	pass "right side wrote credential $right"
else
	fail "no write on the right"
fi
on b peers update "$d_id" --name left-name >/dev/null || fail "rename on the left"
on d peers update "$d_id" --name right-name >/dev/null || fail "rename on the right"
if on b peers list >/dev/null && on d peers list >/dev/null; then
	pass "both sides serve reads"
else
	fail "reads during the partition"
fi
if wait_until 10 converged a b; then
	pass "the left half converged"
else
	fail "left half"
fi
if wait_until 10 converged c d; then
	pass "the right half converged"
else
	fail "right half"
fi
if [ "$(registry_hash a)" != "$(registry_hash c)" ]; then
	pass "the halves differ"
else
	fail "the halves hold the same records during the partition"
fi

# the heal
heal
if wait_until 30 converged a b c d; then
	pass "converged after the heal"
else
	fail "no convergence after the heal"
fi
for name in "${names[@]}"; do
	list=$(on "$name" credentials list 2>/dev/null)
	if ! echo "$list" | grep "$left" >/dev/null || ! echo "$list" | grep "$right" >/dev/null; then
		fail "$name lacks a credential written during the partition"
	fi
done
pass "every credential written during the partition is on every agent"
winner=$(on a peers get "$d_id" -o json | grep -o '"name" *: *"[a-z-]*"' | cut -d'"' -f4)
for name in "${names[@]}"; do
	got=$(on "$name" peers get "$d_id" -o json | grep -o '"name" *: *"[a-z-]*"' | cut -d'"' -f4)
	[ "$got" = "$winner" ] || fail "$name names D '$got', A '$winner'"
done
case $winner in
left-name | right-name) pass "the conflicting rename resolved to '$winner' everywhere" ;;
*) fail "the rename resolved to '$winner'" ;;
esac
if wait_until 20 sees a c alive; then
	pass "A sees C alive again"
else
	fail "A: C is $(reachability a "$(peer_id_of c)")"
fi

netns_report "${names[@]}"
