#!/usr/bin/python3
"""Where the time goes, from a JFR recording: jdk.ExecutionSample stacks (jfr print --json), aggregated as
self time (top frame), inclusive time of project/framework methods, and samples per thread pool.
Usage: jfr_top.py recording.jfr [N] > profile.md"""
import collections, json, re, subprocess, sys

path = sys.argv[1]
top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "256", "--events", "jdk.ExecutionSample", path],
                     check=True, capture_output=True).stdout
events = json.loads(raw)["recording"]["events"]

INTERESTING = ("dev.wbxt.", "org.apache.camel.", "org.apache.activemq.", "io.vertx.", "io.netty.", "com.fasterxml.",
               "org.apache.hc.", "org.springframework.jms.", "javax.crypto.", "com.sun.crypto.", "io.micrometer.",
               "org.apache.logging.", "java.util.regex.", "sun.nio.ch.", "java.io.RandomAccessFile", "sun.nio.fs.")


def name(frame):
    m = frame["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]


self_count = collections.Counter()
incl = collections.Counter()
threads = collections.Counter()
pkg_self = collections.Counter()
total = 0
for e in events:
    v = e["values"]
    st = v.get("stackTrace") or {}
    frames = st.get("frames") or []
    if not frames:
        continue
    total += 1
    t = v.get("sampledThread") or {}
    tname = t.get("javaName") or t.get("osName") or "?"
    threads[re.sub(r"\d+", "N", tname)] += 1
    names = [name(f) for f in frames]
    self_count[names[0]] += 1
    top = names[0]
    pkg_self[".".join(top.split(".")[:3])] += 1
    for n in set(names):
        if n.startswith(INTERESTING):
            incl[n] += 1


def table(title, counter, n):
    print(f"\n### {title}\n\n| samples | % | frame |\n| ---: | ---: | --- |")
    for k, c in counter.most_common(n):
        print(f"| {c} | {100.0 * c / total:.1f} | `{k}` |")


print(f"{total} execution samples in `{path.split('/')[-1]}`")
table("Samples per thread (digits folded)", threads, 15)
table("Self time: top frames", self_count, top_n)
table("Self time by package (top frame)", pkg_self, 20)
table("Inclusive time: project and framework methods on the stack", incl, top_n + 15)
