#!/usr/bin/env bash
# Shows that tools/check-layers.sh can fail: on copies of daemon/, each with one breach of the
# layers put in, it must exit 1 and name the file; on an untouched copy it must pass.
#
#   tools/check-layers-selftest.sh [SOURCE_ROOT]
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
check=$root/tools/check-layers.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0

# copy: a fresh copy of daemon/ under $tmp/tree
copy() {
	rm -rf "$tmp/tree"
	mkdir -p "$tmp/tree"
	cp -R "$root/daemon" "$tmp/tree/daemon"
	cp -R "$root/common" "$tmp/tree/common"
}

# expect_breach FILE LINE: FILE (under daemon/, or common/ when it starts so) with LINE
# appended must be refused
expect_breach() {
	local file=$1 text=$2
	[[ $file == common/* ]] || file=daemon/$file
	copy
	printf '%s\n' "$text" >>"$tmp/tree/$file"
	if bash "$check" "$tmp/tree" >"$tmp/out" 2>&1; then
		echo "not refused: $text in $file" >&2
		failures=$((failures + 1))
	elif ! grep -qF "$file" "$tmp/out"; then
		echo "refused without naming $file: $text" >&2
		cat "$tmp/out" >&2
		failures=$((failures + 1))
	fi
}

copy
if ! bash "$check" "$tmp/tree" >"$tmp/out" 2>&1; then
	echo "an untouched copy of daemon/ is refused:" >&2
	cat "$tmp/out" >&2
	failures=$((failures + 1))
fi

expect_breach engine/arc-engine.c '#include "arc-rest-request.h"'
expect_breach core/arc-scope.c '#include "arc-engine.h"'
expect_breach peer/arc-peer-client.c '#include "arc-gossip.h"'
expect_breach dbus/arc-dbus-options.c '#include "arc-rest-server.h"'
expect_breach rest/arc-rest-conn.c '#include "arc-dbus-service.h"'
expect_breach rest/arc-rest-conn.c '#include "../engine/arc-engine.h"'
expect_breach engine/arc-gossip.c '#include "daemon/core/arc-scope.h"'
expect_breach core/arc-jwt.c '#include <libsoup/soup.h>'
expect_breach dataplane/arc-fwmgr.c '#include "arc-engine.h"'
expect_breach dataplane/arc-netmgr.c '#include "arc-peer-client.h"'
expect_breach engine/arc-engine.c '#include "arc-dataplane.h"'
expect_breach engine/arc-engine.c '#include "arc-dbus-generated.h"'
expect_breach peer/arc-peer-client.h '#include <libsoup/soup.h>'
expect_breach engine/arc-engine-join.c 'static SoupSession *arc_engine_session;'
expect_breach core/arc-metrics.c 'static GDBusConnection *arc_metrics_bus;'
expect_breach arc-stray.c '#include <glib.h>'
expect_breach common/arc-cidr.c '#include "arc-route-table.h"'
expect_breach common/arc-names.h '#include "../cli/arc-compose.h"'

copy
cp "$root/daemon/engine/arc-engine.h" "$tmp/tree/daemon/core/arc-engine.h"
if bash "$check" "$tmp/tree" >"$tmp/out" 2>&1; then
	echo "not refused: arc-engine.h in both core/ and engine/" >&2
	failures=$((failures + 1))
fi

if [ "$failures" -gt 0 ]; then
	echo "check-layers-selftest: $failures case(s) wrong" >&2
	exit 1
fi
echo "check-layers-selftest: every breach refused"
