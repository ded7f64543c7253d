# shellcheck shell=bash
# Shared by the netns tests: sourced, not run. Agents in network namespaces made by the test
# itself; root only, skipped (exit 77) for anyone else or where ip/nft/netns are missing.
# Traffic stays inside the namespaces. Callers set $port and call netns_setup first.

build=${ARC_BUILD_ROOT:?ARC_BUILD_ROOT is not set}
# shellcheck source=../common/arc-test-lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../common/arc-test-lib.sh"
agent=$build/daemon/arctic-agent
# the agents here run their data plane (arc_exec_agent drops CAP_NET_ADMIN otherwise)
ARC_TEST_AGENT_PRIVILEGED=1
export ARC_TEST_AGENT_PRIVILEGED
cli=$build/cli/arctic
licensetool=$build/cli/arctic-license
plugins=$build/plugins/all
# shellcheck disable=SC2034 # used by the tests that source this file
tag=$$
tmp=
pids=()
namespaces=()
failures=0

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# netns_require TOOL…: skips (77) unless every TOOL is installed
netns_require() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || skip "needs $tool"
	done
}

# netns_require_tempest: skips (77) unless the agent's tunnel plugin was built
netns_require_tempest() {
	[ -e "$plugins/tempest.so" ] || skip "the tempest plugin is not built"
}

pass() {
	echo "ok: $*"
}

netns_cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$tmp" ] && rm -rf "$tmp"
}

# checks what the test needs, then issues the license every agent uses
netns_setup() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	command -v ip >/dev/null || skip "needs ip (iproute2)"
	command -v nft >/dev/null || skip "needs nft (nftables)"
	command -v curl >/dev/null || skip "needs curl"
	tmp=$(mktemp -d /tmp/arctic-netns-XXXXXX)
	trap netns_cleanup EXIT
	mkdir -p "$tmp/issuers"
	"$licensetool" keygen --secret "$tmp/issuer.key" --public "$tmp/issuers/test.pub" >/dev/null
	chmod 0644 "$tmp/issuers/test.pub"
	"$licensetool" issue --key "$tmp/issuer.key" --customer-id cust_NETNS --days 365 \
		--max-nodes 10 --max-services 10 --output "$tmp/license.json" >/dev/null 2>&1
}

# netns_add NAME: a namespace, removed at exit
netns_add() {
	ip netns add "$1" 2>/dev/null || skip "cannot create network namespaces here"
	namespaces+=("$1")
	ip -n "$1" link set lo up
}

# start_agent NAME NS ADDR [EXTRA-CONFIG]: an agent in NS listening on ADDR, bootstrapped
# with the arctic CLI into its own CLI config
start_agent() {
	local name=$1 ns=$2 addr=$3 extra=${4:-}
	mkdir -p "$tmp/$name"
	# shellcheck disable=SC2154 # $port is set by the test that sources this file
	cat >"$tmp/$name/agent.conf" <<CONF
[agent]
data_dir=$tmp/$name/data
listen=$addr:$port
log_format=text
recovery_token_file=$tmp/$name/recovery.token

[peers]
handshake_timeout=3
reach_back_timeout=2

[plugin:ed25519-file]
issuers_dir=$tmp/issuers
$extra
CONF
	# ip execs the agent, under ARC_TEST_AGENT_WRAPPER as arc_exec_agent would run it
	# shellcheck disable=SC2086 # the wrapper is a command line: split on purpose
	ip netns exec "$ns" ${ARC_TEST_AGENT_WRAPPER:-} "$agent" --config "$tmp/$name/agent.conf" \
		--plugin-dir "$plugins" --no-dbus >"$tmp/$name/log" 2>&1 &
	pids+=($!)
	for _ in $(seq "$(arc_timeout 100)"); do
		if ip netns exec "$ns" curl -sf --max-time 1 "http://$addr:$port/livez" >/dev/null; then
			break
		fi
		sleep 0.1
	done
	ip netns exec "$ns" env ARCTIC_CONFIG="$tmp/$name/cli.yaml" "$cli" bootstrap \
		--url "http://$addr:$port" --license-file "$tmp/license.json" --name "$name" \
		>"$tmp/$name/bootstrap.out" || {
		cat "$tmp/$name/log"
		echo "FAIL: bootstrap of $name"
		exit 1
	}
}

# arctic_on NAME NS ARGS…: arctic, as the operator of host NAME runs it there
arctic_on() {
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" env ARCTIC_CONFIG="$tmp/$name/cli.yaml" "$cli" "$@"
}

peers_of() {
	arctic_on "$1" "$2" peers list -o json
}

peer_id_of() {
	sed -n 's/^Peer ID: *//p' "$tmp/$1/bootstrap.out"
}

# netns_report NAMES…: the logs of the agents when something failed, and the exit status
netns_report() {
	if [ "$failures" -gt 0 ]; then
		for name in "$@"; do
			echo "--- log of $name"
			cat "$tmp/$name/log"
		done
		echo "$failures check(s) failed"
		exit 1
	fi
	echo "all checks passed"
}
