#!/usr/bin/python3
"""Checks one results folder of bench/soak.sh and writes its figures: results.json, intervals.md (one row per
interval), and the markdown summary on stdout (soak.sh keeps it as results.md).

What it checks, from the load's outcome (each event's HTTP status and when its ack came) and the Webex side's
(each event's replies and deliveries, and the sequence and time of the first of each):
- every acknowledged (2xx) event answered exactly once, and delivered to the destination at least once; the events
  that are not are "lost" (none may be), the extra replies and deliveries are duplicates (counted);
- a room's order: an event must not be answered (delivered) before an event of its room that was acknowledged
  before it was sent (events of a room sent while an earlier one was still unacknowledged may be stored in either
  order, so they are not compared);
- flat: the slope of RSS, threads and the per-interval ack p99 over the second half of the load, as the Theil-Sen
  estimate (the median of the slopes between every two samples: a fault's spike does not tilt it), against the
  tolerances below;
- for each fault window: how long after it ended the events acknowledged until then were all answered (Webex
  faults) or delivered (the destination's outage), and whether the service was ready throughout.
Standard library only (run with /usr/bin/python3)."""
import heapq, json, os, statistics, sys

# flat = the fitted change over the second half within these (README "Reliability", BENCHMARKS.md "Soak")
RSS_TOLERANCE = 0.05          # of the second half's mean RSS
THREADS_TOLERANCE = 2         # threads
P99_TOLERANCE = 0.25          # of the second half's median per-interval p99, and at least P99_FLOOR_MS
P99_FLOOR_MS = 1.0

d = sys.argv[1]
env = dict(l.split("=", 1) for l in open(os.path.join(d, "machine.env")).read().splitlines() if "=" in l)
rate, interval, minutes = float(env["rate"]), float(env["interval"]), float(env["minutes"])
rooms, t0 = int(env["rooms"]), int(env["t0"])
duration_s = minutes * 60


def load_json(name):
    p = os.path.join(d, name)
    return json.load(open(p)) if os.path.exists(p) and os.path.getsize(p) else {}


load, drain, stop, counts = load_json("load.json"), load_json("drain.json"), load_json("stop.json"), load_json("webex-counts.json")

# ---- per event ----------------------------------------------------------------------------------------------------
status, ack_ms = [], []
for line in open(os.path.join(d, "load-outcome.txt")):
    _, s, a = line.split()
    status.append(int(s))
    ack_ms.append(float(a))
n_events = len(status)
replies, deliveries, r_seq, d_seq, r_ms, d_ms = ([0] * n_events for _ in range(6))
for line in open(os.path.join(d, "webex-outcome.txt")):
    f = [int(x) for x in line.split()]
    if f[0] < n_events:
        replies[f[0]], deliveries[f[0]], r_seq[f[0]], d_seq[f[0]], r_ms[f[0]], d_ms[f[0]] = f[1:]
