#!/bin/sh
# Checks arctic-agent.service with `systemd-analyze verify`: any complaint (unknown key,
# bad value, missing command) fails. ExecStart is pointed at the built agent, since the
# installed path does not exist before `meson install`. Exits 77 (skipped) without
# systemd-analyze.
set -eu

unit=$1
agent=${2:-/bin/true}

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "systemd-analyze not found: skipping"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|^ExecStart=[^ ]*|ExecStart=$agent|" "$unit" >"$tmp/arctic-agent.service"

status=0
systemd-analyze verify --man=no "$tmp/arctic-agent.service" >"$tmp/out" 2>&1 || status=$?
cat "$tmp/out"
if [ "$status" -ne 0 ] || [ -s "$tmp/out" ]; then
	echo "systemd-analyze verify does not accept $unit"
	exit 1
fi
echo "$unit: verified"
