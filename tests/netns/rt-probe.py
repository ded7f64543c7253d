#!/usr/bin/env python3
# Used by test-routes.sh (suite netns), not a test itself: UDP probes and flows, and the
# listeners that record where they arrive. Every listener runs in a destination namespace
# whose 10.0.0.0/8 is local, so whatever reaches it is delivered and written down.
#
#   rt-probe.py listen NAME PORT SECONDS     one line per UDP datagram and ICMP echo request:
#                                            "NAME udp PAYLOAD… SRC TIME" / "NAME icmp DST SRC TIME"
#   rt-probe.py send PORT FILE               FILE: "ID SRC DST" lines; each probe twice, the
#                                            payload is ID, from SRC (bound) to DST:PORT
#   rt-probe.py check NAME SENT STEPS SEEN…  where flow NAME's packets arrived, against the
#                                            steps of STEPS (below)
#   rt-probe.py explain URL CLI-YAML         "ID SRC DST" lines in, "ID TARGET-PEER" out: the
#                                            route lookup `arctic routes explain` shows
#   rt-probe.py tables SEED DIR              random routes (DIR/routes-*.json), probes and pings
#                                            for A (below)
#   rt-probe.py verify NAME SINCE WANT LIST SEEN…
#                                            each probe of LIST ("ID SRC DST", pings "ping-N …")
#                                            arrived exactly where WANT ("ID WHERE") says
#   rt-probe.py flow PORT SECONDS RATE SRC NAME=DST…
#                                            per tick one datagram "NAME SEQ TIME" per flow;
#                                            prints "NAME SENT" per flow at the end (after
#                                            SECONDS or a SIGTERM)
import json
import random
import select
import signal
import socket
import sys
import time
import urllib.parse
import urllib.request


def listen(name, port, seconds):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", port))
    icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    out = sys.stdout
    print("%s ready" % name, flush=True)
    deadline = time.time() + seconds
    while time.time() < deadline:
        ready, _, _ = select.select([udp, icmp], [], [], 0.5)
        for s in ready:
            data, peer = s.recvfrom(2048)
            now = time.time()
            if s is udp:
                text = data.decode("ascii", "replace")
                out.write("%s udp %s %s %.3f\n" % (name, text, peer[0], now))
            else:
                ihl = (data[0] & 0x0F) * 4
                if len(data) > ihl and data[ihl] == 8:
                    dst = socket.inet_ntoa(data[16:20])
                    out.write("%s icmp %s %s %.3f\n" % (name, dst, peer[0], now))
        out.flush()


def send(port, path):
    sockets = {}
    probes = []
    with open(path) as f:
        for line in f:
            probe_id, src, dst = line.split()
            if src not in sockets:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind((src, 0))
                sockets[src] = s
            probes.append((probe_id, src, dst))
    for _ in range(2):
        for probe_id, src, dst in probes:
            sockets[src].sendto(probe_id.encode(), (dst, port))
            time.sleep(0.002)
        time.sleep(0.2)


def flow(port, seconds, rate, src, flows):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    targets = [f.split("=") for f in flows]
    sent = {name: 0 for name, _ in targets}
    start = time.time()
    tick = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    while tick < seconds * rate and not stop:
        due = start + tick / rate
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        now = time.time()
        for name, dst in targets:
            s.sendto(("%s %d %.3f" % (name, sent[name], now)).encode(), (dst, port))
            sent[name] += 1
        tick += 1
    for name, _ in targets:
        print("%s %d" % (name, sent[name]), flush=True)


# Random route tables for A (test-routes.sh part 1): routes to services b1 b2 (to B) and c1
# c2 (to C) with overlapping prefixes, the three categories a route can have and tied
# priorities; UDP probes from the client's addresses (192.168.71.2-9) and A's own
# (192.168.71.1, 198.18.0.1), half of them inside some route's destination; a few pings.
SOURCES = ["192.168.71.%d" % h for h in range(2, 10)]
OWN = ["192.168.71.1", "198.18.0.1"]
SOURCE_CIDRS = ["192.168.71.0/24", "192.168.70.0/23", "192.168.71.0/29", "192.168.71.8/29",
                "192.168.71.4/30", "192.168.71.0/30", "192.168.71.2/31", "192.168.71.1/32",
                "198.18.0.0/24", "192.168.71.6/32"]


