#!/usr/bin/env python3
"""CPU of the service's process per message, tracing off or on (OTLP to a receiver on loopback).

usage: bench/tracing_cost.py off|on WARMUP MEASURED ROOMS
Simulator mode (no WEBEX_BOT_TOKEN), the README's launcher target/webex-event-router. Each message is posted by
POST /simulator/messages (the simulator delivers its webhook); its event and the bot's reply event are processed.
"""
import json, os, socket, subprocess, sys, tempfile, threading, time, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, warmup, measured, rooms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
WT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the checkout: bench/..
otlp = {"bytes": 0, "posts": 0}


class Otlp(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        otlp["bytes"] += n
        otlp["posts"] += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read().decode()


def processed(mgmt):
    text = http("GET", f"http://127.0.0.1:{mgmt}/observe/metrics")
    return sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith("wbxt_events_processed_total{"))


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


server = ThreadingHTTPServer(("127.0.0.1", free_port()), Otlp)
threading.Thread(target=server.serve_forever, daemon=True).start()
port, mgmt, sim = free_port(), free_port(), free_port()
env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_") and k != "WEBEX_BOT_TOKEN"}
env.update(SERVER_PORT=str(port), MANAGEMENT_PORT=str(mgmt), SIMULATOR_PORT=str(sim),
           DATA_DIR=tempfile.mkdtemp(prefix="edges-cost-"))
if mode == "on":
    env["OTEL_EXPORTER_OTLP_ENDPOINT"] = f"http://127.0.0.1:{server.server_address[1]}"
log = open(os.path.join(tempfile.gettempdir(), f"tracing-cost-{mode}.log"), "w")
proc = subprocess.Popen(["nice", "-n", "19", WT + "/target/webex-event-router"], cwd=WT, env=env, stdout=log,
                        stderr=subprocess.STDOUT)
try:
    for _ in range(600):
        try:
            if "UP" in http("GET", f"http://127.0.0.1:{mgmt}/observe/health/ready"):
                break
        except Exception:
            pass
        time.sleep(0.5)
    ids = [json.loads(http("POST", f"http://127.0.0.1:{sim}/simulator/rooms", {"title": f"cost {i}"}))["id"]
           for i in range(rooms)]

    def batch(n, tag):
        target = processed(mgmt) + 2 * n  # the message's event and the bot's reply event
        for i in range(n):
            http("POST", f"http://127.0.0.1:{sim}/simulator/messages",
                 {"from": f"user{i % rooms}@example.com", "room": ids[i % rooms], "text": f"hello {tag} {i}"})
        while processed(mgmt) < target:
            time.sleep(0.2)

    batch(warmup, "warm")
    time.sleep(2)  # the warm-up's last spans exported (batched every 5 s at most; the count below starts after)
    bytes_before = otlp["bytes"]
    before = cpu_ticks(proc.pid)
    start = time.time()
    batch(measured, "measured")
    after = cpu_ticks(proc.pid)
    elapsed = time.time() - start
    time.sleep(6)  # the last batch exported
    hz = os.sysconf("SC_CLK_TCK")
    ms = (after - before) * 1000 / hz / measured
    print(json.dumps({"mode": mode, "cpu_ms_per_message": round(ms, 2), "messages": measured, "seconds": round(elapsed, 1),
                      "otlp_bytes_per_message": round((otlp["bytes"] - bytes_before) / measured),
                      "load": os.getloadavg()[0]}))
finally:
    proc.terminate()
    proc.wait(60)
