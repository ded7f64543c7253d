#!/usr/bin/env python3
"""Where a handshake's CPU goes, by the kernel's counters (bench/README.md, "Profiles").

Starts agents A and B (--no-dbus, free ports of 127.0.0.1, data in a temp dir under
/dev/shm), bootstraps both with one license and runs add/delete cycles: `POST /v1/peers`
on A (the handshake, the window measured), then `DELETE /v1/peers/<B>` on A (outside the
window). B is the same agent every cycle (it is re-admitted), or with FRESH=1 a new agent
each cycle, as in handshake-bench.sh (perf then follows A and the first B only). Gossip
rounds are an hour apart (GOSSIP_INTERVAL) so that none falls into a window. Prints per
handshake and side: schedstat CPU, utime and stime, minor page faults; with MODE=stat,
`perf stat` counts in the windows only (syscalls, context switches, wakeups, futex calls);
with MODE=perf, `perf record` of the windows only (PERF_ARGS, default cpu-clock with DWARF
call graphs), for `perf report`.

  bench/handshake-perf.py BUILD_DIR CYCLES OUT_DIR
  MODE=stat bench/handshake-perf.py build 200 /tmp/hs-stat
  MODE=perf FRESH=1 bench/handshake-perf.py build 150 /tmp/hs-perf
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = dict(headers or {})
    if body is not None and "Content-Type" not in h:
        h["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=h)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def wait_ready(port):
    for _ in range(1200):
        try:
            if request(port, "GET", "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"agent on {port} not ready")


def proc_stat(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]), int(f[12]), int(f[7])  # utime, stime (ticks), minflt


def schedstat(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
        except OSError:
            pass
    return total


class Agents:
    def __init__(self, build, tmp, out):
        self.build, self.tmp, self.out = build, tmp, out
        self.procs = []
        os.makedirs(f"{tmp}/issuers")
        tool = f"{build}/cli/arctic-license"
        subprocess.run([tool, "keygen", "--secret", f"{tmp}/issuer.key", "--public",
                        f"{tmp}/issuers/bench.pub"], check=True, stdout=subprocess.DEVNULL)
        os.chmod(f"{tmp}/issuers/bench.pub", 0o644)
        subprocess.run([tool, "issue", "--key", f"{tmp}/issuer.key", "--customer-id",
                        "cust_bench", "--days", "365", "--max-nodes", "10", "--max-services",
                        "100", "--output", f"{tmp}/license.json"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.license = open(f"{tmp}/license.json").read()

    def start(self, name):
        port = free_port()
        with open(f"{self.tmp}/{name}.conf", "w") as f:
            f.write(f"[agent]\nrecovery_token_file={self.tmp}/{name}.recovery\n"
                    f"[gossip]\ninterval={os.environ.get('GOSSIP_INTERVAL', '3600')}\n"
                    f"[plugin:ed25519-file]\nissuers_dir={self.tmp}/issuers\n")
        # as root, without CAP_NET_ADMIN, as in the tests: the control plane is measured
        cmd = ["setpriv", "--bounding-set", "-net_admin"] if os.getuid() == 0 else []
        cmd += [f"{self.build}/daemon/arctic-agent", "--config", f"{self.tmp}/{name}.conf",
                "--data-dir", f"{self.tmp}/{name}", "--listen", f"127.0.0.1:{port}",
                "--plugin-dir", f"{self.build}/plugins/all", "--no-dbus", "--log-format",
                "text"]
        proc = subprocess.Popen(cmd, stdout=open(f"{self.out}/{name}.log", "a"),
                                stderr=subprocess.STDOUT)
        self.procs.append(proc)
        wait_ready(port)
        status, body = request(port, "POST", "/v1/bootstrap", self.license)
        if status not in (200, 201):
            sys.exit(f"bootstrap of {name}: HTTP {status}")
        return proc, port, json.loads(body)

    def stop(self, proc):
        proc.terminate()
        proc.wait()
        self.procs.remove(proc)

    def stop_all(self):
        for proc in list(self.procs):
            self.stop(proc)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    build, cycles, out = os.path.abspath(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    mode, fresh = os.environ.get("MODE", "none"), os.environ.get("FRESH") == "1"
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="arc-hs-perf-", dir="/dev/shm")
    agents = Agents(build, tmp, out)
    try:
        run(agents, build, tmp, out, cycles, mode, fresh)
    finally:
        agents.stop_all()
        subprocess.run(["rm", "-rf", tmp], check=False)


def run(agents, build, tmp, out, cycles, mode, fresh):
    a, pa, boot = agents.start("A")
    b, pb, _ = agents.start("B")
    form = urllib.parse.urlencode({"grant_type": "client_credentials",
                                   "client_id": boot["client_id"],
                                   "client_secret": boot["client_secret"]})
    _, data = request(pa, "POST", "/v1/oauth/token", form,
                      {"Content-Type": "application/x-www-form-urlencoded"})
    auth = {"Authorization": "Bearer " + json.loads(data)["access_token"]}
    perf = ctl = ack = None
    if mode in ("perf", "stat"):
        os.mkfifo(f"{tmp}/ctl")
        os.mkfifo(f"{tmp}/ack")
        if mode == "perf":
            args = os.environ.get("PERF_ARGS", "-e cpu-clock -F 4000 --call-graph dwarf,16384")
            cmd = ["perf", "record"] + args.split() + ["-o", f"{out}/perf.data"]
        else:
            cmd = ["perf", "stat", "-e", "raw_syscalls:sys_enter,sched:sched_switch,"
                   "sched:sched_wakeup,syscalls:sys_enter_futex,task-clock,page-faults",
                   "--per-thread", "-o", f"{out}/stat.txt"]
        cmd += ["-p", f"{a.pid},{b.pid}", "-D", "-1", "--control",
                f"fifo:{tmp}/ctl,{tmp}/ack"]
        perf = subprocess.Popen(cmd, stderr=open(f"{out}/perf.err", "w"))
        time.sleep(1.0)
        ctl, ack = open(f"{tmp}/ctl", "w"), open(f"{tmp}/ack")

    def toggle(what):
        if ctl is not None:
            ctl.write(what + "\n")
            ctl.flush()
            ack.readline()

    def add():
        status, body = request(pa, "POST", "/v1/peers",
                               json.dumps({"address": f"127.0.0.1:{pb}"}), auth)
        if status != 201:
            sys.exit(f"POST /v1/peers: HTTP {status}: {body[:300]!r}")
        return json.loads(body)["id"]

    for _ in range(int(os.environ.get("WARMUP", "5"))):
        request(pa, "DELETE", f"/v1/peers/{add()}", None, auth)
    tick = 1000.0 / os.sysconf("SC_CLK_TCK")
    sums = [0] * 8
    per = []
    for _ in range(cycles):
        if fresh:
            agents.stop(b)
            subprocess.run(["rm", "-rf", f"{tmp}/B"], check=False)
            b, pb, _ = agents.start("B")
        a0, b0, qa0, qb0 = proc_stat(a.pid), proc_stat(b.pid), schedstat(a.pid), schedstat(b.pid)
        toggle("enable")
        peer = add()
        toggle("disable")
        a1, b1, qa1, qb1 = proc_stat(a.pid), proc_stat(b.pid), schedstat(a.pid), schedstat(b.pid)
        per.append((qa1 - qa0, qb1 - qb0))
        for i, d in enumerate((qa1 - qa0, qb1 - qb0, a1[0] - a0[0], a1[1] - a0[1],
                               b1[0] - b0[0], b1[1] - b0[1], a1[2] - a0[2], b1[2] - b0[2])):
            sums[i] += d
        request(pa, "DELETE", f"/v1/peers/{peer}", None, auth)
    n = cycles
    print(f"{n} handshakes, B {'a new agent each' if fresh else 'the same agent'}")
    print(f"A: schedstat {sums[0] / n / 1e6:.3f} ms, utime {sums[2] * tick / n:.3f} ms, "
          f"stime {sums[3] * tick / n:.3f} ms, minor faults {sums[6] / n:.1f}")
    print(f"B: schedstat {sums[1] / n / 1e6:.3f} ms, utime {sums[4] * tick / n:.3f} ms, "
          f"stime {sums[5] * tick / n:.3f} ms, minor faults {sums[7] / n:.1f}")
    quarter = max(1, n // 4)
    for i in range(0, n, quarter):
        part = per[i:i + quarter]
        print(f"  cycles {i + 1}-{i + len(part)}: A {sum(p[0] for p in part) / len(part) / 1e6:.3f}"
              f" ms, B {sum(p[1] for p in part) / len(part) / 1e6:.3f} ms (schedstat)")
    print(f"agents: A pid {a.pid}, B pid {b.pid}")
    if perf is not None:
        ctl.close()
        perf.send_signal(signal.SIGINT)
        perf.wait()
        print(f"perf output in {out}", flush=True)


if __name__ == "__main__":
    main()
