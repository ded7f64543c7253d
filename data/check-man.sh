#!/bin/sh
# Checks the man pages: groff (or mandoc) finds nothing to warn about in any of them, and
# they cannot fall behind the programs: the COMMANDS of arctic(1) describe every command and
# its GLOBAL OPTIONS every option that `arctic --help` lists, and agent.conf(5) describes
# every section and key of agent.conf.in (the commented-out `#key=` lines included).
# Exits 77 (skipped) without groff or mandoc.
# Usage: check-man.sh ARCTIC AGENT_CONF_IN PAGE...
set -eu

arctic=$1
agent_conf=$2
shift 2
if command -v mandoc >/dev/null 2>&1; then
	lint() { mandoc -T lint -W warning "$1"; }
elif command -v groff >/dev/null 2>&1; then
	lint() { test -z "$(groff -man -ww -z "$1" 2>&1)"; }
else
	echo "neither mandoc nor groff found: skipping"
	exit 77
fi

# the text of one section (.SH NAME) of a page, with \- as plain -
section() {
	awk -v name="$2" '/^\.SH / { inside = ($0 == ".SH " name) ; next } inside' "$1" |
		sed 's/\\-/-/g'
}

check_arctic() {
	help=$(LC_ALL=C "$arctic" --help)
	commands=$(printf '%s\n' "$help" | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
	described=$(section "$1" COMMANDS)
	for command in $commands; do
		if ! printf '%s\n' "$described" | grep -q "^\.BR* *\"*$command\b"; then
			echo "$1 does not describe the command $command"
			status=1
		fi
	done
	options=$(printf '%s\n' "$help" | sed -n '/^Options:/,/^$/p' |
		grep -o -- '--[a-z][a-z-]*' | grep -v -- '^--help' | sort -u)
	described=$(section "$1" "GLOBAL OPTIONS")
	for option in $options; do
		if ! printf '%s\n' "$described" | grep -q -E -- "$option([^a-z-]|\$)"; then
			echo "$1 does not describe the global option $option"
			status=1
		fi
	done
}

# every [section] of agent.conf.in is a .SH of the page, every key the head of an item
check_agent_conf() {
	page=$(sed 's/\\-/-/g' "$1")
	# a here-document, not a pipe: the loop must run in this shell to set $status
	while IFS= read -r name; do
		[ -n "$name" ] || continue
		if ! printf '%s\n' "$page" | grep -q -F -x ".SH [$name]"; then
			echo "$1 does not describe the section [$name] of $agent_conf"
			status=1
		fi
	done <<EOF
$(sed -n 's/^\[\(.*\)\]$/\1/p' "$agent_conf")
EOF
	heads=$(printf '%s\n' "$page" | awk 'previous == ".TP" { print } { previous = $0 }')
	while IFS= read -r key; do
		[ -n "$key" ] || continue
		if ! printf '%s\n' "$heads" | grep -q -E "^\.BR? .*\b$key\b"; then
			echo "$1 does not describe the key $key of $agent_conf"
			status=1
		fi
	done <<EOF
$(sed -n 's/^#\{0,1\}\([a-z_][a-z0-9_]*\)=.*/\1/p' "$agent_conf")
EOF
}

status=0
for page in "$@"; do
	if lint "$page"; then
		echo "$page: clean"
	else
		echo "$page: warnings (run: groff -man -ww -z $page)"
		status=1
	fi
	# by the page's title, not its file name, so that the tests can check stale copies
	case "$(sed -n 's/^\.TH \([^ ]*\) \([0-9]\) .*/\1(\2)/p' "$page")" in
	"ARCTIC(1)") check_arctic "$page" ;;
	"AGENT.CONF(5)") check_agent_conf "$page" ;;
	esac
done
exit $status
