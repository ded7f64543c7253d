#!/bin/sh
# What to run before committing: the style checks (clang-format, shellcheck, the order of error
# checks in tests), then a build and the unit suite. Also works as a git hook:
#   ln -s ../../tools/pre-commit.sh .git/hooks/pre-commit
# Usage: tools/pre-commit.sh [BUILD-DIR]   (default: build, made with meson setup if missing)
# Fixes formatting with tools/check-format.sh --fix. Exits 1 when anything fails.
set -u
cd "$(git rev-parse --show-toplevel)" || exit 1
build=${1:-build}

status=0
# run NAME COMMAND...: runs a check; 77 means the tool is missing here, which is said, not fatal
run() {
	name=$1
	shift
	"$@"
	rc=$?
	case $rc in
	0) ;;
	77) echo "pre-commit: $name skipped (see above); CI runs it" ;;
	*)
		echo "pre-commit: $name FAILED"
		status=1
		;;
	esac
}

run clang-format tools/check-format.sh
run shellcheck tools/check-shell.sh
run test-asserts tools/check-test-asserts.sh
if [ ! -d "$build" ]; then
	run "meson setup" meson setup "$build"
fi
run build meson compile -C "$build"
if [ "$status" = 0 ]; then
	run "unit suite" meson test -C "$build" --suite unit --print-errorlogs
fi

if [ "$status" = 0 ]; then
	echo "pre-commit: all checks passed"
fi
exit "$status"
