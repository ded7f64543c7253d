#!/usr/bin/env bash
# Runs a development cluster from the build tree, no root needed: three agents on 127.0.0.1
# (ports 8080, 8081, 8082, or from API_PORT on; AGENTS=N for another count), data in
# ./dev-data of the checkout, a development license issuer made on the spot. Each agent is
# bootstrapped with the arctic CLI; agent-1 adds the others with `arctic peers add` (real
# handshakes), they meet each other through gossip, then `arctic peers list` is printed. Ctrl-C stops them; running it again
# reuses dev-data.
#
#   tools/dev-cluster.sh [BUILD_DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
dev=$top/dev-data
base=${API_PORT:-8080}
count=${AGENTS:-3}

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top"
fi
meson compile -C "$build" >/dev/null

mkdir -p "$dev/issuers"
chmod 0700 "$dev"
if [ ! -f "$dev/issuer.key" ]; then
	echo "Creating a development license issuer in $dev"
	"$build/cli/arctic-license" keygen --secret "$dev/issuer.key" --public "$dev/issuers/dev.pub"
	chmod 0644 "$dev/issuers/dev.pub"
fi
if [ ! -f "$dev/license.json" ]; then
	"$build/cli/arctic-license" issue --key "$dev/issuer.key" --customer-id cust_development \
		--days 365 --max-nodes 10 --max-services 100 --feature development \
		--output "$dev/license.json"
fi

bus=--no-dbus
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	bus=--session-bus
fi

pids=()
unprivileged=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	unprivileged=(setpriv --bounding-set -net_admin)
fi
stop() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap stop EXIT INT TERM

url_of() {
	echo "http://127.0.0.1:$((base + $1 - 1))"
}

# arctic as the operator of agent N: each agent has a CLI config of its own
arctic_as() {
	local n=$1
	shift
	ARCTIC_CONFIG=$dev/agent-$n/cli-config.yaml "$build/cli/arctic" "$@"
}

for n in $(seq "$count"); do
	mkdir -p "$dev/agent-$n"
	chmod 0700 "$dev/agent-$n"
	cat >"$dev/agent-$n/agent.conf" <<CONF
# written by tools/dev-cluster.sh
[agent]
data_dir=$dev/agent-$n/data
listen=127.0.0.1:$((base + n - 1))
log_format=text
recovery_token_file=$dev/agent-$n/recovery.token

[plugin:ed25519-file]
issuers_dir=$dev/issuers
CONF
	# API_PORT, when set, chose the first port; the agent would read it as its own. Several
	# agents on one host cannot each own the host's kernel state (one table inet arctic, one
	# UDP 51840): as root they run without CAP_NET_ADMIN, so with the data plane off, as for
	# any other user (tools/netns-demo.sh shows the data plane, one namespace per agent).
	"${unprivileged[@]}" env -u API_PORT "$build/daemon/arctic-agent" --config "$dev/agent-$n/agent.conf" \
		--plugin-dir "$build/plugins/all" "$bus" 2>"$dev/agent-$n/agent.log" &
	pids+=($!)
done

for n in $(seq "$count"); do
	url=$(url_of "$n")
	for _ in $(seq 100); do
		if curl -sf "$url/readyz" >/dev/null 2>&1; then break; fi
		if ! kill -0 "${pids[$((n - 1))]}" 2>/dev/null; then
			echo "agent-$n exited; its log:" >&2
			cat "$dev/agent-$n/agent.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	if [ "$(curl -sf "$url/v1/cluster/identity" | sed -n 's/.*"peer_id":\(null\).*/\1/p')" = "null" ]; then
		arctic_as "$n" bootstrap --url "$url" --license-file "$dev/license.json" \
			--name "agent-$n" >/dev/null
		echo "agent-$n bootstrapped at $url"
	fi
done

# agent-1 adds the others; they meet each other through gossip (transitive discovery). A
# member takes a handshake from an agent it has not heard of only with a join token, so the
# others wait for gossip to introduce them, and add a peer themselves only if it does not.
knows() {
	arctic_as "$1" peers list -o json | grep -q "\"$2\""
}
for n in $(seq "$count"); do
	for m in $(seq $((n + 1)) "$count"); do
		address=127.0.0.1:$((base + m - 1))
		if [ "$n" -gt 1 ]; then
			for _ in $(seq 100); do
				knows "$n" "$address" && break
				sleep 0.1
			done
		fi
		if knows "$n" "$address"; then
			echo "agent-$n met agent-$m ($address) through gossip"
			continue
		fi
		arctic_as "$n" peers add "$address" --name "agent-$m" >/dev/null
		echo "agent-$n joined agent-$m ($address)"
	done
done

echo
echo "arctic peers list (on agent-1):"
arctic_as 1 peers list
echo
echo "The cluster is running (data and logs in $dev). Try, in another shell:"
echo "  export ARCTIC_CONFIG=$dev/agent-1/cli-config.yaml"
echo "  $build/cli/arctic peers list"
echo "  $build/cli/arctic peers add 127.0.0.1:$((base + count)) --debug   # nothing there"
echo "  curl $(url_of 2)/v1/cluster/identity"
echo "  $build/cli/arctic services create --target-peer agent-2 --name web"
echo "  $build/cli/arctic routes add web --priority 100 --dest-cidr 192.168.0.0/16"
echo "  $build/cli/arctic routes explain --src 10.1.2.3 --dst 192.168.100.7"
echo "  $build/cli/arctic compose export --file cluster.yaml   # the cluster as a compose file"
echo "The data plane is off in this cluster (each agent logs why once: several agents on one host"
echo "cannot share its kernel state); as root, tools/netns-demo.sh $build shows traffic crossing"
echo "the tunnel between agents in network namespaces."
echo "Ctrl-C stops them."
wait "${pids[0]}"
