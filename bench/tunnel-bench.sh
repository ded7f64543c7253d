#!/usr/bin/env bash
# Tunnel benchmark of issue 14, item 10: two network namespaces joined by a veth pair, and
# between them in turn the bare veth (the ceiling), wireguard-go, and arctic-tempest with each
# AEAD backend it offers. For each: iperf3 throughput inside the tunnel (one TCP stream, and
# UDP), ping latency, and the CPU seconds the tunnel process of each side spent per gigabit
# moved. Implementations alternate on fresh pairs; medians over the rounds are printed.
# Prints figures, never fails on them. Root only (network namespaces); touches nothing
# outside the namespaces it makes.
#
#   bench/tunnel-bench.sh [BUILD_DIR]          (default: build)
#   ROUNDS=5 DURATION=10 IMPLS="veth wireguard-go tempest-openssl" bench/tunnel-bench.sh
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
rounds=${ROUNDS:-3}
duration=${DURATION:-8}
impls=${IMPLS:-"veth wireguard-go tempest-sodium tempest-openssl"}
tempest=$build/plugins/tempest/arctic-tempest

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
for tool in ip iperf3 ping wg wireguard-go python3; do
	command -v "$tool" >/dev/null || {
		echo "bench: $tool is required (apt-get install iproute2 iperf3 iputils-ping wireguard-tools wireguard-go python3)" >&2
		exit 1
	}
done

tag=tb$$
tmp=$(mktemp -d /tmp/arctic-tunnel-bench-XXXXXX)
pids=()
namespaces=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# the CPU time of a process in clock ticks (utime + stime)
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# pair_up N: namespaces ${tag}a$N and ${tag}b$N joined by a veth, 10.200.0.1 - 10.200.0.2
pair_up() {
	local a=${tag}a$1 b=${tag}b$1
	ip netns add "$a"
	namespaces+=("$a")
	ip netns add "$b"
	namespaces+=("$b")
	ip link add "${tag}v$1" netns "$a" type veth peer name "${tag}w$1" netns "$b"
	ip -n "$a" addr add 10.200.0.1/24 dev "${tag}v$1"
	ip -n "$b" addr add 10.200.0.2/24 dev "${tag}w$1"
	for ns in "$a" "$b"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$a" link set "${tag}v$1" up
	ip -n "$b" link set "${tag}w$1" up
}

pair_down() {
	local ns keep=()
	for ns in "${namespaces[@]}"; do
		case "$ns" in
		"${tag}a$1" | "${tag}b$1") ip netns del "$ns" 2>/dev/null || true ;;
		*) keep+=("$ns") ;;
		esac
	done
	namespaces=("${keep[@]}")
}

# start_impl NS IFNAME PROGRAM [ENV...]: a userspace WireGuard in NS, in the foreground; waits
# for its UAPI socket
start_impl() {
	local ns=$1 ifname=$2 program=$3
	shift 3
	ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 "$@" "$program" -f "$ifname" \
		>"$tmp/$ifname.log" 2>&1 &
	pids+=("$!")
	last_pid=$!
	for _ in $(seq 100); do
		[ -S "/var/run/wireguard/$ifname.sock" ] && return 0
		sleep 0.05
	done
	echo "bench: $program did not create /var/run/wireguard/$ifname.sock" >&2
	cat "$tmp/$ifname.log" >&2
	return 1
}

# tunnel_up N PROGRAM [ENV...]: a tunnel between the pair, 10.201.0.1 - 10.201.0.2 inside
tunnel_up() {
	local n=$1 program=$2
	shift 2
	local a=${tag}a$n b=${tag}b$n ia=${tag}x$n ib=${tag}y$n
	(
		umask 077
		wg genkey >"$tmp/ka"
		wg genkey >"$tmp/kb"
	)
	start_impl "$a" "$ia" "$program" "$@"
	pid_a=$last_pid
	start_impl "$b" "$ib" "$program" "$@"
	pid_b=$last_pid
	ip netns exec "$a" wg set "$ia" private-key "$tmp/ka" listen-port 51820 \
		peer "$(wg pubkey <"$tmp/kb")" allowed-ips 10.201.0.2/32 endpoint 10.200.0.2:51820
	ip netns exec "$b" wg set "$ib" private-key "$tmp/kb" listen-port 51820 \
		peer "$(wg pubkey <"$tmp/ka")" allowed-ips 10.201.0.1/32 endpoint 10.200.0.1:51820
	ip -n "$a" addr add 10.201.0.1/24 dev "$ia"
	ip -n "$b" addr add 10.201.0.2/24 dev "$ib"
	ip -n "$a" link set "$ia" mtu 1420 up
	ip -n "$b" link set "$ib" mtu 1420 up
}

