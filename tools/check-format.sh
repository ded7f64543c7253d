#!/bin/sh
# Style check (meson test --suite style, tools/pre-commit.sh): every C source and header git
# tracks is laid out as clang-format makes it with .clang-format (STYLE.md). Prints what differs
# and exits 1; exits 77 (skipped) without clang-format or outside a git work tree.
#   tools/check-format.sh          check
#   tools/check-format.sh --fix    reformat the files that differ, in place
# CLANG_FORMAT names another binary: CI uses Debian 12's clang-format 14, and other major
# versions lay a few constructs out differently.
set -eu
cd "$(dirname "$0")/.."

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null 2>&1; then
	echo "SKIP: $clang_format is not installed"
	exit 77
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "SKIP: not a git work tree (the check covers the files git tracks)"
	exit 77
fi

# one clang-format run for the whole tree finds the files (one run per file is 50 times slower);
# files deleted but not yet committed are left out
files=$(git ls-files -- '*.c' '*.h' | while IFS= read -r f; do
	if [ -f "$f" ]; then
		printf '%s\n' "$f"
	fi
done)
differ=$(printf '%s\n' "$files" | xargs "$clang_format" --style=file --dry-run 2>&1 |
	sed -n 's/^\(.*\):[0-9][0-9]*:[0-9][0-9]*: .*\[-Wclang-format-violations\]$/\1/p' | sort -u)
if [ -z "$differ" ]; then
	echo "clang-format: $(printf '%s\n' "$files" | wc -l) files clean ($("$clang_format" --version))"
	exit 0
fi

if [ "${1:-}" = --fix ]; then
	printf '%s\n' "$differ" | xargs "$clang_format" --style=file -i
	printf '%s\n' "$differ" | sed 's/^/reformatted: /'
	exit 0
fi
printf '%s\n' "$differ" | while IFS= read -r f; do
	"$clang_format" --style=file "$f" | diff -u --label "a/$f" --label "b/$f" "$f" - || true
done
echo "clang-format ($("$clang_format" --version)) lays these files out differently:"
printf '%s\n' "$differ" | sed 's/^/  /'
echo "run tools/check-format.sh --fix"
exit 1
