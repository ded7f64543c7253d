#!/usr/bin/env bash
# Keeps daemon/ readable (STYLE.md, "Size and shape"): no source file of daemon/ may exceed
# MAX_LINES lines (1,000 by default); split it by concern before then. With --functions it also
# lists the functions of daemon/ longer than 60 lines, which STYLE.md asks to keep rare; that
# list is for the developer and never fails.
#
#   tools/check-sizes.sh [--functions] [SOURCE_ROOT [MAX_LINES]]
set -euo pipefail

functions=0
if [[ ${1:-} == --functions ]]; then
	functions=1
	shift
fi
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
max=${2:-1000}

failures=0
while IFS= read -r -d '' file; do
	lines=$(wc -l <"$file")
	if ((lines > max)); then
		echo "${file#"$root"/}: $lines lines, more than $max: split it by concern" >&2
		failures=$((failures + 1))
	fi
done < <(find "$root/daemon" -name '*.[ch]' -print0 | sort -z)

if ((functions)); then
	# a function starts at a line beginning with its name and '(' after a line with its
	# return type, and ends at the first '}' in column 0
	# shellcheck disable=SC2016 # the $ are awk's
	find "$root/daemon" -name '*.c' -print0 | sort -z |
		xargs -0 awk -v root="$root/" '
			FNR == 1 { name = "" }
			/^[a-z_][a-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name); start = FNR }
			/^}/ && name != "" {
				if (FNR - start > 60) {
					file = FILENAME; sub(root, "", file)
					printf "%s: %s: %d lines\n", file, name, FNR - start
				}
				name = ""
			}'
fi

if ((failures > 0)); then
	echo "$failures file(s) of daemon/ over $max lines" >&2
	exit 1
fi