# measure NAME N TARGET: one line of figures for the pair N, traffic to TARGET (in b)
measure() {
	local name=$1 n=$2 target=$3
	local a=${tag}a$n b=${tag}b$n
	local before_a=0 before_b=0 after_a=0 after_b=0
	ip netns exec "$b" iperf3 -s -1 -D -I "$tmp/iperf-$n.pid" >/dev/null 2>&1
	sleep 0.3
	# the first packets make the handshake; let them not count
	ip netns exec "$a" ping -c 3 -i 0.2 -W 2 -q "$target" >/dev/null 2>&1 || true
	if [ -n "${pid_a:-}" ]; then
		before_a=$(cpu_ticks "$pid_a")
		before_b=$(cpu_ticks "$pid_b")
	fi
	ip netns exec "$a" iperf3 -c "$target" -t "$duration" -J >"$tmp/tcp.json" 2>/dev/null || true
	if [ -n "${pid_a:-}" ]; then
		after_a=$(cpu_ticks "$pid_a")
		after_b=$(cpu_ticks "$pid_b")
	fi
	sleep 0.3
	ip netns exec "$b" iperf3 -s -1 -D -I "$tmp/iperf-$n.pid" >/dev/null 2>&1
	sleep 0.3
	ip netns exec "$a" iperf3 -c "$target" -u -b 0 -l 1380 -t "$duration" -J \
		>"$tmp/udp.json" 2>/dev/null || true
	ip netns exec "$a" ping -c 200 -i 0.005 -q "$target" >"$tmp/ping.txt" 2>&1 || true
	python3 - "$name" "$tmp/tcp.json" "$tmp/udp.json" "$tmp/ping.txt" \
		"$((after_a - before_a))" "$((after_b - before_b))" "$(getconf CLK_TCK)" \
		>>"$tmp/results" <<'EOF'
import json, re, sys
name, tcp_path, udp_path, ping_path, ticks_a, ticks_b, hz = sys.argv[1:]
def load(path):
    try:
        return json.load(open(path))
    except Exception:
        return {}
tcp = load(tcp_path).get("end", {}).get("sum_received", {})
udp = load(udp_path).get("end", {}).get("sum", {})
tcp_bps = tcp.get("bits_per_second", 0.0)
tcp_bits = tcp.get("bytes", 0) * 8
udp_bps = udp.get("bits_per_second", 0.0) * (1 - udp.get("lost_percent", 0.0) / 100)
udp_loss = udp.get("lost_percent", 0.0)
m = re.search(r"= [\d.]+/([\d.]+)/", open(ping_path).read())
rtt = float(m.group(1)) if m else 0.0
gbits = tcp_bits / 1e9
cpu_a = int(ticks_a) / int(hz) / gbits if gbits and int(ticks_a) else 0.0
cpu_b = int(ticks_b) / int(hz) / gbits if gbits and int(ticks_b) else 0.0
print(json.dumps({"name": name, "tcp": tcp_bps / 1e9, "udp": udp_bps / 1e9,
                  "udp_loss": udp_loss, "rtt": rtt, "cpu_a": cpu_a, "cpu_b": cpu_b}))
EOF
}

# run_impl NAME N: the pair N with NAME between its namespaces, measured
run_impl() {
	local name=$1 n=$2
	pid_a=
	pid_b=
	case "$name" in
	veth)
		measure "$name" "$n" 10.200.0.2
		return
		;;
	wireguard-go) tunnel_up "$n" "$(command -v wireguard-go)" ;;
	tempest-*) tunnel_up "$n" "$tempest" "ARC_TEMPEST_AEAD=${name#tempest-}" ;;
	esac
	measure "$name" "$n" 10.201.0.2
}

available=()
for impl in $impls; do
	case "$impl" in
	tempest-*)
		if [ ! -x "$tempest" ]; then
			echo "($impl skipped: $tempest is not built)"
			continue
		fi
		;;
	esac
	available+=("$impl")
done

echo "Arctic tunnel benchmark: $rounds rounds of ${duration} s per test, $(nproc) CPUs, $(uname -r)"
echo "implementations: ${available[*]}"
: >"$tmp/results"
n=0
for round in $(seq "$rounds"); do
	# a different order each round, so that no implementation always runs on a warm machine
	order=("${available[@]}")
	if [ $((round % 2)) = 0 ]; then
		order=()
		for ((i = ${#available[@]} - 1; i >= 0; i--)); do order+=("${available[$i]}"); done
	fi
	for impl in "${order[@]}"; do
		n=$((n + 1))
		pair_up "$n"
		run_impl "$impl" "$n"
		for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
		for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
		pids=()
		pair_down "$n"
		echo "  round $round: $impl done"
	done
done

python3 - "$tmp/results" <<'EOF'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
names = []
for r in rows:
    if r["name"] not in names:
        names.append(r["name"])
def med(name, key):
    return statistics.median([r[key] for r in rows if r["name"] == name])
print()
print(f"{'medians':<18}{'TCP Gbit/s':>12}{'UDP Gbit/s':>12}{'UDP loss %':>12}{'ping ms':>10}"
      f"{'CPU s/Gbit A':>14}{'CPU s/Gbit B':>14}")
for name in names:
    cpu = (f"{med(name, 'cpu_a'):>14.2f}{med(name, 'cpu_b'):>14.2f}"
           if name != "veth" else f"{'-':>14}{'-':>14}")
    print(f"{name:<18}{med(name, 'tcp'):>12.2f}{med(name, 'udp'):>12.2f}"
          f"{med(name, 'udp_loss'):>12.1f}{med(name, 'rtt'):>10.3f}{cpu}")
if "wireguard-go" in names:
    base = med("wireguard-go", "tcp")
    for name in names:
        if name.startswith("tempest") and base:
            print(f"{name}: {med(name, 'tcp') / base:.2f}x wireguard-go's TCP throughput "
                  f"(target: at least 1.5x at no more CPU per gigabit)")
EOF
echo
echo "Method: iperf3 -t $duration (one TCP stream; UDP -b 0 -l 1380, goodput = sent x (1 - loss))"
echo "and 200 pings 5 ms apart, from namespace a to b through the tunnel (10.201.0.0/24, MTU 1420)"
echo "over a veth (10.200.0.0/24). CPU: utime+stime of each side's tunnel process during the TCP"
echo "run, per gigabit received. Both ends and iperf3 share the machine's CPUs."
