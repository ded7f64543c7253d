#!/usr/bin/env bash
# The data plane in network namespaces, for a first look (root only): a client, two agents and
# a server, each in its own namespace,
#
#   client 192.168.10.2 ── 192.168.10.1 [agent a] 10.77.0.1 ══ 10.77.0.2 [agent b] 192.168.20.1 ── 192.168.20.2 server
#
# The agents join (a real signed handshake), a service from a to b gets a route for the
# server's network, and then a ping and a UDP exchange from the client cross the encrypted
# tunnel between the agents. Prints what the operator would look at (`arctic routes explain`,
# `wg show`, `nft list table inet arctic`), then removes everything it made.
#
#   tools/netns-demo.sh [BUILD_DIR]      (default: build; KEEP=1 keeps it running until Ctrl-C)
#
# Everything stays inside the namespaces it creates (prefix arcdemo-).
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
agent=$build/daemon/arctic-agent
cli=$build/cli/arctic
licensetool=$build/cli/arctic-license
plugins=$build/plugins/all
keep=${KEEP:-0}

if [ "$(id -u)" != 0 ]; then
	echo "netns-demo: run as root (it creates network namespaces): sudo $0 ${1:-build}" >&2
	exit 1
fi
for tool in ip nft curl python3 wg; do
	command -v "$tool" >/dev/null || {
		echo "netns-demo: $tool is missing: run .ci/install-deps" >&2
		exit 1
	}
done
[ -x "$agent" ] || { echo "netns-demo: build first: meson setup build && ninja -C build" >&2; exit 1; }

tmp=$(mktemp -d /tmp/arctic-netns-demo-XXXXXX)
pids=()
namespaces=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

netns() {
	ip netns add "arcdemo-$1"
	namespaces+=("arcdemo-$1")
	ip -n "arcdemo-$1" link set lo up
}

# link A IFA ADDR-A B IFB ADDR-B: a veth between two namespaces
link() {
	ip link add "$2" netns "arcdemo-$1" type veth peer name "$5" netns "arcdemo-$4"
	ip -n "arcdemo-$1" addr add "$3" dev "$2"
	ip -n "arcdemo-$4" addr add "$6" dev "$5"
	ip -n "arcdemo-$1" link set "$2" up
	ip -n "arcdemo-$4" link set "$5" up
}

# on NS CMD…: run in a namespace
on() {
	local ns=$1
	shift
	ip netns exec "arcdemo-$ns" "$@"
}

# arctic_on NAME ARGS…: the CLI as the operator of agent NAME runs it
arctic_on() {
	local name=$1
	shift
	on "$name" env ARCTIC_CONFIG="$tmp/$name/cli.yaml" "$cli" "$@"
}

# start_agent NAME ADDRESS: an agent on ADDRESS:8080 in namespace NAME, bootstrapped
start_agent() {
	local name=$1 addr=$2
	mkdir -p "$tmp/$name"
	cat >"$tmp/$name/agent.conf" <<CONF
[agent]
data_dir=$tmp/$name/data
listen=$addr:8080
log_format=text
recovery_token_file=$tmp/$name/recovery.token

[tunnel]
# both agents share this machine's /var/run/wireguard: each needs its own device name
interface=arcdemo-$name

[plugin:ed25519-file]
issuers_dir=$tmp/issuers
CONF
	on "$name" "$agent" --config "$tmp/$name/agent.conf" --plugin-dir "$plugins" --no-dbus \
		>"$tmp/$name/log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		on "$name" curl -sf --max-time 1 "http://$addr:8080/livez" >/dev/null && break
		sleep 0.1
	done
	arctic_on "$name" bootstrap --url "http://$addr:8080" --license-file "$tmp/license.json" \
		--name "$name" >"$tmp/$name/bootstrap.out"
}

say "namespaces: client, a, b, server"
for ns in client a b server; do netns "$ns"; done
link client eth0 192.168.10.2/24 a lan0 192.168.10.1/24
link a wan0 10.77.0.1/24 b wan0 10.77.0.2/24
link b lan0 192.168.20.1/24 server eth0 192.168.20.2/24
on client ip route add default via 192.168.10.1
on server ip route add default via 192.168.20.1

say "a development license, two agents"
mkdir -p "$tmp/issuers"
"$licensetool" keygen --secret "$tmp/issuer.key" --public "$tmp/issuers/demo.pub" >/dev/null
chmod 0644 "$tmp/issuers/demo.pub"
"$licensetool" issue --key "$tmp/issuer.key" --customer-id cust_DEMO --days 30 \
	--max-nodes 10 --max-services 10 --output "$tmp/license.json" >/dev/null 2>&1
start_agent a 10.77.0.1
start_agent b 10.77.0.2
arctic_on a peers add 10.77.0.2:8080
arctic_on a peers list

say "a service from a to b, and a route for the server's network"
arctic_on a services create --target-peer b --name to-server -o json >"$tmp/service.json"
service=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$tmp/service.json")
arctic_on a routes add "$service" --priority 100 --dest-cidr 192.168.20.0/24
arctic_on a routes explain --src 192.168.10.2 --dst 192.168.20.2

say "waiting for the tunnel between a and b"
ready=0
for _ in $(seq 100); do
	if on client ping -c 1 -W 1 192.168.20.2 >/dev/null 2>&1; then
		ready=1
		break
	fi
	sleep 0.2
done
if [ "$ready" != 1 ]; then
	echo "the tunnel did not come up; the agents' logs:"
	tail -n 20 "$tmp/a/log" "$tmp/b/log"
	exit 1
fi

say "ping from the client to the server, through the tunnel"
on client ping -c 3 192.168.20.2

say "a UDP exchange: the server echoes what the client sends (the sender it sees is masqueraded)"
on server python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.20.2", 5353))
data, peer = s.recvfrom(2048)
print("server: got %r from %s:%d" % (data, peer[0], peer[1]), flush=True)
s.sendto(data.upper(), peer)
' &
echo_pid=$!
sleep 0.3
on client python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"hello through the tunnel", ("192.168.20.2", 5353))
data, peer = s.recvfrom(2048)
print("client: got %r back from %s" % (data, peer[0]))
'
wait "$echo_pid" || true

say "what the agents put in the kernel on a"
on a wg show arcdemo-a
on a nft list table inet arctic
on a ip rule show

if [ "$keep" = 1 ]; then
	say "running; the agents' logs are in $tmp/{a,b}/log. Ctrl-C removes everything"
	while true; do sleep 3600; done
fi
say "done; removing the namespaces"
