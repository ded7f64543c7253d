#!/bin/bash
# Suite 'netns': Tempest's I/O pieces against the real kernel and the real `wg` tool, in a
# network namespace made here (tio-PID) and removed at exit. Root only; skipped (77) otherwise.
#
# usage: test-tempest-io-netns.sh TEST-UDP TEST-TUN UAPI-CANNED
set -u

udp_test=$1
tun_test=$2
canned=$3
ns=tio-$$
ifname=tio$$
tmp=
pids=()
failures=0

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
	rm -f "/var/run/wireguard/$ifname.sock"
	[ -n "$tmp" ] && rm -rf "$tmp"
}

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, TUN, /var/run/wireguard)"
command -v ip >/dev/null || skip "needs ip (iproute2)"
[ -c /dev/net/tun ] || skip "needs /dev/net/tun"
trap cleanup EXIT
tmp=$(mktemp -d /tmp/tempest-io-XXXXXX)
ip netns add "$ns" 2>/dev/null || skip "cannot create network namespaces here"
ip -n "$ns" link set lo up

# batched UDP on loopback, with and without GSO/GRO; the TUN device
for prog in "$udp_test" "$tun_test"; do
	if ip netns exec "$ns" "$prog" >"$tmp/out" 2>&1; then
		pass "$(basename "$prog")"
	else
		cat "$tmp/out"
		fail "$(basename "$prog")"
	fi
done

# start_canned [read-only]: a configuration socket for $ifname with the canned state
start_canned() {
	"$canned" "$ifname" "$tmp/changes" "$@" >"$tmp/canned.out" 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do
		[ -S "/var/run/wireguard/$ifname.sock" ] && return 0
		sleep 0.1
	done
	cat "$tmp/canned.out"
	return 1
}

stop_canned() {
	local pid=${pids[-1]}
	kill "$pid"
	wait "$pid" 2>/dev/null
	unset 'pids[-1]'
}

if ! command -v wg >/dev/null; then
	echo "SKIP part: wg (wireguard-tools) is not installed"
elif ! start_canned; then
	fail "the configuration socket did not appear"
else
	cat >"$tmp/show.expected" <<SHOW
interface: $ifname
  public key: iOVaSIf76b4RGZazfSmdSSu7kDrLh5P4w2lhp7AuUAE=
  private key: (hidden)
  listening port: 51820
  fwmark: 0x42

peer: ZzhICeJK3c+1/bwjRn7UmTsdQxbGHzoeq1sLU8gJAl0=
  preshared key: (hidden)
  endpoint: 127.0.0.1:51821
  allowed ips: 10.77.0.0/16, fd77::/64
  transfer: 1.00 KiB received, 2.00 KiB sent
  persistent keepalive: every 25 seconds
SHOW
	if WG_HIDE_KEYS=always wg show "$ifname" >"$tmp/show" 2>&1 &&
		diff -u "$tmp/show.expected" "$tmp/show"; then
		pass "wg show reads the interface"
	else
		cat "$tmp/show"
		fail "wg show"
	fi

	if wg showconf "$ifname" >"$tmp/conf" 2>&1 &&
		grep -qx "PrivateKey = SKPIPB7M+1YgsxSYYfbaeK4n6rqjk3/q9Q9TUqYDBEg=" "$tmp/conf" &&
		grep -qx "PresharedKey = PwbY/KkQd/AGD+AhOi0faFt3EfC1QBTPNoI182IPUu4=" "$tmp/conf" &&
		grep -qx "AllowedIPs = 10.77.0.0/16, fd77::/64" "$tmp/conf"; then
		pass "wg showconf prints the keys and networks"
	else
		cat "$tmp/conf"
		fail "wg showconf"
	fi

	cat >"$tmp/changes.expected" <<'CHANGES'
set=1
listen_port=51999
fwmark=153
public_key=67384809e24addcfb5fdbc23467ed4993b1d4316c61f3a1eab5b0b53c809025d
endpoint=[::1]:1234
persistent_keepalive_interval=30
replace_allowed_ips=true
allowed_ip=10.78.0.0/24
allowed_ip=fd78::/64

set=1
public_key=67384809e24addcfb5fdbc23467ed4993b1d4316c61f3a1eab5b0b53c809025d
remove=true

CHANGES
	peer=ZzhICeJK3c+1/bwjRn7UmTsdQxbGHzoeq1sLU8gJAl0=
	if wg set "$ifname" listen-port 51999 fwmark 0x99 peer "$peer" \
		allowed-ips 10.78.0.5/24,fd78::/64 endpoint '[::1]:1234' persistent-keepalive 30 &&
		wg set "$ifname" peer "$peer" remove &&
		diff -u "$tmp/changes.expected" "$tmp/changes"; then
		pass "wg set produces the expected change sets"
	else
		fail "wg set"
	fi
	stop_canned
	if [ -e "/var/run/wireguard/$ifname.sock" ]; then
		fail "the socket is still there after stop"
	else
		pass "stop removes the socket"
	fi

	rm -f "$tmp/changes"
	if start_canned read-only; then
		if wg set "$ifname" listen-port 1 2>"$tmp/err"; then
			fail "a read-only socket accepted a set"
		elif grep -q "Operation not permitted" "$tmp/err" && [ ! -e "$tmp/changes" ] &&
			wg show "$ifname" >/dev/null; then
			pass "read-only: wg show answered, wg set refused with EPERM"
		else
			cat "$tmp/err"
			fail "read-only refusal"
		fi
		stop_canned
	else
		fail "the read-only socket did not appear"
	fi
fi

[ "$failures" = 0 ] || exit 1
exit 0
