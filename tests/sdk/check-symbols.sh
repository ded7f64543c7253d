#!/bin/sh
# The SDK exports exactly the checked-in list: an accidental export or removal fails here,
# with the difference printed (- expected but missing, + exported but not listed).
#   check-symbols.sh LIBRARY SYMBOL_LIST
set -eu
lib=$1
list=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$list" | LC_ALL=C sort >"$tmp/expected"
nm -D --defined-only "$lib" | awk '{print $NF}' | LC_ALL=C sort >"$tmp/actual"
if ! diff -u "$tmp/expected" "$tmp/actual" >"$tmp/diff"; then
	echo "$lib exports other symbols than $list:" >&2
	tail -n +3 "$tmp/diff" | grep '^[-+]' >&2
	exit 1
fi
echo "$(wc -l <"$tmp/actual") symbols, as listed"
