#!/bin/sh
# Suite 'harness': ARC_TEST_AGENT_WRAPPER reaches the agents of every kind of launcher: the
# D-Bus fixture and the REST suite (ArcTestAgent), the C benchmarks (ArcBenchAgent) and the
# shell scripts (arc-test-lib.sh). The wrapper here only writes down what it starts, then
# execs it.
#   test-agent-wrapper.sh BUILD_ROOT SOURCE_ROOT
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/wrapper.sh" <<'WRAPPER'
#!/bin/sh
echo "$*" >>"$ARC_WRAPPER_LOG"
exec "$@"
WRAPPER
chmod +x "$tmp/wrapper.sh"
ARC_TEST_AGENT_WRAPPER=$tmp/wrapper.sh
export ARC_TEST_AGENT_WRAPPER
ARC_LICENSE_TOOL=$build/cli/arctic-license # what tests/dbus/meson.build sets for its suite
export ARC_LICENSE_TOOL

failures=0
# check NAME COMMAND...: COMMAND passes and started at least one arctic-agent via the wrapper
check() {
	name=$1
	shift
	ARC_WRAPPER_LOG=$tmp/$name.log
	export ARC_WRAPPER_LOG
	: >"$ARC_WRAPPER_LOG"
	if ! "$@" >"$tmp/$name.out" 2>&1; then
		echo "not ok: $name failed:"
		cat "$tmp/$name.out"
		failures=$((failures + 1))
	elif ! grep -q 'arctic-agent ' "$ARC_WRAPPER_LOG"; then
		echo "not ok: $name started no agent through ARC_TEST_AGENT_WRAPPER"
		failures=$((failures + 1))
	else
		echo "ok: $name: $(grep -c 'arctic-agent ' "$ARC_WRAPPER_LOG") agent(s) wrapped"
	fi
}

# the D-Bus suite skips without dbus-daemon, the SDK check without its tools: then they start
# no agent, and this test says so rather than failing
if command -v dbus-daemon >/dev/null; then
	check dbus "$build/tests/dbus/test-dbus-agent" -p /dbus/name
else
	echo "skipped: dbus (no dbus-daemon)"
fi
check rest "$build/tests/rest/test-rest-systemd" -p /systemd/environment
check bench "$build/bench/arc-bench-handshake" --build "$build" --cycles 1 --warmup 0 \
	--storage tmpfs --reference-samples 0 --cli-cycles 0
if command -v cc >/dev/null && command -v nm >/dev/null && command -v curl >/dev/null &&
	command -v pkg-config >/dev/null; then
	check shell "$src/tests/sdk/check-sdk.sh" "$build" "$src/tests/sdk" \
		"$build/daemon/arctic-agent" "$build/plugins/all"
else
	echo "skipped: shell (check-sdk.sh needs cc, nm, curl and pkg-config)"
fi
[ "$failures" -eq 0 ]
