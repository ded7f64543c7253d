#!/usr/bin/env bash
# Instruction counts of the API (bench/README.md, "Profiles"): the agent under callgrind
# answers N authenticated GET /v1/credentials and N GET /v1/cluster/identity on one kept-alive
# connection, and the bare libsoup server (arc-bench-bare-server) the same N requests with
# the same bytes. Prints instructions per request and the agent/bare ratio; keeps the
# callgrind files for callgrind_annotate. Counts do not depend on the machine's load.
#
#   bench/profile-api.sh [BUILD_DIR] [OUT_DIR]       (default: build, a temp dir)
#   REQUESTS=2000 bench/profile-api.sh build /tmp/api-profile
set -euo pipefail
# shellcheck source=../tests/common/arc-test-lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../tests/common/arc-test-lib.sh"
# as root, the agents run without CAP_NET_ADMIN (as in the tests): the control plane is
# measured, and the host's network is left alone (the data plane would start in it)
unprivileged=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	unprivileged=(setpriv --bounding-set -net_admin)
fi

build=$(cd "${1:-build}" && pwd)
out=${2:-$(mktemp -d)}
n=${REQUESTS:-2000}
mkdir -p "$out"
out=$(cd "$out" && pwd)
for tool in valgrind callgrind_control callgrind_annotate curl python3; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done
tmp=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
wait_http() { for _ in $(seq 900); do curl -s -o /dev/null "$1" && return; sleep 0.1; done; echo "bench: $1 never answered" >&2; exit 1; }
total_ir() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'; }
# N requests on one connection (curl reuses it), the counters zeroed before and dumped after
measure() { # PID URL LABEL
	local urls=()
	for _ in $(seq 50); do urls+=("$2"); done
	curl -sf "${urls[@]}" -H "Authorization: Bearer $token" >/dev/null
	callgrind_control -z "$1" >/dev/null 2>&1
	urls=()
	for _ in $(seq "$n"); do urls+=("$2"); done
	curl -sf "${urls[@]}" -H "Authorization: Bearer $token" >/dev/null
	callgrind_control -d "$3" "$1" >/dev/null 2>&1
}

mkdir -p "$tmp/issuers"
"$build/cli/arctic-license" keygen --secret "$tmp/issuer.key" --public "$tmp/issuers/bench.pub" >/dev/null
chmod 0644 "$tmp/issuers/bench.pub"
"$build/cli/arctic-license" issue --key "$tmp/issuer.key" --customer-id cust_bench --days 365 \
	--max-nodes 10 --max-services 100 --output "$tmp/license.json" >/dev/null 2>&1
cat >"$tmp/agent.conf" <<CONF
[agent]
recovery_token_file=$tmp/recovery.token
[plugin:ed25519-file]
issuers_dir=$tmp/issuers
CONF
port=$(arc_free_port)
"${unprivileged[@]}" valgrind --tool=callgrind --callgrind-out-file="$out/agent.callgrind" "$build/daemon/arctic-agent" \
	--config "$tmp/agent.conf" --data-dir "$tmp/data" --listen "127.0.0.1:$port" \
	--plugin-dir "$build/plugins/all" --no-dbus --log-format text 2>"$out/agent.log" &
agent=$!
pids+=("$agent")
wait_http "http://127.0.0.1:$port/readyz"
curl -sf -X POST "http://127.0.0.1:$port/v1/bootstrap" -H 'Content-Type: application/json' \
	--data-binary @"$tmp/license.json" >"$tmp/bootstrap.json"
client_id=$(sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p' "$tmp/bootstrap.json")
client_secret=$(sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p' "$tmp/bootstrap.json")
token=$(curl -sf -X POST "http://127.0.0.1:$port/v1/oauth/token" \
	-d "grant_type=client_credentials&client_id=$client_id&client_secret=$client_secret" |
	sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
# as api-bench.sh: four more credentials, so the list is not trivially short
for _ in 1 2 3 4; do
	curl -sf -X POST "http://127.0.0.1:$port/v1/credentials" -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' -d '{"scopes":["peers.read"]}' >/dev/null
done
sleep 1.2 # last_used_at is synced at most once a second
paths=(/v1/credentials /v1/cluster/identity)
for i in 0 1; do
	curl -sf "http://127.0.0.1:$port${paths[$i]}" -H "Authorization: Bearer $token" >"$tmp/body.$i"
	measure "$agent" "http://127.0.0.1:$port${paths[$i]}" "agent$i"
done
kill "$agent"
wait "$agent" 2>/dev/null || true
for i in 0 1; do
	bport=$(arc_free_port)
	valgrind --tool=callgrind --callgrind-out-file="$out/bare$i.callgrind" \
		"$build/bench/arc-bench-bare-server" "$bport" "$tmp/body.$i" 2>/dev/null &
	bare=$!
	pids+=("$bare")
	wait_http "http://127.0.0.1:$bport/"
	measure "$bare" "http://127.0.0.1:$bport${paths[$i]}" "bare$i"
	kill "$bare"
	wait "$bare" 2>/dev/null || true
done

echo "Instructions per request (callgrind, $n requests on one connection; files in $out)"
printf '%-28s %14s %14s %8s\n' "request" "agent" "bare libsoup" "bare/agent"
for i in 0 1; do
	a=$(total_ir "$out/agent.callgrind.$((i + 1))")
	b=$(total_ir "$out/bare$i.callgrind.1")
	printf '%-28s %14s %14s %7s%%\n' "GET ${paths[$i]}" "$((a / n))" "$((b / n))" \
		"$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.0f", 100 * b / a}')"
done
echo "where it goes: callgrind_annotate --inclusive=yes $out/agent.callgrind.1 | less"
