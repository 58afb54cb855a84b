#!/usr/bin/python3
"""Turns one results folder of bench/run.sh into results.json and a markdown table (stdout).

The anchors (raw Vert.x receiver, echo bot, broker alone, Flask) are in the folder itself; the service's figures too,
and, when the run had BEFORE=<revision>, the before service's in its subfolder before/: the table then shows both,
each as a ratio to the anchors of this one run."""
import json, os, statistics, sys

sys.dont_write_bytecode = True  # no __pycache__ in bench/lib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jfr_top import budget_table  # noqa: E402

d = sys.argv[1]


def j(name, where=d):
    p = os.path.join(where, name + ".json")
    return json.load(open(p)) if os.path.exists(p) else None


def lines(name, where=d):
    p = os.path.join(where, name)
    return [l.split() for l in open(p).read().splitlines() if l.strip()] if os.path.exists(p) else []


def ratio(a, b):
    return a / b if a and b else None


def accepted(w):
    return w["requests"] - w["non2xx"] if w else 0


env = dict(l.split("=", 1) for l in open(os.path.join(d, "machine.env")).read().splitlines() if "=" in l)
raw, flask, echo, broker = j("raw-ingest"), j("flask-ingest"), j("echo-ingest"), j("broker-ceiling")
raw_lat = j("raw-latency")
flask_e2e, echo_e2e = j("flask-e2e"), j("echo-e2e")
raw_cpu, flask_cpu, echo_cpu = j("raw-cpu"), j("flask-cpu"), j("echo-cpu")
raw_rss = j("raw-rss")


