#!/bin/bash
# Suite 'netns': the link emulator (tools/linkemu) between two namespaces, measured with ping
# and iperf3: the round trip is twice the one-way delay, the loss is the configured one, a rate
# limit holds, and the unimpaired path is fast. Namespaces lemu<pid>-*; root only, 77 otherwise.
set -u
# shellcheck source-path=SCRIPTDIR source=netns-common.sh
. "$(dirname "$0")/netns-common.sh"
# shellcheck source-path=SCRIPTDIR source=linkemu-common.sh
. "$(dirname "$0")/linkemu-common.sh"

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
netns_require ip ping iperf3
[ -c /dev/net/tun ] || skip "needs /dev/net/tun"

cleanup() {
	netns_cleanup
	linkemu_teardown
}
trap cleanup EXIT

left() {
	ip netns exec "$(linkemu_ns left)" "$@"
}

# ping_stats COUNT INTERVAL: "LOSS% MIN AVG MAX" of COUNT pings left -> right
ping_stats() {
	left ping -n -q -c "$1" -i "$2" -W 1 "$linkemu_right_addr" |
		awk -F'[ /%]+' '/packet loss/ { for (i = 1; i < NF; i++) if ($(i + 1) == "packet") loss = $i }
			/^rtt|^round-trip/ { print loss, $7, $8, $9 }'
}

# iperf_mbit ARGS…: receiver's Mbit/s of an iperf3 run left -> right (server on the right)
iperf_mbit() {
	ip netns exec "$(linkemu_ns right)" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	pids+=($!)
	sleep 0.3
	left iperf3 -c "$linkemu_right_addr" -p 5201 -J "$@" |
		awk '/"sum_received"/ { r = 1 } r && /"bits_per_second"/ { gsub(/[",]/, ""); print $2 / 1e6; exit }'
}

# within VALUE LOW HIGH
within() {
	awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'
}

linkemu_setup "lemu$tag" --delay-ms 25 --realtime || skip "cannot build the namespaces here"

# delay: 25 ms each way is a 50 ms round trip, never shorter and within a few ms
read -r loss min avg max <<<"$(ping_stats 50 0.02)"
echo "delay 25 ms each way: rtt min $min avg $avg max $max ms, loss $loss %"
if [ "$loss" = 0 ] && within "$min" 50 52 && within "$avg" 50 53; then
	pass "round trip is twice the one-way delay"
else
	fail "round trip min $min avg $avg (want 50..53 ms), loss $loss %"
fi

# asymmetric: 40 ms one way, 10 ms back
linkemu_start --delay-ms 40,10 --realtime
read -r loss min avg max <<<"$(ping_stats 20 0.02)"
if within "$avg" 50 53; then
	pass "per-direction delays add up ($avg ms)"
else
	fail "40 ms + 10 ms gave a round trip of $avg ms"
fi

# loss: 5 % on the way out only, over 1,000 pings (seeded, so the same run every time)
linkemu_start --loss 0.05,0 --seed 7 --realtime
read -r loss min avg max <<<"$(ping_stats 1000 0.002)"
counters=$(linkemu_counters)
echo "$counters"
if within "$loss" 3 7; then
	pass "5 % loss gives $loss % lost pings"
else
	fail "5 % loss gave $loss % lost pings"
fi

# bursty loss keeps the long-run rate
linkemu_start --loss 0.05,0 --loss-burst 3 --seed 7 --realtime
read -r loss min avg max <<<"$(ping_stats 1000 0.002)"
if within "$loss" 2 9; then
	pass "5 % loss in bursts of 3 gives $loss % lost pings"
else
	fail "5 % loss in bursts of 3 gave $loss % lost pings"
fi

# rate: TCP through a 100 Mbit/s limit (5 s, the first one omitted for slow start)
linkemu_start --rate-mbit 100 --delay-ms 1 --realtime
mbit=$(iperf_mbit -t 5 -O 1)
echo "rate limit 100 Mbit/s: TCP $mbit Mbit/s"
if within "$mbit" 90 110; then
	pass "100 Mbit/s rate limit holds ($mbit)"
else
	fail "100 Mbit/s rate limit gave $mbit Mbit/s"
fi

# unimpaired: reported, not required (the machine is shared; see tools/linkemu)
linkemu_start --realtime
mbit=$(iperf_mbit -t 3)
echo "no impairment: TCP $mbit Mbit/s through the emulator"
linkemu_counters
if within "$mbit" 1 100000; then
	pass "unimpaired path carries TCP"
else
	fail "unimpaired path carried no TCP ($mbit)"
fi

[ "$failures" = 0 ]
