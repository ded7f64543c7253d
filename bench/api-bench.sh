#!/usr/bin/env bash
# API benchmark of issue 2: authenticated GET /v1/cluster/identity and GET /v1/credentials
# under wrk, side by side with a bare libsoup 3 server returning the same bytes; time from
# exec to /readyz 200; idle RSS and private dirty memory, and the mappings that hold the most.
# Prints figures, never fails on them.
#
#   bench/api-bench.sh [BUILD_DIR]      (default: build)
#   DURATION=10 CONNECTIONS=16 bench/api-bench.sh
#
# The server under test is pinned to CPU 0 and wrk to CPU 1, so "requests/s" is what one
# core serves. All traffic stays on 127.0.0.1.
set -euo pipefail
# shellcheck source=../tests/common/arc-test-lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../tests/common/arc-test-lib.sh"

build=$(cd "${1:-build}" && pwd)
duration=${DURATION:-10}
connections=${CONNECTIONS:-16}
runs=${RUNS:-3}
for tool in wrk curl taskset python3; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is required (apt-get install wrk curl util-linux python3)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# a development issuer and license, made on the spot
mkdir -p "$tmp/issuers"
"$build/cli/arctic-license" keygen --secret "$tmp/issuer.key" --public "$tmp/issuers/bench.pub" >/dev/null
chmod 0644 "$tmp/issuers/bench.pub"
"$build/cli/arctic-license" issue --key "$tmp/issuer.key" --customer-id cust_bench \
	--days 365 --max-nodes 10 --max-services 100 --output "$tmp/license.json"
cat >"$tmp/agent.conf" <<CONF
[agent]
recovery_token_file=$tmp/recovery.token
[plugin:ed25519-file]
issuers_dir=$tmp/issuers
CONF

port=$(arc_free_port)
# under ARC_TEST_AGENT_WRAPPER, as every agent of the tests and benchmarks
read -r -a wrapper <<<"${ARC_TEST_AGENT_WRAPPER:-}"
# and, as root, without CAP_NET_ADMIN like them: the control plane is measured, and the host's
# network is left alone (the data plane would otherwise start in it)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && [ -z "${ARC_TEST_AGENT_PRIVILEGED:-}" ]; then
	wrapper=(setpriv --bounding-set -net_admin "${wrapper[@]}")
fi
agent_cmd=("${wrapper[@]}" "$build/daemon/arctic-agent" --config "$tmp/agent.conf" --data-dir "$tmp/data"
	--listen "127.0.0.1:$port" --plugin-dir "$build/plugins/all" --no-dbus --log-format text)

