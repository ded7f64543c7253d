#!/usr/bin/env bash
# arctic-tempest against Debian's wireguard-go (issue 14, item 4): both configured with wg set
# over a veth; ping both ways, iperf3 TCP and UDP both ways (short), and wg show on both sides
# shows a handshake and the bytes moved. Root only (77 otherwise).
set -u
# shellcheck source=tempest-common.sh source-path=SCRIPTDIR
. "$(dirname "$0")/tempest-common.sh"

td_setup
command -v wireguard-go >/dev/null || skip "needs wireguard-go"
command -v iperf3 >/dev/null || skip "needs iperf3"
td_pair "$tempest" "$(command -v wireguard-go)" || td_finish
# a packet arms the handshake; give it a moment
td_ping "$nsa" 10.211.0.2 || sleep 1

td_ping "$nsa" 10.211.0.2 && pass "ping tempest -> wireguard-go" ||
	fail "ping tempest -> wireguard-go"
td_ping "$nsb" 10.211.0.1 && pass "ping wireguard-go -> tempest" ||
	fail "ping wireguard-go -> tempest"

# iperf3: NS_CLIENT NS_SERVER DST [-u ...]; passes when bytes arrived
iperf() {
	local client=$1 server=$2 dst=$3
	shift 3
	ip netns exec "$server" iperf3 -s -1 -D -I "$tmp/iperf.pid" >/dev/null 2>&1
	sleep 0.3
	timeout 15 ip netns exec "$client" iperf3 -c "$dst" -t 2 --connect-timeout 3000 -J "$@" \
		>"$tmp/iperf.json" 2>/dev/null
	[ -f "$tmp/iperf.pid" ] && kill "$(cat "$tmp/iperf.pid" 2>/dev/null)" 2>/dev/null
	rm -f "$tmp/iperf.pid"
	python3 - "$tmp/iperf.json" <<'EOF'
import json, sys
end = json.load(open(sys.argv[1])).get("end", {})
s = end.get("sum_received") or end.get("sum") or {}
sys.exit(0 if s.get("bytes", 0) > 100000 else 1)
EOF
}
iperf "$nsa" "$nsb" 10.211.0.2 && pass "iperf3 TCP tempest -> wireguard-go" ||
	fail "iperf3 TCP tempest -> wireguard-go"
iperf "$nsb" "$nsa" 10.211.0.1 && pass "iperf3 TCP wireguard-go -> tempest" ||
	fail "iperf3 TCP wireguard-go -> tempest"
iperf "$nsa" "$nsb" 10.211.0.2 -u -b 200M -l 1380 && pass "iperf3 UDP tempest -> wireguard-go" ||
	fail "iperf3 UDP tempest -> wireguard-go"
iperf "$nsb" "$nsa" 10.211.0.1 -u -b 200M -l 1380 && pass "iperf3 UDP wireguard-go -> tempest" ||
	fail "iperf3 UDP wireguard-go -> tempest"

for side in "$nsa $ifa tempest" "$nsb $ifb wireguard-go"; do
	read -r ns ifname name <<<"$side"
	hs=$(td_handshake "$ns" "$ifname")
	read -r rx tx <<<"$(td_transfer "$ns" "$ifname")"
	[ "${hs:-0}" -gt 0 ] && pass "wg show on $name: a handshake" ||
		fail "wg show on $name: no handshake"
	[ "${rx:-0}" -gt 1000000 ] && [ "${tx:-0}" -gt 1000000 ] &&
		pass "wg show on $name: $rx bytes received, $tx sent" ||
		fail "wg show on $name: transfer ${rx:-?} / ${tx:-?}"
done
td_finish
