#!/bin/sh
# Style check (meson test --suite style, tools/pre-commit.sh): shellcheck finds nothing in any
# shell script git tracks: the *.sh files and every other file that starts with a sh or bash
# #! line (.ci/run, .ci/install-deps). Exits 77 (skipped) without shellcheck or outside a git
# work tree. A finding that is wrong for one line is silenced on that line with
# "# shellcheck disable=SCxxxx # why", never for the whole tree.
set -eu
cd "$(dirname "$0")/.."

if ! command -v shellcheck >/dev/null 2>&1; then
	echo "SKIP: shellcheck is not installed"
	exit 77
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "SKIP: not a git work tree (the check covers the files git tracks)"
	exit 77
fi

scripts=$(
	{
		git ls-files -- '*.sh'
		git grep -I -l -E '^#! ?(/usr/bin/env +|/bin/|/usr/bin/)(ba)?sh\b' -- ':!*.sh' |
			while IFS= read -r f; do
				case $(head -n 1 "$f") in
				'#!'*sh*) printf '%s\n' "$f" ;;
				esac
			done
	} | while IFS= read -r f; do
		if [ -f "$f" ]; then
			printf '%s\n' "$f"
		fi
	done | sort -u
)
# -x follows the files a script sources (their "# shellcheck source=" directives name them)
if printf '%s\n' "$scripts" | xargs shellcheck -x; then
	echo "shellcheck: $(printf '%s\n' "$scripts" | wc -l) scripts clean ($(shellcheck --version |
		sed -n 's/^version: //p'))"
	exit 0
fi
echo "shellcheck found the problems above"
exit 1
