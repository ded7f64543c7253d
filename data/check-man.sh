#!/bin/sh
# Checks the man pages: groff (or mandoc) finds nothing to warn about in any of them, and
# the COMMANDS of arctic(1) describe every command that `arctic --help` lists, so that the page cannot fall
# behind the CLI. Exits 77 (skipped) without groff or mandoc.
# Usage: check-man.sh ARCTIC PAGE...
set -eu

arctic=$1
shift
if command -v mandoc >/dev/null 2>&1; then
	lint() { mandoc -T lint -W warning "$1"; }
elif command -v groff >/dev/null 2>&1; then
	lint() { test -z "$(groff -man -ww -z "$1" 2>&1)"; }
else
	echo "neither mandoc nor groff found: skipping"
	exit 77
fi

status=0
arctic_page=
for page in "$@"; do
	if lint "$page"; then
		echo "$page: clean"
	else
		echo "$page: warnings (run: groff -man -ww -z $page)"
		status=1
	fi
	case "$page" in */arctic.1) arctic_page=$page ;; esac
done

if [ -n "$arctic_page" ]; then
	commands=$(LC_ALL=C "$arctic" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
	described=$(sed -n '/^\.SH COMMANDS/,/^\.SH [^C]/p' "$arctic_page")
	for command in $commands; do
		if ! printf '%s\n' "$described" | grep -q "^\.BR* *\"*$command\b"; then
			echo "$arctic_page does not describe the command $command"
			status=1
		fi
	done
fi
exit $status
