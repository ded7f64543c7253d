#!/usr/bin/env bash
# Rekeying against wireguard-go (issue 14, item 4): arctic-tempest rekeys after 1.5 s instead of
# 120 s (ARC_TEMPEST_REKEY_AFTER_TIME_MS, for tests), so a new session is made every
# REKEY_TIMEOUT (5 s, the least time between two initiations); a ping stream keeps flowing
# across at least two rekeys with wireguard-go as the peer. Root only (77 otherwise).
set -u
# shellcheck source=tempest-common.sh source-path=SCRIPTDIR
. "$(dirname "$0")/tempest-common.sh"

td_setup
command -v wireguard-go >/dev/null || skip "needs wireguard-go"
td_pair "$tempest" "$(command -v wireguard-go)" \
	ARC_TEMPEST_REKEY_AFTER_TIME_MS=1500 G_MESSAGES_DEBUG=tempest || td_finish

# 170 pings over 17 s: the first session and at least two rekeys
ip netns exec "$nsa" ping -c 170 -i 0.1 -W 1 -q 10.211.0.2 >"$tmp/ping.txt" 2>&1
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$tmp/ping.txt")
handshakes=$(grep -c "handshake completed" "$tmp/$ifa.log")
check "$handshakes sessions made in 17 s (the first and at least two rekeys)" \
	[ "$handshakes" -ge 3 ]
# a lost ping or two while the first handshake is made, none at a rekey
check "${received:-0} of 170 pings across the rekeys (at least 165)" [ "${received:-0}" -ge 165 ]
hs=$(td_handshake "$nsb" "$ifb")
age=$(($(date +%s) - ${hs:-0}))
check "wireguard-go's latest handshake is $age s old (at most 6)" [ "$age" -le 6 ]
td_finish
