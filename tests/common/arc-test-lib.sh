# shellcheck shell=sh
# Sourced, not run: what the shell tests and benchmarks share, the shell twin of
# tests/common/arc-test-process.c (POSIX sh, so that sh and bash scripts can both source it).
#
#   . "$(dirname "$0")/../tests/common/arc-test-lib.sh"
#   port=$(arc_free_port)
#   arc_exec_agent "$build/daemon/arctic-agent" --listen "127.0.0.1:$port" ... >log 2>&1 &
#   for _ in $(seq "$(arc_timeout 100)"); do ...; sleep 0.1; done

# arc_free_port: a TCP port of 127.0.0.1 that nothing listened on a moment ago (needs python3)
arc_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# arc_exec_agent PROGRAM ARG...: replaces the (sub)shell with PROGRAM, under
# ARC_TEST_AGENT_WRAPPER when that is set (e.g. "valgrind --log-file=/tmp/vg-%p.log", split at
# blanks). Run it in the background or in $(...): then $! is the agent's pid (or the wrapper's,
# which for valgrind is the same).
# As root the agent gets no CAP_NET_ADMIN (its data plane stays off, as for a user) unless
# ARC_TEST_AGENT_PRIVILEGED is set: only the netns tests give agents the kernel.
arc_exec_agent() {
	if [ "$(id -u)" = 0 ] && [ -z "${ARC_TEST_AGENT_PRIVILEGED:-}" ] &&
		command -v setpriv >/dev/null; then
		# shellcheck disable=SC2086 # the wrapper is a command line: split on purpose
		exec setpriv --bounding-set -net_admin ${ARC_TEST_AGENT_WRAPPER:-} "$@"
	fi
	# shellcheck disable=SC2086 # the wrapper is a command line: split on purpose
	exec ${ARC_TEST_AGENT_WRAPPER:-} "$@"
}

# arc_timeout N: N, or six times N under ARC_TEST_AGENT_WRAPPER (valgrind is that slow)
arc_timeout() {
	if [ -n "${ARC_TEST_AGENT_WRAPPER:-}" ]; then
		echo $(($1 * 6))
	else
		echo "$1"
	fi
}
