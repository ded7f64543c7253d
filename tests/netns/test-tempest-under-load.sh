#!/usr/bin/env bash
# Cookie replies under load (whitepaper §5.3): a burst of initiations with a valid MAC1 (and
# garbage inside) fills arctic-tempest's handshake queue; it answers with cookie replies instead
# of a Diffie-Hellman each; and a real peer still gets its handshake (wireguard-go, which takes
# the cookie and puts a MAC2 on its next initiation). Root only (77 otherwise).
set -u
# shellcheck source=tempest-common.sh source-path=SCRIPTDIR
. "$(dirname "$0")/tempest-common.sh"

td_setup
command -v wireguard-go >/dev/null || skip "needs wireguard-go"
command -v python3 >/dev/null || skip "needs python3"
td_pair "$tempest" "$(command -v wireguard-go)" || td_finish

# from b's namespace, on a port of its own: 4000 initiations in one burst, then the answers
flood() {
	ip netns exec "$nsb" python3 - "$(wg pubkey <"$tmp/ka")" >"$tmp/flood.txt" <<'PY'
import base64, hashlib, os, socket, sys, time
pub = base64.b64decode(sys.argv[1])
key = hashlib.blake2s(b"mac1----" + pub).digest()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind(("10.210.0.2", 40000))
for i in range(4000):
    body = bytes([1, 0, 0, 0]) + os.urandom(112)
    msg = body + hashlib.blake2s(body, key=key, digest_size=16).digest() + bytes(16)
    s.sendto(msg, ("10.210.0.1", 51820))
s.settimeout(2)
cookies = 0
try:
    while True:
        data = s.recv(2048)
        if len(data) == 64 and data[0] == 3:
            cookies += 1
except socket.timeout:
    pass
print(cookies)
PY
	[ "$(cat "$tmp/flood.txt")" -gt 0 ]
}
check "a burst of initiations is answered with cookie replies" flood
echo "# $(cat "$tmp/flood.txt") cookie replies"
# the real peer, during and after the load
td_ping "$nsb" 10.211.0.1 || sleep 1
check "wireguard-go still makes its handshake" td_ping "$nsb" 10.211.0.1
td_finish
