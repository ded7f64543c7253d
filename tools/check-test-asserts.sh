#!/bin/sh
# Style check (meson test --suite style, tools/pre-commit.sh): tests check the error before the
# return value, so that a failing call prints its message (STYLE.md, "Tests"):
#
#	ok = arc_storage_check(storage, &error);
#	g_assert_no_error(error);
#	g_assert_true(ok);
#
# Two shapes lose the message and are refused in the tests' C files:
#   - an assertion immediately followed by g_assert_no_error(): the assertion fails first;
#   - g_assert_true() or g_assert_nonnull() around a call that takes &error (any name with
#     "err" in it): when the call fails, only "should be TRUE" is printed.
# Expected failures (g_assert_false(f(&error)); g_assert_error(error, ...)) are fine either way.
# Usage: tools/check-test-asserts.sh [FILE...]   (default: the tests' C files git tracks;
# exits 77, skipped, outside a git work tree)
set -eu

if [ $# -gt 0 ]; then
	files=$(printf '%s\n' "$@")
else
	cd "$(dirname "$0")/.."
	if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		echo "SKIP: not a git work tree (the check covers the files git tracks)"
		exit 77
	fi
	# tests/dbus and tests/common are being rewritten (issue 13); they join once that landed
	files=$(git ls-files -- 'tests/*.c' 'plugins/*/tests/*.c' ':!tests/dbus/' ':!tests/common/' |
		while IFS= read -r f; do
			if [ -f "$f" ]; then
				printf '%s\n' "$f"
			fi
		done)
fi

# Reads the files a line at a time: an assertion is a statement whose first line starts with
# g_assert_; its parentheses (outside string literals) say where it ends.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
if ! printf '%s\n' "$files" | xargs awk '
function flush_pending() {
	pending = ""
}
function depth_of(text, stripped) {
	stripped = text
	gsub(/\\./, "", stripped)
	gsub(/"[^"]*"/, "", stripped)
	gsub(/\047[^\047]*\047/, "", stripped)
	return gsub(/\(/, "(", stripped) - gsub(/\)/, ")", stripped)
}
function finish(text, where) {
	if (text ~ /^g_assert_(true|nonnull)[ \t]*\(/ && text ~ /&[ \t]*[A-Za-z_0-9]*err[A-Za-z_0-9]*[^A-Za-z_0-9]/) {
		printf "%s: the error of the call is never printed; check it first:\n", where
		printf "\tok = f(..., &error);\n\tg_assert_no_error(error);\n\tg_assert_true(ok);\n"
		bad++
		return
	}
	pending = where
}
FNR == 1 {
	in_comment = 0
	collecting = 0
	flush_pending()
}
{
	line = $0
	sub(/^[ \t]+/, "", line)
	if (in_comment) {
		if (index(line, "*/") > 0)
			in_comment = 0
		next
	}
	if (collecting) {
		text = text " " line
		depth += depth_of(line)
		if (depth <= 0) {
			collecting = 0
			finish(text, start)
		}
		next
	}
	if (line == "" || line ~ /^\/\//)
		next
	if (line ~ /^\/\*/) {
		if (index(line, "*/") == 0)
			in_comment = 1
		next
	}
	if (pending != "" && line ~ /^g_assert_no_error[ \t]*\(/) {
		printf "%s: an assertion comes before g_assert_no_error() at line %d; check the error first\n", pending, FNR
		bad++
	}
	flush_pending()
	if (line ~ /^g_assert_/ && line !~ /^g_assert_(no_error|error)[ \t]*\(/) {
		start = FILENAME ":" FNR
		text = line
		depth = depth_of(line)
		if (depth > 0)
			collecting = 1
		else
			finish(text, start)
	}
}
END {
	if (bad > 0) {
		printf "%d assertion(s) would hide the message of an error (STYLE.md, Tests)\n", bad
		exit 1
	}
}
'; then
	exit 1
fi
echo "tests check the error before the return value ($(printf '%s\n' "$files" | wc -l) files)"