# time to ready, fresh data dir then bootstrapped data dir (median of 5 each)
ready_ms() {
	local out pid
	out=$("$build/bench/arc-bench-ready" "$port" "${agent_cmd[@]}" 2>>"$tmp/agent.log")
	pid=${out#* }
	kill "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
	echo "${out%% *}"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ready_fresh=$(for _ in 1 2 3 4 5; do rm -rf "$tmp/data"; ready_ms; done | median)
out=$("$build/bench/arc-bench-ready" "$port" "${agent_cmd[@]}" 2>>"$tmp/agent.log")
agent_pid=${out#* }
pids+=("$agent_pid")
curl -sf -X POST "http://127.0.0.1:$port/v1/bootstrap" -H 'Content-Type: application/json' \
	--data-binary @"$tmp/license.json" >"$tmp/bootstrap.json"
kill "$agent_pid"
while kill -0 "$agent_pid" 2>/dev/null; do sleep 0.01; done
ready_boot=$(for _ in 1 2 3 4 5; do ready_ms; done | median)

# the agent under test, pinned to CPU 0
out=$("$build/bench/arc-bench-ready" "$port" taskset -c 0 "${agent_cmd[@]}" 2>>"$tmp/agent.log")
agent_pid=${out#* }
pids+=("$agent_pid")
client_id=$(sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p' "$tmp/bootstrap.json")
client_secret=$(sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p' "$tmp/bootstrap.json")
token=$(curl -sf -X POST "http://127.0.0.1:$port/v1/oauth/token" \
	-d "grant_type=client_credentials&client_id=$client_id&client_secret=$client_secret" |
	sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
# a few more credentials, so the list is not trivially short
for _ in 1 2 3 4; do
	curl -sf -X POST "http://127.0.0.1:$port/v1/credentials" -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' -d '{"scopes":["peers.read"]}' >/dev/null
done
sleep 2
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$agent_pid/status")
dirty_kb=$(awk '/^Private_Dirty:/ {print $2}' "/proc/$agent_pid/smaps_rollup")
# where it goes: Rss and private dirty per mapped file (or [heap], [anon]), the largest first
maps=$(awk '/^[0-9a-f]+-[0-9a-f]+ / {name = (NF >= 6) ? $6 : "[anon]"; next}
	/^Rss:/ {rss[name] += $2} /^Private_Dirty:/ {dirty[name] += $2}
	END {for (n in rss) printf "%8d KiB %6d KiB  %s\n", rss[n], dirty[n], n}' "/proc/$agent_pid/smaps" |
	sort -k1,1 -n -r | head -n 12)

curl -sf "http://127.0.0.1:$port/v1/cluster/identity" -H "Authorization: Bearer $token" >"$tmp/identity.body"
curl -sf "http://127.0.0.1:$port/v1/credentials" -H "Authorization: Bearer $token" >"$tmp/credentials.body"

# both bare servers, idle on CPU 0 until their turn
bare_id_port=$(arc_free_port)
taskset -c 0 "$build/bench/arc-bench-bare-server" "$bare_id_port" "$tmp/identity.body" &
pids+=("$!")
bare_cr_port=$(arc_free_port)
taskset -c 0 "$build/bench/arc-bench-bare-server" "$bare_cr_port" "$tmp/credentials.body" &
pids+=("$!")
sleep 0.3

# wrk: requests/s and p99 (ms) of one run
run_wrk() {
	local out rps p99
	out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency \
		-H "Authorization: Bearer $token" "$1")
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
	echo "$rps $p99"
}

# The machine may be shared: agent and bare runs alternate, and each keeps its best run, so
# a noisy moment does not fall on one side only.
best() { sort -k1,1 -g -r | head -n 1; }
targets=("http://127.0.0.1:$port/v1/cluster/identity" "http://127.0.0.1:$bare_id_port/v1/cluster/identity"
	"http://127.0.0.1:$port/v1/credentials" "http://127.0.0.1:$bare_cr_port/v1/credentials")
for i in 0 1 2 3; do : >"$tmp/runs.$i"; done
for _ in $(seq "$runs"); do
	for i in 0 1 2 3; do run_wrk "${targets[$i]}" >>"$tmp/runs.$i"; done
done
read -r agent_id_rps agent_id_p99 < <(best <"$tmp/runs.0")
read -r bare_id_rps bare_id_p99 < <(best <"$tmp/runs.1")
read -r agent_cr_rps agent_cr_p99 < <(best <"$tmp/runs.2")
read -r bare_cr_rps bare_cr_p99 < <(best <"$tmp/runs.3")

pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", 100 * a / b}'; }
echo
echo "Arctic API benchmark ($(nproc) CPUs, server on CPU 0, wrk -t1 -c$connections -d${duration}s on CPU 1, best of $runs)"
printf '%-34s %12s %10s %12s\n' "endpoint" "requests/s" "p99 (ms)" "vs bare"
printf '%-34s %12s %10s %12s\n' "agent GET /v1/cluster/identity" "$agent_id_rps" "$agent_id_p99" "$(pct "$agent_id_rps" "$bare_id_rps")%"
printf '%-34s %12s %10s %12s\n' "bare libsoup, same bytes" "$bare_id_rps" "$bare_id_p99" "100%"
printf '%-34s %12s %10s %12s\n' "agent GET /v1/credentials" "$agent_cr_rps" "$agent_cr_p99" "$(pct "$agent_cr_rps" "$bare_cr_rps")%"
printf '%-34s %12s %10s %12s\n' "bare libsoup, same bytes" "$bare_cr_rps" "$bare_cr_p99" "100%"
echo
echo "time from exec to /readyz 200: ${ready_fresh} ms (empty data dir), ${ready_boot} ms (bootstrapped)"
echo "idle memory after bootstrap: RSS $((rss_kb / 1024)).$(((rss_kb % 1024) * 10 / 1024)) MB, private dirty $((dirty_kb / 1024)).$(((dirty_kb % 1024) * 10 / 1024)) MB"
echo "largest mappings (Rss, private dirty):"
echo "$maps"
echo "targets: >= 60% of bare with p99 < 5 ms; ready < 200 ms; RSS < 12 MB; private dirty < 4 MB"