def cidr(rng, prefix):
    addr = (10 << 24) | (rng.randrange(4) << 16) | (rng.randrange(4) << 8) | rng.randrange(256)
    addr &= (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
    return addr, prefix


def text(addr):
    return socket.inet_ntoa(addr.to_bytes(4, "big"))


def tables(seed, outdir):
    """the routes into OUTDIR/routes-SERVICE.json (`routes add --from-file`), one "route …"
    line each for the log; the probes and pings on stdout"""
    rng = random.Random(seed)
    dests = []
    routes = {}
    for _ in range(rng.randrange(12, 17)):
        category = rng.choice(["sd", "sd", "d", "d", "d", "s"])
        args = []
        if category in ("sd", "s"):
            # source-only routes are narrow: a /24 would take all of the client's traffic
            args += ["--source-cidr", rng.choice(SOURCE_CIDRS[2:8] if category == "s"
                                                 else SOURCE_CIDRS)]
        if category in ("sd", "d"):
            addr, prefix = cidr(rng, rng.choice([12, 14, 16, 16, 20, 22, 24, 24, 26, 28, 32]))
            dests.append((addr, prefix))
            args += ["--dest-cidr", "%s/%d" % (text(addr), prefix)]
        service, priority = rng.choice(["b1", "b2", "c1", "c2"]), rng.choice([10, 100, 100, 200])
        print("route %s %d %s" % (service, priority, " ".join(args)))
        route = {"priority": priority}
        for option, value in zip(args[::2], args[1::2]):
            route[option[2:].replace("-", "_")] = value
        routes.setdefault(service, []).append(route)
    for service, rows in routes.items():
        with open("%s/routes-%s.json" % (outdir, service), "w") as f:
            json.dump({"routes": rows}, f)
    used = set()
    for i in range(56):
        if dests and rng.random() < 0.6:
            addr, prefix = rng.choice(dests)
            addr |= rng.randrange(1 << (32 - prefix)) if prefix < 32 else 0
        else:
            addr, _ = cidr(rng, 32)
        src = rng.choice(OWN) if i % 4 == 0 else rng.choice(SOURCES)
        if i % 8 == 1 and addr not in used:
            print("ping %s %s" % (src, text(addr)))
        used.add(addr)
        print("probe p%d %s %s" % (i, src, text(addr)))


def arrivals(name, seen):
    """seq -> [(where, sent, received)] of flow NAME in the listeners' files"""
    got = {}
    for path in seen:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) == 7 and w[1] == "udp" and w[2] == name:
                    got.setdefault(int(w[3]), []).append((w[0], float(w[4]), float(w[6])))
    return got


def check(name, sent, steps_path, seen, rate=50.0):
    """Flow NAME's packets against the steps: "ASKED ANSWERED WHERE LABEL…" lines, each an
    API call and the namespace explain names after it. A packet sent a second or more after
    the answer arrives there, once; one sent between the question and a second after the
    answer there or where the step before sent it (or, one per change, nowhere). Prints
    what it finds; exits 1 on a violation."""
    steps = []
    with open(steps_path) as f:
        for line in f:
            w = line.split(None, 3)
            steps.append((float(w[0]), w[2], w[3].strip(), float(w[1])))
    got = arrivals(name, seen)
    # when the flow began: the sending time of its first packet that arrived
    first = min(got) if got else 0
    start = got[first][0][1] - first / rate if got else 0.0
    bad = []
    late = [0.0] * len(steps)
    switch_lost = {}
    for seq in range(sent):
        where = got.get(seq, [])
        if not where:
            sent_at = start + seq / rate
            before = [k for k, st in enumerate(steps) if st[0] <= sent_at]
            k = before[-1] if before else 0
            near = [got.get(q, [("-",)])[0][0] for q in (seq - 1, seq + 1)]
            text = ("%s %d: lost, sent at %s, %.3f s after the answer to '%s' (asked %.3f s "
                    "before it); the packets before and after reached %s" %
                    (name, seq, time.strftime("%H:%M:%S", time.gmtime(sent_at)) +
                     ("%.3f" % (sent_at % 1))[1:], sent_at - steps[k][3], steps[k][2],
                     steps[k][3] - steps[k][0], near))
            # the flow a change moves may lose the one packet in flight as it switches
            # (seen leaving a tunnel device, never entering one): one per change, within
            # the change's window, is tolerated and said; the steady flows may lose none
            if k > 0 and sent_at < steps[k][3] + 1.0 and switch_lost.get(k, 0) == 0:
                switch_lost[k] = 1
                print("note: " + text)
            else:
                bad.append(text)
            continue
        t = where[0][1]
        i = max([k for k, st in enumerate(steps) if st[0] <= t] or [0])
        allowed = {steps[i][1]}
        if t < steps[i][3] + 1.0 and i > 0:
            allowed.add(steps[i - 1][1])
        places = [w[0] for w in where]
        if len(places) != 1 or places[0] not in allowed:
            bad.append("%s %d sent %.3f s after the answer to '%s' reached %s, want %s" %
                       (name, seq, t - steps[i][3], steps[i][2], places, sorted(allowed)))
        elif i > 0 and places[0] != steps[i][1]:
            late[i] = max(late[i], t - steps[i][3])
    for k in range(1, len(steps)):
        print("%s: '%s' (answered in %.0f ms) -> %s; the last packet to the old place was "
              "sent %.0f ms after the answer" % (name, steps[k][2],
                                                 (steps[k][3] - steps[k][0]) * 1000,
                                                 steps[k][1], late[k] * 1000))
    extra = sorted(seq for seq in got if seq >= sent)
    if extra:
        bad.append("%s: %d packets beyond the %d sent" % (name, len(extra), sent))
    for b in bad[:10]:
        print("FAIL: " + b)
    if len(bad) > 10:
        print("… and %d more" % (len(bad) - 10))
    print("%s: %d sent, %d lost as a change switched it, %d violations" %
          (name, sent, len(switch_lost), len(bad)))
    sys.exit(1 if bad else 0)


