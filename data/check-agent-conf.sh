#!/bin/sh
# Checks the shipped agent.conf against the built agent: with every documented key
# uncommented (so set to its documented default) the agent must accept the file, and the
# same file with one bad value must be refused, which shows the agent really read it.
set -eu

conf=$1
agent=$2
plugins=$3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed 's/^#\([a-z_]*=\)/\1/' "$conf" >"$tmp/agent.conf"
if ! grep -q '^max_body_size=' "$tmp/agent.conf"; then
	echo "$conf documents no max_body_size"
	exit 1
fi
if ! "$agent" --config "$tmp/agent.conf" --plugin-dir "$plugins" --list-plugins >"$tmp/out" 2>&1; then
	cat "$tmp/out"
	echo "arctic-agent refuses $conf with every key set to its documented default"
	exit 1
fi

sed 's/^max_body_size=.*/max_body_size=1/' "$tmp/agent.conf" >"$tmp/bad.conf"
if "$agent" --config "$tmp/bad.conf" --plugin-dir "$plugins" --list-plugins >"$tmp/out" 2>&1; then
	echo "arctic-agent accepted max_body_size=1: it did not read the file"
	exit 1
fi
echo "$conf: accepted by arctic-agent"
