#!/bin/sh
# Checks that the agent and the installed files agree on the configuration directory, and
# that it is the one given (/etc/arctic for the default sysconfdir, whatever the prefix):
# the agent's built-in agent.conf path, the systemd unit, the tmpfiles.d entry, agent.conf
# and arctic-agent(8).
# Usage: check-sysconfdir.sh EXPECTED-DIR AGENT FILE...
set -eu

expected=$1
agent=$2
shift 2
status=0

if "$agent" --help | grep -q "default $expected/agent.conf)"; then
	echo "arctic-agent reads $expected/agent.conf"
else
	echo "arctic-agent does not read $expected/agent.conf:"
	"$agent" --help | grep -- '--config' || true
	status=1
fi
for file in "$@"; do
	if grep -q "$expected" "$file" && ! grep -q "/usr/local/etc\|/usr/etc" "$file"; then
		echo "$file: $expected"
	else
		echo "$file does not use $expected"
		status=1
	fi
done
exit $status