def explain(url, cli_yaml):
    """`arctic routes explain` for many packets, as the CLI asks it (GET /v1/routes/lookup),
    with one token from the credential the CLI saved at the bootstrap: "ID SRC DST" lines
    in, "ID TARGET-PEER-ID" (or "ID none") lines out"""
    fields = {}
    with open(cli_yaml) as f:
        for line in f:
            key, _, value = line.strip().partition(":")
            if key in ("client_id", "client_secret") and key not in fields:
                fields[key] = value.strip().strip("'\"")
    body = urllib.parse.urlencode({"grant_type": "client_credentials",
                                   "client_id": fields["client_id"],
                                   "client_secret": fields["client_secret"]}).encode()
    with urllib.request.urlopen(url + "/v1/oauth/token", body, timeout=10) as r:
        token = json.load(r)["access_token"]
    for line in sys.stdin:
        probe_id, src, dst = line.split()[:3]
        query = urllib.parse.urlencode({"src": src, "dst": dst})
        req = urllib.request.Request(url + "/v1/routes/lookup?" + query,
                                     headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(req, timeout=10) as r:
            service = json.load(r).get("service")
        print(probe_id, service["target_peer_id"] if service else "none", flush=True)


def verify(name, since, want_path, list_path, seen):
    want = dict(line.split() for line in open(want_path))
    udp, icmp = {}, {}
    for path in seen:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) == 5 and w[1] == "udp":
                    udp.setdefault(w[2], set()).add(w[0])
                elif len(w) == 5 and w[1] == "icmp" and float(w[4]) >= since:
                    icmp.setdefault(w[2], set()).add(w[0])
    n = bad = 0
    for line in open(list_path):
        probe_id, src, dst = line.split()
        n += 1
        got = icmp.get(dst, set()) if probe_id.startswith("ping-") else udp.get(probe_id, set())
        got = " ".join(sorted(got))
        if got != want[probe_id]:
            bad += 1
            print("FAIL: (%s) %s %s -> %s reached '%s', explain says %s" %
                  (name, "ping" if probe_id.startswith("ping-") else "UDP", src, dst,
                   got or "nothing", want[probe_id]))
            if bad == 1:
                print("FIRST %s %s" % (src, dst))
    if not bad:
        print("ok: (%s) %d probes (UDP and ping) reached the namespace explain names" % (name, n))
    sys.exit(1 if bad else 0)


def main():
    cmd = sys.argv[1]
    if cmd == "listen":
        listen(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "send":
        send(int(sys.argv[2]), sys.argv[3])
    elif cmd == "explain":
        explain(sys.argv[2], sys.argv[3])
    elif cmd == "verify":
        verify(sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6:])
    elif cmd == "check":
        check(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:])
    elif cmd == "tables":
        tables(int(sys.argv[2]), sys.argv[3])
    elif cmd == "flow":
        flow(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5],
             sys.argv[6:])
    else:
        sys.exit("usage: rt-probe.py listen|send|flow …")


if __name__ == "__main__":
    main()
