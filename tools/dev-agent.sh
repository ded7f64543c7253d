#!/usr/bin/env bash
# Runs a development agent from the build tree, no root needed: data in ./dev-data of the
# checkout, a development license issuer made on the spot, bootstrapped, answering on
# 127.0.0.1 (port 8080, or API_PORT). Ctrl-C stops it; running it again reuses dev-data.
#
#   tools/dev-agent.sh [BUILD_DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
dev=$top/dev-data
port=${API_PORT:-8080}
url=http://127.0.0.1:$port

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top"
fi
meson compile -C "$build" >/dev/null

mkdir -p "$dev/issuers"
chmod 0700 "$dev"
if [ ! -f "$dev/issuer.key" ]; then
	echo "Creating a development license issuer in $dev"
	"$build/cli/arctic-license" keygen --secret "$dev/issuer.key" --public "$dev/issuers/dev.pub"
	chmod 0644 "$dev/issuers/dev.pub"
fi
if [ ! -f "$dev/license.json" ]; then
	"$build/cli/arctic-license" issue --key "$dev/issuer.key" --customer-id cust_development \
		--days 365 --max-nodes 10 --max-services 100 --feature development \
		--output "$dev/license.json"
fi
cat >"$dev/agent.conf" <<CONF
# written by tools/dev-agent.sh
[agent]
data_dir=$dev/data
listen=127.0.0.1:$port
log_format=text
recovery_token_file=$dev/recovery.token

[plugin:ed25519-file]
issuers_dir=$dev/issuers
CONF

bus=--no-dbus
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	bus=--session-bus
fi
"$build/daemon/arctic-agent" --config "$dev/agent.conf" --plugin-dir "$build/plugins/all" "$bus" &
agent=$!
trap 'kill "$agent" 2>/dev/null; wait "$agent" 2>/dev/null' EXIT INT TERM

for _ in $(seq 100); do
	if curl -sf "$url/readyz" >/dev/null 2>&1; then break; fi
	if ! kill -0 "$agent" 2>/dev/null; then echo "arctic-agent exited" >&2; exit 1; fi
	sleep 0.1
done

export ARCTIC_CONFIG=$dev/cli-config.yaml
if [ "$(curl -sf "$url/v1/cluster/identity" | sed -n 's/.*"peer_id":\(null\).*/\1/p')" = "null" ]; then
	"$build/cli/arctic" bootstrap --url "$url" --license-file "$dev/license.json" --name dev-agent
fi
"$build/cli/arctic" health --readyz --url "$url"
echo
echo "The agent is running at $url (data in $dev). Try, in another shell:"
echo "  export ARCTIC_CONFIG=$dev/cli-config.yaml"
echo "  $build/cli/arctic cluster identity"
echo "  $build/cli/arctic credentials list"
echo "  curl $url/v1/cluster/identity"
echo "Ctrl-C stops it."
wait "$agent"
