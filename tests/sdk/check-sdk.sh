#!/bin/sh
# The SDK as a third party gets it: build example-license.c against `pkg-config
# arctic-plugin` (the uninstalled .pc of this build) with -Wl,-z,defs, check it exports one
# symbol, list it with the agent, and run an agent whose license backend it is.
#   check-sdk.sh BUILD_ROOT SOURCE_DIR AGENT PLUGIN_DIR
set -eu
# shellcheck source=../common/arc-test-lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../common/arc-test-lib.sh"
build=$1
src=$2
agent=$3
plugins=$4
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

export PKG_CONFIG_PATH="$build/meson-uninstalled"
# shellcheck disable=SC2046
cc -shared -fPIC -fvisibility=hidden -Wall -Werror -Wl,-z,defs -o "$tmp/example-license.so" \
	"$src/example-license.c" $(pkg-config --cflags --libs arctic-plugin)

symbols=$(nm -D --defined-only "$tmp/example-license.so" | awk '{print $3}' | grep -v '^_' || true)
if [ "$symbols" != "arc_plugin_descriptor" ]; then
	echo "exported symbols: $symbols" >&2
	exit 1
fi

mkdir "$tmp/plugins"
ln -s "$plugins/sqlite.so" "$tmp/plugins/"
cp "$tmp/example-license.so" "$tmp/plugins/"
export LD_LIBRARY_PATH="$build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
list=$(arc_exec_agent "$agent" --list-plugins --plugin-dir "$tmp/plugins")
echo "$list"
echo "$list" | grep -Eq '^example-license +license +9\.9\.9 +2\.[0-9]+ +loaded'

cat >"$tmp/agent.conf" <<CONF
[agent]
recovery_token_file=$tmp/recovery.token
[plugins]
license=example-license
CONF
arc_exec_agent "$agent" --config "$tmp/agent.conf" --data-dir "$tmp/data" --listen 127.0.0.1:0 \
	--plugin-dir "$tmp/plugins" --no-dbus --log-format text 2>"$tmp/agent.log" &
pid=$!
# port 0: the agent picks a free port and logs it
i=0
port=
while [ -z "$port" ]; do
	i=$((i + 1))
	if [ "$i" -gt "$(arc_timeout 100)" ] || ! kill -0 "$pid" 2>/dev/null; then
		cat "$tmp/agent.log" >&2
		exit 1
	fi
	sleep 0.1
	port=$(sed -n 's/.*serving the API on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/agent.log")
done
answer=$(curl -s -X POST "http://127.0.0.1:$port/v1/bootstrap" -H 'Content-Type: application/json' \
	--data-binary @"$src/../fixtures/license-valid.json")
echo "$answer"
echo "$answer" | grep -q '"code":"LICENSE_INVALID"'
echo "$answer" | grep -q 'example-license: the example backend trusts no license'
