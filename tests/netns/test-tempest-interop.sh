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

check "ping tempest -> wireguard-go" td_ping "$nsa" 10.211.0.2
check "ping wireguard-go -> tempest" td_ping "$nsb" 10.211.0.1

# iperf NS_CLIENT NS_SERVER DST [-u ...]: succeeds when bytes arrived
iperf() {
	local client=$1 server=$2 dst=$3
	shift 3
	ip netns exec "$server" iperf3 -s -1 -D -I "$tmp/iperf.pid" >/dev/null 2>&1
	sleep 0.3
	timeout 15 ip netns exec "$client" iperf3 -c "$dst" -t 2 --connect-timeout 3000 -J "$@" \
		>"$tmp/iperf.json" 2>/dev/null
	kill "$(cat "$tmp/iperf.pid" 2>/dev/null)" 2>/dev/null
	rm -f "$tmp/iperf.pid"
	python3 - "$tmp/iperf.json" <<'PY'
import json, sys
end = json.load(open(sys.argv[1])).get("end", {})
s = end.get("sum_received") or end.get("sum") or {}
sys.exit(0 if s.get("bytes", 0) > 100000 else 1)
PY
}
check "iperf3 TCP tempest -> wireguard-go" iperf "$nsa" "$nsb" 10.211.0.2
check "iperf3 TCP wireguard-go -> tempest" iperf "$nsb" "$nsa" 10.211.0.1
check "iperf3 UDP tempest -> wireguard-go" iperf "$nsa" "$nsb" 10.211.0.2 -u -b 200M -l 1380
check "iperf3 UDP wireguard-go -> tempest" iperf "$nsb" "$nsa" 10.211.0.1 -u -b 200M -l 1380

over_1mb() {
	[ "$1" -gt 1000000 ] && [ "$2" -gt 1000000 ]
}

for side in "$nsa $ifa tempest" "$nsb $ifb wireguard-go"; do
	read -r ns ifname name <<<"$side"
	hs=$(td_handshake "$ns" "$ifname")
	read -r rx tx <<<"$(td_transfer "$ns" "$ifname")"
	check "wg show on $name: a handshake ($hs)" [ "${hs:-0}" -gt 0 ]
	check "wg show on $name: ${rx:-?} bytes received, ${tx:-?} sent (over 1 MB each)" \
		over_1mb "${rx:-0}" "${tx:-0}"
done
td_finish