def service(where):
    """The service's figures of one results folder, None when it has none."""
    if not os.path.exists(os.path.join(where, "service-ingest.json")):
        return None
    s = {k: j("service-" + k, where) for k in ("ingest", "latency", "latency-low", "fresh", "e2e", "1room-e2e",
                                               "1room-ingest", "cpu", "stop", "jfr-e2e", "jfr-ingest")}
    s["budget"] = j("budget", where)
    s["starts"] = [float(l[0]) for l in lines("service-start.txt", where) if l[0] != "None"]
    s["starts_cds"] = [float(l[0]) for l in lines("service-start-cds.txt", where) if l[0] != "None"]
    rss = [int(l[1]) for l in lines("service-rss.txt", where) if len(l) > 1]
    fresh_rss = [int(l[1]) for l in lines("service-fresh-rss.txt", where) if len(l) > 1]
    s["rss_max_mb"] = max(rss) / 1024 if rss else None
    # the second full-speed phase, JFR recording (the budget's): its RSS includes the profiler's own memory
    jfr_rss = [int(l[1]) for l in lines("service-jfr-rss.txt", where) if len(l) > 1]
    s["jfr_rss_max_mb"] = max(jfr_rss) / 1024 if jfr_rss else None
    s["fresh_rss_max_mb"] = max(fresh_rss) / 1024 if fresh_rss else None
    # the fresh instance's p99 per second of the load (FixedRate's FIXEDSECOND lines): when it caught up
    s["fresh_p99_per_second"] = [float(l[5]) for l in lines("service-fresh.fixed.txt", where)
                                 if l and l[0] == "FIXEDSECOND"]
    # and the sender's own lag in each second (its timer late by that much: counted in the latency too)
    s["fresh_send_lag_per_second"] = [float(l[11]) for l in lines("service-fresh.fixed.txt", where)
                                      if l and l[0] == "FIXEDSECOND" and len(l) > 11]
    s["acks_ratio"] = ratio(s["ingest"] and s["ingest"]["rps"], raw and raw["rps"])
    e2e = s["e2e"] and s["e2e"]["replies_per_s"]
    s["replies_ratio_flask"] = ratio(e2e, flask_e2e and flask_e2e["replies_per_s"])
    s["replies_ratio_echo"] = ratio(e2e, echo_e2e and echo_e2e["replies_per_s"])
    b = s["budget"]
    s["cpu_us_per_event"] = b and b.get("us_per_event_total")
    soak = [(int(l[0]), int(l[1])) for l in lines("soak-rss.txt", where) if len(l) > 1]
    if len(soak) >= 4:
        half = soak[len(soak) // 2:]
        xs = [(t - half[0][0]) / 60 for t, _ in half]
        ys = [r / 1024 for _, r in half]
        mx, my = statistics.mean(xs), statistics.mean(ys)
        den = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else None
        s["soak"] = {"samples": len(soak), "minutes": (soak[-1][0] - soak[0][0]) / 60, "first_mb": soak[0][1] / 1024,
                     "last_mb": soak[-1][1] / 1024, "max_mb": max(r for _, r in soak) / 1024,
                     "slope_mb_per_min_second_half": slope, "load": j("soak", where)}
    return s


after = service(d)
before = service(os.path.join(d, "before"))
res = {"machine": env,
       "anchors": {"raw_vertx_acks_per_s": raw and raw["rps"], "raw_vertx_latency": raw_lat,
                   "flask_replies_per_s": flask_e2e and flask_e2e["replies_per_s"],
                   "echo_bot_replies_per_s": echo_e2e and echo_e2e["replies_per_s"],
                   "broker_alone_per_s": broker and broker["per_s"],
                   "raw_vertx_rss_mb": raw_rss and raw_rss["rss_kb"] / 1024,
                   "raw": raw, "flask": flask, "echo": echo, "raw_cpu": raw_cpu, "flask_cpu": flask_cpu,
                   "echo_cpu": echo_cpu, "flask_e2e": flask_e2e, "echo_e2e": echo_e2e},
       "targets": {"replies_ratio_flask": 3, "acks_ratio_raw": 0.25, "fresh_p99_ms": 10, "warm_p99_ms": 5,
                   "cpu_us_per_event": 500, "rss_mb": 400},
       "service": after, "before": before}
json.dump(res, open(os.path.join(d, "results.json"), "w"), indent=2)


def f(x, fmt="{:.0f}"):
    return "n/a" if x is None else fmt.format(x)


def ok(b):
    return "n/a" if b is None else ("yes" if b else "**no**")


def pct(w, key):
    return w and w.get(key)


def lat(w):
    return "n/a" if not w else f"{w['p50_ms']:.2f} / {w['p99_ms']:.2f} / {w['p999_ms']:.2f}"


def row(label, get, anchor, target, met, fmt="{:.0f}"):
    """One line of the table: the figure before (when measured) and after."""
    cells = [f(get(before), fmt) if before else None, f(get(after), fmt)]
    cells = [c for c in cells if c is not None]
    print(f"| {label} | {' | '.join(cells)} | {anchor} | {target} | {ok(met(get(after)) if get(after) is not None else None)} |")


print(f"## Results ({env.get('date_utc')}, {env.get('settings')})\n")
print(f"Machine: {env.get('cores')} cores ({env.get('cpu')}), {env.get('mem_total')}, {env.get('jdk')}, "
      f"kernel {env.get('kernel')}; service at git {env.get('git')}"
      + (f", before: git {env.get('before')}" if before else "")
      + f". Load average at start {env.get('loadavg_start')}, at end {env.get('loadavg_end')} (anything much above 0 "
        "means other work shared the cores).\n")
print(f"Service command: the README's, from its checkout (bench/run.sh `service_cmd`); JVM options added: "
      f"{env.get('java_opts') or 'none'}; environment: {env.get('service_env') or 'none'}.\n")
head = "| figure | before | after | anchor | target | met |" if before else "| figure | service | anchor | target | met |"
print(head)
print("| --- | ---: | ---: | --- | --- | --- |" if before else "| --- | ---: | --- | --- | --- |")
rf = flask_e2e and flask_e2e["replies_per_s"]
row("end to end: replies/s at the stand-in while webhooks arrive at full speed", lambda s: s["e2e"]["replies_per_s"],
    f"Flask {f(rf)}", "", lambda v: None)
row("… as a ratio to Flask", lambda s: s["replies_ratio_flask"], "", "≥ 3× (long goal 10×)", lambda v: v >= 3,
    "{:.2f}×")
row("… as a ratio to the raw Vert.x echo bot", lambda s: s["replies_ratio_echo"],
    f"echo bot {f(echo_e2e and echo_e2e['replies_per_s'])}", "", lambda v: None, "{:.3f}×")
row(f"ingest: webhooks acked 2xx per s, processing running, "
    f"{next((t for t in env.get('settings', '').split() if t.startswith('CONNS=')), '')}",
    lambda s: s["ingest"]["rps"], f"raw Vert.x {f(raw and raw['rps'])}", "", lambda v: None)
row("… as a ratio to the raw Vert.x receiver", lambda s: s["acks_ratio"], "", "≥ 0.25× (long goal 0.5×)",
    lambda v: v >= 0.25, "{:.3f}×")
row(f"ack latency of a **fresh** instance, {env.get('settings', '').split('FRESH=')[-1].split()[0] if 'FRESH=' in env.get('settings', '') else ''}"
    f" at {f(pct(after['fresh'], 'offered_rps'))}/s: p50 / p99 / p99.9 ms",
    lambda s: s["fresh"] and (s["fresh"]["p50_ms"], s["fresh"]["p99_ms"], s["fresh"]["p999_ms"]),
    f"raw Vert.x {lat(raw_lat)}", "p99 < 10 ms", lambda v: v[1] < 10, "{0[0]:.2f} / {0[1]:.2f} / {0[2]:.2f}")
row(f"ack latency after the warm-up at {f(pct(after['latency'], 'offered_rps'))}/s: p50 / p99 / p99.9 ms",
    lambda s: s["latency"] and (s["latency"]["p50_ms"], s["latency"]["p99_ms"], s["latency"]["p999_ms"]),
    f"raw Vert.x {lat(raw_lat)}", "p99 < 5 ms", lambda v: v[1] < 5, "{0[0]:.2f} / {0[1]:.2f} / {0[2]:.2f}")
row(f"ack latency at {f(pct(after['latency-low'], 'offered_rps'))}/s (below capacity): p50 / p99 / p99.9 ms",
    lambda s: s["latency-low"] and (s["latency-low"]["p50_ms"], s["latency-low"]["p99_ms"], s["latency-low"]["p999_ms"]),
    "", "p99 < 10 ms", lambda v: v[1] < 10, "{0[0]:.2f} / {0[1]:.2f} / {0[2]:.2f}")
row("replies/s while webhooks arrive, the same phase again with JFR recording (the budget's window)",
    lambda s: s["jfr-e2e"] and s["jfr-e2e"]["replies_per_s"], "", "", lambda v: None)
row("CPU per event, µs (process CPU ÷ replies, JFR window)", lambda s: s["cpu_us_per_event"],
    f"echo bot {f(echo_cpu and echo_e2e and 1e6 * echo_cpu['cpu_s'] / max(1, echo_e2e['replies']))}", "≤ 500 µs",
    lambda v: v <= 500)
row("RSS under load, max MB (every phase before the JFR recording)", lambda s: s["rss_max_mb"],
    f"raw Vert.x {f(raw_rss and raw_rss['rss_kb'] / 1024)}", "≤ 400 MB", lambda v: v <= 400)
row("… while JFR records the budget's phase (the profiler's memory included), max MB", lambda s: s["jfr_rss_max_mb"],
    "", "", lambda v: None)
row("RSS of the fresh instance, max MB", lambda s: s["fresh_rss_max_mb"], "", "≤ 400 MB", lambda v: v <= 400)
row("end to end, every webhook in one room (one lane): replies/s during the load",
    lambda s: s["1room-e2e"] and s["1room-e2e"]["replies_per_s"], "", "", lambda v: None)
row("start to healthy, ms (median; the launcher's own class-data archive when it has one)",
    lambda s: statistics.median(s["starts"]) if s["starts"] else None, "", "< 3000 ms",
    lambda v: v < 3000)
row("… with an AppCDS archive written by the bench, ms (median)",
    lambda s: statistics.median(s["starts_cds"]) if s["starts_cds"] else None, "", "", lambda v: None)
if after.get("soak"):
    row("soak: RSS first / last / max MB, slope of the 2nd half MB/min",
        lambda s: s.get("soak") and (s["soak"]["first_mb"], s["soak"]["last_mb"], s["soak"]["max_mb"],
                                     s["soak"]["slope_mb_per_min_second_half"] or 0),
        "", "flat", lambda v: abs(v[3]) < 1, "{0[0]:.0f} / {0[1]:.0f} / {0[2]:.0f}, {0[3]:+.2f}")

print("\n### Details\n")
print("| run | requests | per s | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | socket errors | wrapped | CPU ms per request |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
runs = [("raw Vert.x, full speed", raw, raw_cpu)]
for tag, s in (("before", before), ("service", after)):
    if s:
        runs += [(f"{tag}, full speed (+ processing)", s["ingest"], s["cpu"]),
                 (f"{tag}, full speed, one room", s["1room-ingest"], None)]
runs += [("raw Vert.x echo bot, full speed (GET + POST inside the request)", echo, echo_cpu),
         ("Flask bot, full speed (work inside the request)", flask, flask_cpu)]
for label, w, cpu in runs:
    if w:
        per = cpu and accepted(w) and 1000 * cpu["cpu_s"] / accepted(w)
        print(f"| {label} | {w['requests']} | {w['rps']:.0f} | {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | {w['p999_ms']:.2f} | "
              f"{w['max_ms']:.1f} | {w['non2xx']} | {w['socket_errors']} | {w['wrapped']} | {f(per, '{:.2f}')} |")
fixed = [("raw Vert.x, fixed rate", raw_lat)]
for tag, s in (("before", before), ("service", after)):
    if s:
        fixed += [(f"{tag}, fresh instance, fixed rate", s["fresh"]), (f"{tag}, fixed rate", s["latency"]),
                  (f"{tag}, fixed rate", s["latency-low"])]
for label, w in fixed:
    if w:
        print(f"| {label} {w['offered_rps']:.0f}/s (sent at {w['achieved_send_rps']:.0f}/s, max send lag "
              f"{w['max_send_lag_ms']:.1f} ms) | {w['sent']} | {w['offered_rps']:.0f} | {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | "
              f"{w['p999_ms']:.2f} | {w['max_ms']:.1f} | {w['non2xx']} | {w['errors']} | | |")
for tag, s in (("before", before), ("service", after)):
    if s and s["cpu"]:
        if s["fresh_p99_per_second"]:
            print(f"\n{tag}: the fresh instance's ack p99 in each second of its load, ms: "
                  + " / ".join(f"{v:.1f}" for v in s["fresh_p99_per_second"]))
        if s["fresh_send_lag_per_second"]:
            print(f"\n{tag}: the sender's own lag in each second of that load, at most, ms (inside the p99 above): "
                  + " / ".join(f"{v:.1f}" for v in s["fresh_send_lag_per_second"]))
        print(f"\n{tag}: CPU per request covers ingest and the processing that ran during the load and the drain after "
              f"it (backlog at the end of the load: {s['cpu']['backlog_at_end']} events, drained in "
              f"{s['cpu']['drain_s']} s). Clean stop (SIGTERM) took {s['stop'] and s['stop']['stop_s']} s.")


def e2e_line(label, e):
    if e:
        print(f"| {label} | {e['replies_during_load']} | {e['load_seconds']:.1f} | {e['replies_per_s']:.0f} | {e['replies']} | "
              f"{e['seconds']:.1f} | {f(e['replies_per_s_with_drain'])} |")


print("\n| end to end | replies during the load | load s | per s | replies in all | first to last reply, s | per s |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for tag, s in (("before", before), ("service", after)):
    if s:
        e2e_line(tag, s["e2e"])
        e2e_line(f"{tag}, one room", s["1room-e2e"])
e2e_line("raw Vert.x echo bot", echo_e2e)
e2e_line(f"Flask bot ({flask_cpu and flask_cpu['workers']} gthread workers × {flask_cpu and flask_cpu.get('threads')} threads)",
         flask_e2e)
for tag, s in (("before", before), ("service", after)):
    if s and s["budget"]:
        print(f"\n### CPU per event, by stage: {tag} (JFR, from the first webhook of the full-speed phase to its last reply)\n")
        print(budget_table(s["budget"]))
print("\nHow it is made, and the frames no stage matched: `profile.md` (and `before/profile.md`); the stages: "
      "`bench/lib/stages.py`.")
