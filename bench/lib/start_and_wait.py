#!/usr/bin/python3
"""Starts a command in the background (its own session, output to --log), polls --url until it answers
(--status: that HTTP status; 0: any HTTP answer), prints {"pid":..,"ready_ms":..} and exits, leaving it running.
ready_ms is measured from just before the process is spawned to the first good answer (20 ms polling)."""
import argparse, http.client, json, os, subprocess, sys, time, urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--url", required=True)
p.add_argument("--status", type=int, default=200)
p.add_argument("--log", required=True)
p.add_argument("--cwd", default=".")
p.add_argument("--timeout", type=float, default=120)
p.add_argument("cmd", nargs=argparse.REMAINDER)
a = p.parse_args()
cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
u = urllib.parse.urlparse(a.url)
log = open(a.log, "ab")
t0 = time.monotonic()
proc = subprocess.Popen(cmd, cwd=a.cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                        start_new_session=True)
while True:
    if proc.poll() is not None:
        print(json.dumps({"pid": proc.pid, "ready_ms": None, "exited": proc.returncode}))
        sys.exit(1)
    if time.monotonic() - t0 > a.timeout:
        print(json.dumps({"pid": proc.pid, "ready_ms": None, "timeout": True}))
        sys.exit(1)
    try:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=1)
        c.request("GET", u.path or "/")
        status = c.getresponse().status
        c.close()
        if a.status == 0 or status == a.status:
            print(json.dumps({"pid": proc.pid, "ready_ms": round((time.monotonic() - t0) * 1000, 1)}))
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.02)