acked = [s // 100 == 2 for s in status]
sched_ms = [i * 1000.0 / rate for i in range(n_events)]
n_acked = sum(acked)
unanswered = [i for i in range(n_events) if acked[i] and replies[i] == 0]
undelivered = [i for i in range(n_events) if acked[i] and deliveries[i] == 0]
lost = sorted(set(unanswered) | set(undelivered))
reply_dups = sum(max(0, r - 1) for r in replies)
delivery_dups = sum(max(0, x - 1) for x in deliveries)
answered_unacked = sum(1 for i in range(n_events) if not acked[i] and replies[i] > 0)


def order_violations(seq):
    """Events answered before an event of their room acknowledged before they were sent: (earlier, later) pairs."""
    bad = []
    for room in range(rooms):
        pending, best, best_i = [], 0, None   # earlier events of the room by ack time; the latest first-seq among
        for c in range(room, n_events, rooms):  # those acknowledged before c was sent
            while pending and pending[0][0] < sched_ms[c]:
                _, s, i = heapq.heappop(pending)
                if s > best:
                    best, best_i = s, i
            if not acked[c] or seq[c] == 0:
                continue
            if seq[c] < best:
                bad.append((best_i, c))
            heapq.heappush(pending, (ack_ms[c], seq[c], c))
    return bad


reply_order, delivery_order = order_violations(r_seq), order_violations(d_seq)


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


reply_lat = [(r_ms[i] - sched_ms[i]) / 1000 for i in range(n_events) if acked[i] and replies[i]]
delivery_lat = [(d_ms[i] - sched_ms[i]) / 1000 for i in range(n_events) if acked[i] and deliveries[i]]

# ---- samples and intervals ----------------------------------------------------------------------------------------
rows = [l.split() for l in open(os.path.join(d, "samples.tsv")).read().splitlines()]
head, rows = rows[0], rows[1:]
samples = []
for r in rows:
    s = dict(zip(head, r))
    try:
        def num(k):
            return float(s[k]) if s.get(k) not in (None, "-", "") else None
        samples.append({"t": (int(s["epoch_ms"]) - t0) / 1000, "rss_mb": int(s["rss_kb"]) / 1024, "threads": int(s["threads"]),
                        "ready": s.get("ready"), "events_depth": num("events_depth"), "forward_depth": num("forward_depth"),
                        "events_dlq": num("events_dlq"), "forward_dlq": num("forward_dlq"),
                        "webex_available": num("webex_available"), "dead_lettered": num("dead_lettered")})
    except (KeyError, ValueError):
        pass  # the last sample, taken while the service stopped
intervals = sorted((json.loads(l.split(" ", 1)[1]) for l in open(os.path.join(d, "load.txt")) if l.startswith("SOAKINTERVAL ")),
                   key=lambda x: x["t"])

faults = []   # (kind, on s, off s) after t0
on = {}
for line in open(os.path.join(d, "webex.log")):
    p = line.split()
    if len(p) == 4 and p[0] == "FAULT":
        at = (int(p[3]) - t0) / 1000
        if p[2] == "on":
            on[p[1]] = at
        elif p[1] in on:
            faults.append((p[1], on.pop(p[1]), at))
faults += [(k, v, None) for k, v in on.items()]


def theil_sen(points):
    """(slope per s, points used): the median of the slopes between every two points."""
    slopes = [(y2 - y1) / (x2 - x1) for i, (x1, y1) in enumerate(points) for x2, y2 in points[i + 1:] if x2 != x1]
    return (statistics.median(slopes) if slopes else None), len(points)


half = duration_s / 2
second = [s for s in samples if half <= s["t"] <= duration_s]


def thread_census():
    """'name a -> b' for each thread name whose count changed over the second half of the load (soak.sh's
    threads-by-name.txt: one line per sample, `epoch_ms name=count...`), the largest change first."""
    path = os.path.join(d, "threads-by-name.txt")
    if not os.path.exists(path):
        return ""
    lines = []
    for line in open(path):
        p = line.split()
        if p:
            lines.append(((int(p[0]) - t0) / 1000, dict((kv.rsplit("=", 1)[0], int(kv.rsplit("=", 1)[1])) for kv in p[1:])))
    inside = [c for t, c in lines if half <= t <= duration_s]
    if len(inside) < 2:
        return ""
    first, last = inside[0], inside[-1]
    changed = sorted(((n, first.get(n, 0), last.get(n, 0)) for n in set(first) | set(last)
                      if first.get(n, 0) != last.get(n, 0)), key=lambda x: -abs(x[2] - x[1]))
    return ", ".join(f"`{n}` {a} -> {b}" for n, a, b in changed[:8]) or "none"


thread_names = thread_census()
rss_slope, _ = theil_sen([(s["t"], s["rss_mb"]) for s in second])
thr_slope, _ = theil_sen([(s["t"], s["threads"]) for s in second])
p99_second = [(iv["t"], iv["p99_ms"]) for iv in intervals if iv["t"] >= half]
p99_slope, _ = theil_sen(p99_second)
rss_mean = statistics.mean(s["rss_mb"] for s in second) if second else None
p99_median = statistics.median(v for _, v in p99_second) if p99_second else None


def flat(slope, tolerance):
    return None if slope is None else abs(slope * half) <= tolerance


verdict = {
    "rss": {"slope_mb_per_h": rss_slope and rss_slope * 3600, "change_over_second_half_mb": rss_slope and rss_slope * half,
            "mean_mb": rss_mean, "tolerance_mb": rss_mean and rss_mean * RSS_TOLERANCE,
            "flat": flat(rss_slope, rss_mean * RSS_TOLERANCE if rss_mean else 0),
            "min_mb": min((s["rss_mb"] for s in samples), default=None), "max_mb": max((s["rss_mb"] for s in samples), default=None)},
    "threads": {"slope_per_h": thr_slope and thr_slope * 3600, "change_over_second_half": thr_slope and thr_slope * half,
                "tolerance": THREADS_TOLERANCE, "flat": flat(thr_slope, THREADS_TOLERANCE),
                "min": min((s["threads"] for s in samples), default=None), "max": max((s["threads"] for s in samples), default=None)},
    "ack_p99": {"slope_ms_per_h": p99_slope and p99_slope * 3600, "change_over_second_half_ms": p99_slope and p99_slope * half,
                "median_ms": p99_median, "tolerance_ms": p99_median and max(P99_FLOOR_MS, p99_median * P99_TOLERANCE),
                "flat": flat(p99_slope, max(P99_FLOOR_MS, p99_median * P99_TOLERANCE) if p99_median else 0)},
}


def recovery(kind, off):
    """Seconds after the fault ended until every event acknowledged by then was answered (or delivered)."""
    if off is None:
        return None
    done = r_ms if kind != "outage" else d_ms
    have = replies if kind != "outage" else deliveries
    last = [done[i] for i in range(n_events) if acked[i] and ack_ms[i] <= off * 1000 and have[i]]
    missing = sum(1 for i in range(n_events) if acked[i] and ack_ms[i] <= off * 1000 and not have[i])
    return {"after_s": round(max(0.0, max(last) / 1000 - off), 1) if last else None, "missing": missing}


# per WINDOW s of scheduled time (BENCHMARKS.md "Soak" shows these): ack p50/p99 from each event's scheduled send
# to its ack (the same latency as SoakLoad's histograms), RSS and threads at the window's first and last sample
WINDOW_S = 300
windows = []
for w in range(int((duration_s + WINDOW_S - 1) // WINDOW_S)):
    lo, hi = w * WINDOW_S, min(duration_s, (w + 1) * WINDOW_S)
    lat = [ack_ms[i] - sched_ms[i] for i in range(n_events) if acked[i] and lo * 1000 <= sched_ms[i] < hi * 1000]
    inside = [s for s in samples if lo <= s["t"] < hi]
    windows.append({"from_s": lo, "to_s": hi, "acks": len(lat), "ack_p50_ms": pct(lat, 50), "ack_p99_ms": pct(lat, 99),
                    "ack_max_ms": max(lat, default=None),
                    "rss_mb": inside and (inside[0]["rss_mb"], inside[-1]["rss_mb"]),
                    "threads": inside and (inside[0]["threads"], inside[-1]["threads"]),
                    "faults": sorted({k for k, a, b in faults if a < hi and (b is None or b > lo)})})

fault_rows = []
for kind, a, b in sorted(faults, key=lambda f: f[1]):
    window = [s for s in samples if a <= s["t"] <= (b if b is not None else a) + 60]
    fault_rows.append({"kind": kind, "on_s": round(a, 1), "off_s": b and round(b, 1), "recovered": recovery(kind, b),
                       "not_ready_samples": sum(1 for s in window if s["ready"] != "200"),
                       "max_events_depth": max((s["events_depth"] for s in window if s["events_depth"] is not None), default=None),
                       "max_forward_depth": max((s["forward_depth"] for s in window if s["forward_depth"] is not None), default=None)})

not_ready = [s for s in samples if s["ready"] != "200"]
# A gap of more than 3 intervals between samples: the sampler (and likely everything of the run) did not run, a
# machine that paused the processes (a cgroup freezer, a suspended VM). The figures then cover that pause.
pauses = [{"at_s": round(a["t"], 1), "seconds": round(b["t"] - a["t"], 1)}
          for a, b in zip(samples, samples[1:]) if b["t"] - a["t"] > 3 * interval]
summary = {
    "machine": env, "load": load, "drain": drain, "stop": stop, "webex": counts,
    "events": {"sent": n_events, "acknowledged": n_acked, "not_acknowledged": n_events - n_acked,
               "answered_once": sum(1 for i in range(n_events) if acked[i] and replies[i] == 1),
               "unanswered": len(unanswered), "undelivered": len(undelivered), "lost": len(lost),
               "reply_duplicates": reply_dups, "delivery_duplicates": delivery_dups,
               "answered_not_acknowledged": answered_unacked,
               "reply_order_violations": len(reply_order), "delivery_order_violations": len(delivery_order),
               "lost_examples": lost[:20], "reply_order_examples": reply_order[:10], "delivery_order_examples": delivery_order[:10]},
    "reply_latency_s": {"p50": pct(reply_lat, 50), "p99": pct(reply_lat, 99), "max": max(reply_lat, default=None)},
    "delivery_latency_s": {"p50": pct(delivery_lat, 50), "p99": pct(delivery_lat, 99), "max": max(delivery_lat, default=None)},
    "flat": verdict, "windows": windows, "faults": fault_rows, "not_ready_samples": len(not_ready), "samples": len(samples),
    "pauses": pauses,
    "dead_lettered": max((s["dead_lettered"] or 0 for s in samples), default=None),
    "service_cpu_us_per_event": drain.get("service_cpu_s") and round(drain["service_cpu_s"] * 1e6 / max(1, n_acked)),
    "instances": int(env.get("instances", 1)), "external_broker": env.get("external_broker", "0") == "1",
    "instances_cpu_us_per_event": [round(c * 1e6 / max(1, n_acked)) for c in drain.get("instances_cpu_s") or []],
    "broker_cpu_us_per_event": drain.get("broker_cpu_s") and round(drain["broker_cpu_s"] * 1e6 / max(1, n_acked)),
    # the load and the drain until the last event was answered and delivered: above capacity, the capacity end to end
    "end_to_end_events_per_s": round(n_acked / (minutes * 60 + drain["drain_s"]), 1) if drain.get("drain_s") is not None else None,
}
json.dump(summary, open(os.path.join(d, "results.json"), "w"), indent=1)


def fmt(v, f="{:.1f}"):
    return "–" if v is None else f.format(v)


# ---- intervals.md -------------------------------------------------------------------------------------------------
def active(t):
    """The faults on during the interval that starts at t."""
    return " ".join(k for k, a, b in faults if a < t + interval and (b is None or b > t))


by_index = {int(s["t"] // interval): s for s in samples}
with open(os.path.join(d, "intervals.md"), "w") as f:
    f.write("| t (s) | fault | acks | non-2xx | ack p50 / p99 / p99.9 / max (ms) | RSS (MB) | threads | ready | queue events / forward |\n")
    f.write("| ---: | --- | ---: | ---: | --- | ---: | ---: | --- | ---: |\n")
    for iv in intervals:
        s = by_index.get(int(iv["t"] // interval), {})
        f.write(f"| {iv['t']:.0f} | {active(iv['t'])} | {iv['ok']} | {iv['non2xx'] + iv['errors']} | "
                f"{iv['p50_ms']:.1f} / {iv['p99_ms']:.1f} / {iv['p999_ms']:.1f} / {iv['max_ms']:.0f} | "
                f"{s.get('rss_mb', 0):.0f} | {s.get('threads', '')} | {s.get('ready', '')} | "
                f"{fmt(s.get('events_depth'), '{:.0f}')} / {fmt(s.get('forward_depth'), '{:.0f}')} |\n")


# ---- results.md (stdout) ------------------------------------------------------------------------------------------
def yes(v):
    return "–" if v is None else ("**yes**" if v else "**no**")


e = summary["events"]
print(f"# Soak {env.get('date_utc', '')}\n")
print(f"{minutes:g} minutes at {rate:g} events/s over {rooms} rooms, the fault schedule `{env['schedule'].strip()}` every "
      f"{env['cycle']} s; git {env.get('git')}; {env.get('cores')} cores, {env.get('jdk')}; load average "
      f"{env.get('loadavg_start')} at the start, {env.get('loadavg_end')} at the end. Service JVM: the launcher's "
      f"choices{' + ' + env['java_opts'] if env.get('java_opts') else ''}.\n")
if pauses or (load.get("max_send_lag_ms") or 0) > 1000:
    print(f"**The run was paused** (samples {interval:g} s apart came {', '.join(str(p['seconds']) + ' s apart at ' + str(p['at_s']) + ' s' for p in pauses) or '–'}; "
          f"the load's largest send lag {fmt(load.get('max_send_lag_ms'), '{:.0f}')} ms): its latency and drain figures "
          f"include the pause; run it again on a machine nobody freezes.\n")
print("| figure | value |")
print("| --- | --- |")
print(f"| events sent / acknowledged (2xx) / not (non-2xx, no answer) | {e['sent']:,} / {e['acknowledged']:,} / "
      f"{load.get('non2xx', 0)}, {load.get('errors', 0)} |")
print(f"| acknowledged events answered exactly once | {e['answered_once']:,} of {e['acknowledged']:,} |")
print(f"| **lost** (acknowledged, and not answered or not delivered) | **{e['lost']}** ({e['unanswered']} unanswered, "
      f"{e['undelivered']} undelivered) |")
print(f"| **duplicate replies** / duplicate deliveries (at least once) | **{e['reply_duplicates']}** / {e['delivery_duplicates']} |")
print(f"| room order broken: replies / deliveries | {e['reply_order_violations']} / {e['delivery_order_violations']} |")
print(f"| replies in the wrong room, unknown replies / deliveries | {counts.get('replies_wrong_room')}, "
      f"{counts.get('replies_unknown')} / {counts.get('deliveries_unknown')} |")
print(f"| ack latency over the whole soak, p50 / p99 / p99.9 / max ms | {fmt(load.get('p50_ms'))} / {fmt(load.get('p99_ms'))} / "
      f"{fmt(load.get('p999_ms'))} / {fmt(load.get('max_ms'), '{:.0f}')} |")
print(f"| scheduled send to reply, p50 / p99 / max s | {fmt(summary['reply_latency_s']['p50'], '{:.2f}')} / "
      f"{fmt(summary['reply_latency_s']['p99'], '{:.2f}')} / {fmt(summary['reply_latency_s']['max'], '{:.1f}')} |")
print(f"| scheduled send to delivery, p50 / p99 / max s | {fmt(summary['delivery_latency_s']['p50'], '{:.2f}')} / "
      f"{fmt(summary['delivery_latency_s']['p99'], '{:.2f}')} / {fmt(summary['delivery_latency_s']['max'], '{:.1f}')} |")
v = verdict
print(f"| RSS min / max MB; second half: Theil-Sen slope, change over it (tolerance ±{RSS_TOLERANCE:.0%} of its mean) | "
      f"{fmt(v['rss']['min_mb'], '{:.0f}')} / {fmt(v['rss']['max_mb'], '{:.0f}')}; {fmt(v['rss']['slope_mb_per_h'])} MB/h, "
      f"{fmt(v['rss']['change_over_second_half_mb'])} MB (±{fmt(v['rss']['tolerance_mb'])}): flat {yes(v['rss']['flat'])} |")
print(f"| threads min / max; second half: slope, change (tolerance ±{THREADS_TOLERANCE}) | {v['threads']['min']} / "
      f"{v['threads']['max']}; {fmt(v['threads']['slope_per_h'])}/h, {fmt(v['threads']['change_over_second_half'])}: "
      f"flat {yes(v['threads']['flat'])} |")
if thread_names:
    print(f"| threads by name that changed from the second half's first sample to the last (threads-by-name.txt) | "
          f"{thread_names} |")
print(f"| ack p99 per interval, second half: median, slope, change (tolerance ±{P99_TOLERANCE:.0%}, at least "
      f"{P99_FLOOR_MS:g} ms) | {fmt(v['ack_p99']['median_ms'])} ms; {fmt(v['ack_p99']['slope_ms_per_h'])} ms/h, "
      f"{fmt(v['ack_p99']['change_over_second_half_ms'])} ms (±{fmt(v['ack_p99']['tolerance_ms'])}): flat {yes(v['ack_p99']['flat'])} |")
print(f"| samples not ready (`/observe/health/ready` not 200) | {len(not_ready)} of {len(samples)} |")
print(f"| dead-lettered (`wbxt_events_dead_lettered_total`, the last sample) | {fmt(summary['dead_lettered'], '{:.0f}')} |")
print(f"| CPU: service per acknowledged event; the load, the Webex side (s) | {fmt(summary['service_cpu_us_per_event'], '{:.0f}')} µs; "
      f"{fmt(load.get('cpu_s'))}, {fmt(drain.get('webex_cpu_s'))} |")
if summary["instances"] > 1 or summary["external_broker"]:
    print(f"| instances; broker | {summary['instances']} (CPU per acknowledged event each: "
          f"{', '.join(str(c) for c in summary['instances_cpu_us_per_event'])} µs); standalone Artemis, "
          f"{fmt(summary['broker_cpu_us_per_event'], '{:.0f}')} µs per acknowledged event |")
print(f"| events answered and delivered per s, from the first send to the last delivery | {fmt(summary['end_to_end_events_per_s'])} |")
print(f"| drain after the load; stop (SIGTERM to exit) | {drain.get('drain_s')} s; {stop.get('stop_s')} s |")
print()
if fault_rows:
    print("| fault | from (s) | to (s) | caught up after its end (s): every event acknowledged by then answered / delivered "
          "| not yet | samples not ready | max queue depth: events / forward |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in fault_rows:
        rec = r["recovered"] or {}
        print(f"| {r['kind']} | {r['on_s']} | {r['off_s']} | {fmt(rec.get('after_s'))} | {rec.get('missing', '–')} | "
              f"{r['not_ready_samples']} | {fmt(r['max_events_depth'], '{:.0f}')} / {fmt(r['max_forward_depth'], '{:.0f}')} |")
    print()
print(f"| window (s) | faults in it | acks | ack p50 / p99 / max (ms) | RSS first / last sample (MB) | threads first / last |")
print("| --- | --- | ---: | --- | --- | --- |")
for w in windows:
    rss = "{:.0f} / {:.0f}".format(*w["rss_mb"]) if w["rss_mb"] else "–"
    thr = "{} / {}".format(*w["threads"]) if w["threads"] else "–"
    print(f"| {w['from_s']:.0f}-{w['to_s']:.0f} | {' '.join(w['faults']) or '–'} | {w['acks']:,} | {fmt(w['ack_p50_ms'])} / "
          f"{fmt(w['ack_p99_ms'])} / {fmt(w['ack_max_ms'], '{:.0f}')} | {rss} | {thr} |")
print()
print(f"Per interval ({interval:g} s): intervals.md. Tolerances: flat means the Theil-Sen line over the second half of "
      f"the load changes by at most {RSS_TOLERANCE:.0%} of the mean RSS, {THREADS_TOLERANCE} threads, and "
      f"{P99_TOLERANCE:.0%} of the median ack p99 (at least {P99_FLOOR_MS:g} ms).")
if lost or reply_dups or reply_order or delivery_order:
    print(f"\nLost (first 20): {lost[:20]}; reply order (earlier, later): {reply_order[:10]}; delivery order: {delivery_order[:10]}")
