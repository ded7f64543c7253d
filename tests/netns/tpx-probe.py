#!/usr/bin/env python3
# Helper of test-tproxy-netns.sh.
#   tpx-probe.py serve NAME PORT: for every connection, reads until the client half-closes,
#       then answers "NAME SOURCE-ADDRESS BYTES SHA256" and closes (so a reply proves that the
#       half-close crossed the proxy after every byte).
#   tpx-probe.py probe ADDR PORT BYTES: sends BYTES bytes, half-closes, prints the answer, or
#       "refused", "reset", "timeout".
import hashlib
import os
import socket
import sys
import threading


def serve(name, port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(64)

    def handle(conn, peer):
        digest, total = hashlib.sha256(), 0
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                digest.update(data)
                total += len(data)
            conn.sendall(f"{name} {peer[0]} {total} {digest.hexdigest()}\n".encode())
        except OSError:
            pass
        conn.close()

    while True:
        conn, peer = srv.accept()
        threading.Thread(target=handle, args=(conn, peer), daemon=True).start()


def probe(addr, port, nbytes):
    payload = os.urandom(nbytes)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(5)
    try:
        sock.connect((addr, port))
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while not reply.endswith(b"\n"):
            data = sock.recv(4096)
            if not data:
                break
            reply += data
    except ConnectionRefusedError:
        print("refused")
        return
    except ConnectionResetError:
        print("reset")
        return
    except socket.timeout:
        print("timeout")
        return
    except OSError as e:
        print(f"error {e.errno}")
        return
    fields = reply.decode().split()
    if len(fields) != 4:
        print("closed")
        return
    ok = fields[2] == str(nbytes) and fields[3] == hashlib.sha256(payload).hexdigest()
    print(f"{fields[0]} {fields[1]}" + ("" if ok else " CORRUPT"))


if sys.argv[1] == "serve":
    serve(sys.argv[2], int(sys.argv[3]))
else:
    probe(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
