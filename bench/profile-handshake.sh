#!/usr/bin/env bash
# Instruction counts of the handshake (bench/README.md, "Profiles"): agent A and, per cycle, a
# new agent B (a removed peer is revoked for good), both under callgrind; A's counters and
# B's (instrumented from that moment only) cover exactly one `POST /v1/peers` on A; then A
# deletes B and B is stopped. Gossip rounds are set to an hour so that no timer falls into the
# window that valgrind stretches; what the handshake itself sends (the push of the new peer)
# still counts. Prints instructions per handshake for each side and cycle, and the mean.
#
#   bench/profile-handshake.sh [BUILD_DIR] [OUT_DIR]    (default: build, a temp dir)
#   CYCLES=8 GOSSIP_INTERVAL=1 bench/profile-handshake.sh build /tmp/hs-profile
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
cycles=${CYCLES:-8}
interval=${GOSSIP_INTERVAL:-3600}
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
wait_ready() { for _ in $(seq 1200); do curl -sf -o /dev/null "http://127.0.0.1:$1/readyz" && return; sleep 0.1; done; echo "bench: agent on $1 not ready" >&2; exit 1; }
total_ir() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'; }
start_agent() { # NAME PORT INSTR-AT-START
	cat >"$tmp/$1.conf" <<CONF
[agent]
recovery_token_file=$tmp/$1.recovery
[gossip]
interval=$interval
[plugin:ed25519-file]
issuers_dir=$tmp/issuers
CONF
	"${unprivileged[@]}" valgrind --tool=callgrind --instr-atstart="$3" --callgrind-out-file="$out/$1.callgrind" \
		"$build/daemon/arctic-agent" --config "$tmp/$1.conf" --data-dir "$tmp/$1" \
		--listen "127.0.0.1:$2" --plugin-dir "$build/plugins/all" --no-dbus \
		--log-format text >"$out/$1.log" 2>&1 &
	echo $!
}
bootstrap() {
	curl -sf -X POST "http://127.0.0.1:$1/v1/bootstrap" -H 'Content-Type: application/json' \
		--data-binary @"$tmp/license.json"
}

mkdir -p "$tmp/issuers"
"$build/cli/arctic-license" keygen --secret "$tmp/issuer.key" --public "$tmp/issuers/bench.pub" >/dev/null
chmod 0644 "$tmp/issuers/bench.pub"
"$build/cli/arctic-license" issue --key "$tmp/issuer.key" --customer-id cust_bench --days 365 \
	--max-nodes 10 --max-services 100 --output "$tmp/license.json" >/dev/null 2>&1
pa=$(arc_free_port)
a=$(start_agent A "$pa" yes)
pids+=("$a")
wait_ready "$pa"
boot=$(bootstrap "$pa")
client_id=$(sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p' <<<"$boot")
client_secret=$(sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p' <<<"$boot")
token=$(curl -sf -X POST "http://127.0.0.1:$pa/v1/oauth/token" \
	-d "grant_type=client_credentials&client_id=$client_id&client_secret=$client_secret" |
	sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
echo "Instructions per handshake (callgrind; files in $out)"
printf '%-6s %14s %14s\n' cycle "A, initiator" "B, responder"
sum_a=0
sum_b=0
for c in $(seq "$cycles"); do
	pb=$(arc_free_port)
	b=$(start_agent "B$c" "$pb" no)
	pids+=("$b")
	wait_ready "$pb"
	bootstrap "$pb" >/dev/null
	sleep 1
	callgrind_control -i on "$b" >/dev/null 2>&1
	callgrind_control -z "$b" >/dev/null 2>&1
	callgrind_control -z "$a" >/dev/null 2>&1
	curl -sf -X POST "http://127.0.0.1:$pa/v1/peers" -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' -d "{\"address\":\"127.0.0.1:$pb\"}" >"$out/post.$c.json"
	callgrind_control -d "hs$c" "$a" >/dev/null 2>&1
	callgrind_control -d "hs$c" "$b" >/dev/null 2>&1
	peer=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' "$out/post.$c.json")
	curl -sf -X DELETE "http://127.0.0.1:$pa/v1/peers/$peer" -H "Authorization: Bearer $token" >/dev/null
	kill "$b"
	wait "$b" 2>/dev/null || true
	ir_a=$(total_ir "$out/A.callgrind.$c")
	ir_b=$(total_ir "$out/B$c.callgrind.1")
	sum_a=$((sum_a + ir_a))
	sum_b=$((sum_b + ir_b))
	printf '%-6s %14s %14s\n' "$c" "$ir_a" "$ir_b"
done
printf '%-6s %14s %14s\n' mean "$((sum_a / cycles))" "$((sum_b / cycles))"
echo "where it goes: callgrind_annotate --inclusive=yes $out/A.callgrind.$cycles | less"
