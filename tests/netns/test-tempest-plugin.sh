#!/usr/bin/env bash
# The tempest plugin (tempest.so) as the agent drives it, against arctic-tempest: the peer has
# its own TUN device (ArcTunnelPeer.ifname), so everything routed into that device reaches the
# peer; ping both ways through it; wg show works on the plugin's interface, wg set is refused
# (the agent owns the configuration); the interface makes no network device of its own. Root only (77 otherwise).
set -u
# shellcheck source=tempest-common.sh source-path=SCRIPTDIR
. "$(dirname "$0")/tempest-common.sh"

harness=$build/plugins/tempest/tempest-plugin-harness
module=$build/plugins/tempest/tempest.so
ifp=tdp$run
td_setup
[ -x "$harness" ] || skip "the tempest plugin is not built"

# b: arctic-tempest, its peer a at 10.211.0.1
td_start "$nsb" "$ifb" "$tempest" || td_finish
td_configure "$nsb" "$ifb" "$tmp/kb" "$tmp/ka" 10.211.0.1 10.210.0.1 10.211.0.2
# a: the plugin, b's traffic on its own device $ifp
ip netns exec "$nsa" "$harness" "$module" "$ifa" 51820 "$(cat "$tmp/ka")" \
	"$(wg pubkey <"$tmp/kb")" 10.210.0.2:51820 10.211.0.2/32 "$ifp" \
	>"$tmp/harness.out" 2>"$tmp/harness.log" &
pids+=("$!")
for _ in $(seq 100); do
	grep -q ready "$tmp/harness.out" && break
	sleep 0.05
done
check "the plugin started" grep -q ready "$tmp/harness.out"
ip -n "$nsa" addr add 10.211.0.1/32 dev "$ifp"
ip -n "$nsa" route add 10.211.0.2/32 dev "$ifp"

td_ping "$nsa" 10.211.0.2 || sleep 1
check "ping through the peer's own TUN device" td_ping "$nsa" 10.211.0.2
check "ping back into the peer's own TUN device" td_ping "$nsb" 10.211.0.1
has_handshake() {
	ip netns exec "$nsa" wg show "$ifa" latest-handshakes | awk '{ exit !($2 > 0) }'
}
check "wg show on the plugin's interface shows the handshake" has_handshake
# every peer has its own device: the interface is the socket's name, no idle network device
refute "no network device $ifa when every peer has its own" ip -n "$nsa" link show "$ifa"
refute "wg set refused (read-only)" ip netns exec "$nsa" wg set "$ifa" listen-port 4242
td_finish
