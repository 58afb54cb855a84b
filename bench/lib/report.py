#!/usr/bin/python3
"""Turns one results folder of bench/run.sh into results.json and a markdown table (stdout)."""
import json, os, statistics, sys

sys.dont_write_bytecode = True  # no __pycache__ in bench/lib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jfr_top import budget_table  # noqa: E402

d = sys.argv[1]


def j(name):
    p = os.path.join(d, name + ".json")
    return json.load(open(p)) if os.path.exists(p) else None


def lines(name):
    p = os.path.join(d, name)
    return [l.split() for l in open(p).read().splitlines() if l.strip()] if os.path.exists(p) else []


env = dict(l.split("=", 1) for l in open(os.path.join(d, "machine.env")).read().splitlines() if "=" in l)
raw, svc, flask = j("raw-ingest"), j("service-ingest"), j("flask-ingest")
broker = j("broker-ceiling")
raw_lat, svc_lat, svc_low = j("raw-latency"), j("service-latency"), j("service-latency-low")
svc_e2e, flask_e2e, echo_e2e, svc_1room = j("service-e2e"), j("flask-e2e"), j("echo-e2e"), j("service-1room-e2e")
svc_cpu, raw_cpu, flask_cpu, echo_cpu = j("service-cpu"), j("raw-cpu"), j("flask-cpu"), j("echo-cpu")
echo = j("echo-ingest")
cpu_budget = j("budget")
starts = [float(l[0]) for l in lines("service-start.txt") if l[0] != "None"]
starts_cds = [float(l[0]) for l in lines("service-start-cds.txt") if l[0] != "None"]
rss = [int(l[1]) for l in lines("service-rss.txt") if len(l) > 1]
soak = [(int(l[0]), int(l[1])) for l in lines("soak-rss.txt") if len(l) > 1]
raw_rss = j("raw-rss")
stop = j("service-stop")


def ratio(a, b):
    return a / b if a and b else None


def accepted(w):
    return w["requests"] - w["non2xx"] if w else 0


res = {
    "machine": env,
    "ingest_rps": {"service": svc and svc["rps"], "raw_vertx": raw and raw["rps"],
                   "ratio": ratio(svc and svc["rps"], raw and raw["rps"]), "target_ratio": 0.5,
                   "broker_alone": broker and broker["per_s"],
                   "ratio_to_broker_alone": ratio(svc and svc["rps"], broker and broker["per_s"])},
    "ack_latency_at_rate": {"rate": svc_lat and svc_lat["offered_rps"], "service": svc_lat, "raw_vertx": raw_lat,
                            "target_p99_ms": 10, "service_at_low_rate": svc_low},
    "e2e_replies_per_s": {"service": svc_e2e and svc_e2e["replies_per_s"], "flask": flask_e2e and flask_e2e["replies_per_s"],
                          "echo_bot": echo_e2e and echo_e2e["replies_per_s"],
                          "ratio": ratio(svc_e2e and svc_e2e["replies_per_s"], flask_e2e and flask_e2e["replies_per_s"]),
                          "target_ratio": 10,
                          "ratio_to_echo_bot": ratio(svc_e2e and svc_e2e["replies_per_s"], echo_e2e and echo_e2e["replies_per_s"]),
                          "target_ratio_to_echo_bot": 0.5,
                          "service_one_room": svc_1room and svc_1room["replies_per_s"],
                          "measured": "replies counted at the stand-in while the webhooks arrived (wrk's window)"},
    "service_jvm": {"preset": env.get("service_jvm"), "java_opts": env.get("java_opts"), "env": env.get("service_env")},
    "cpu_budget": cpu_budget,
    "start_to_healthy_ms": {"all": starts, "median": statistics.median(starts) if starts else None,
                            "max": max(starts) if starts else None, "target_ms": 3000,
                            "with_appcds": {"all": starts_cds, "median": statistics.median(starts_cds) if starts_cds else None,
                                            "max": max(starts_cds) if starts_cds else None}},
    "rss_mb": {"service_max_under_load": max(rss) / 1024 if rss else None,
               "raw_vertx_after_load": raw_rss and raw_rss["rss_kb"] / 1024, "target_mb": 400},
    "details": {"service_ingest": svc, "raw_ingest": raw, "flask_ingest": flask, "echo_ingest": echo,
                "service_cpu": svc_cpu, "raw_cpu": raw_cpu, "flask_cpu": flask_cpu, "echo_cpu": echo_cpu,
                "service_e2e": svc_e2e, "flask_e2e": flask_e2e, "echo_e2e": echo_e2e, "service_1room_e2e": svc_1room,
                "service_1room_ingest": j("service-1room-ingest"), "service_stop": stop},
}
slope = None
if len(soak) >= 4:
    half = soak[len(soak) // 2:]
    xs = [(t - half[0][0]) / 60 for t, _ in half]
    ys = [r / 1024 for _, r in half]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else None
    res["soak"] = {"samples": len(soak), "minutes": (soak[-1][0] - soak[0][0]) / 60, "first_mb": soak[0][1] / 1024,
                   "last_mb": soak[-1][1] / 1024, "max_mb": max(r for _, r in soak) / 1024,
                   "slope_mb_per_min_second_half": slope, "load": j("soak")}
json.dump(res, open(os.path.join(d, "results.json"), "w"), indent=2)


def f(x, fmt="{:.0f}"):
    return "n/a" if x is None else fmt.format(x)


def ok(b):
    return "n/a" if b is None else ("yes" if b else "**no**")


ir, er, ee = res["ingest_rps"]["ratio"], res["e2e_replies_per_s"]["ratio"], res["e2e_replies_per_s"]["ratio_to_echo_bot"]
p99 = svc_lat and svc_lat["p99_ms"]
rmax = res["rss_mb"]["service_max_under_load"]
smed = res["start_to_healthy_ms"]["median"]
print(f"## Results ({env.get('date_utc')}, {env.get('settings')})\n")
print(f"Machine: {env.get('cores')} cores ({env.get('cpu')}), {env.get('mem_total')}, {env.get('jdk')}, "
      f"kernel {env.get('kernel')}; service at git {env.get('git')}. Load average at start {env.get('loadavg_start')}, "
      f"at end {env.get('loadavg_end')} (anything much above 0 means other work shared the cores).\n")
print(f"Service JVM: `SERVICE_JVM={env.get('service_jvm')}`: `java {env.get('java_opts') or ''} -jar` "
      f"(options: {env.get('java_opts') or 'none, the JVM defaults'}; environment: {env.get('service_env') or 'none'}).\n")
print("| figure | service | anchor | ratio | target | met |")
print("| --- | ---: | ---: | ---: | --- | --- |")
print(f"| ingest: signed webhooks acked 2xx per s, {next((t for t in env.get('settings', '').split() if t.startswith('CONNS=')), '')} | {f(svc and svc['rps'])} | "
      f"raw Vert.x {f(raw and raw['rps'])} | {f(ir, '{:.2f}')}× | ≥ 0.5× | {ok(ir and ir >= 0.5)} |")
if broker:
    print(f"| ingest, against the embedded broker alone (durable sends, {broker['threads']} senders, no HTTP) | "
          f"{f(svc and svc['rps'])} | broker {f(broker['per_s'])} | "
          f"{f(res['ingest_rps']['ratio_to_broker_alone'], '{:.2f}')}× | | |")
print(f"| ack latency at {f(svc_lat and svc_lat['offered_rps'])}/s offered, p50 / p99 / p99.9 ms | "
      f"{f(svc_lat and svc_lat['p50_ms'], '{:.2f}')} / {f(p99, '{:.2f}')} / {f(svc_lat and svc_lat['p999_ms'], '{:.2f}')} | "
      f"raw Vert.x {f(raw_lat and raw_lat['p50_ms'], '{:.2f}')} / {f(raw_lat and raw_lat['p99_ms'], '{:.2f}')} / "
      f"{f(raw_lat and raw_lat['p999_ms'], '{:.2f}')} | | p99 < 10 ms | {ok(p99 is not None and p99 < 10)} |")
if svc_low:
    print(f"| ack latency at {f(svc_low['offered_rps'])}/s offered (below the end-to-end capacity), p50 / p99 / p99.9 ms | "
          f"{svc_low['p50_ms']:.2f} / {svc_low['p99_ms']:.2f} / {svc_low['p999_ms']:.2f} | | | p99 < 10 ms | "
          f"{ok(svc_low['p99_ms'] < 10)} |")
print(f"| end to end: replies/s at the stand-in while webhooks arrive at full speed | {f(res['e2e_replies_per_s']['service'])} | "
      f"Flask bot {f(res['e2e_replies_per_s']['flask'])} | {f(er, '{:.2f}')}× | ≥ 10× | {ok(er and er >= 10)} |")
print(f"| end to end, against the raw Vert.x echo bot (the JVM ceiling) | {f(res['e2e_replies_per_s']['service'])} | "
      f"echo bot {f(res['e2e_replies_per_s']['echo_bot'])} | {f(ee, '{:.3f}')}× | about 0.5× | {ok(ee and ee >= 0.5)} |")
if svc_1room:
    print(f"| end to end, every webhook in one room (one lane) | {f(svc_1room['replies_per_s'])} | | | | |")
print(f"| start to healthy, ms (median of {len(starts)}; max) | {f(smed)} ({f(res['start_to_healthy_ms']['max'])}) | | | < 3000 ms | "
      f"{ok(smed is not None and max(starts) < 3000)} |")
if starts_cds:
    cmed = statistics.median(starts_cds)
    print(f"| start to healthy with an AppCDS archive, ms (median of {len(starts_cds)}; max) | {f(cmed)} "
          f"({f(max(starts_cds))}) | | | < 3000 ms | {ok(max(starts_cds) < 3000)} |")
print(f"| RSS under load, max MB | {f(rmax)} | raw Vert.x {f(res['rss_mb']['raw_vertx_after_load'])} | | < 400 MB | "
      f"{ok(rmax is not None and rmax < 400)} |")
if "soak" in res:
    s = res["soak"]
    print(f"| soak {s['minutes']:.1f} min at {f(s['load'] and s['load']['offered_rps'])}/s: RSS first / last / max MB, "
          f"slope 2nd half MB/min | {s['first_mb']:.0f} / {s['last_mb']:.0f} / {s['max_mb']:.0f}, "
          f"{f(slope, '{:+.2f}')} | | | no growth | {ok(slope is not None and abs(slope) < 1)} |")

print("\n### Details\n")
print("| run | requests | per s | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | socket errors | wrapped | CPU ms per request |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for label, w, cpu in (("raw Vert.x, full speed", raw, raw_cpu), ("service, full speed (+ processing)", svc, svc_cpu),
                      ("service, full speed, one room", j("service-1room-ingest"), None),
                      ("raw Vert.x echo bot, full speed (GET + POST inside the request)", echo, echo_cpu),
                      ("Flask bot, full speed (work inside the request)", flask, flask_cpu)):
    if w:
        per = cpu and accepted(w) and 1000 * cpu["cpu_s"] / accepted(w)
        print(f"| {label} | {w['requests']} | {w['rps']:.0f} | {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | {w['p999_ms']:.2f} | "
              f"{w['max_ms']:.1f} | {w['non2xx']} | {w['socket_errors']} | {w['wrapped']} | {f(per, '{:.2f}')} |")
for label, w in (("raw Vert.x, fixed rate", raw_lat), ("service, fixed rate", svc_lat), ("service, fixed rate", svc_low)):
    if w:
        print(f"| {label} {w['offered_rps']:.0f}/s (sent at {w['achieved_send_rps']:.0f}/s, max send lag "
              f"{w['max_send_lag_ms']:.1f} ms) | {w['sent']} | {w['offered_rps']:.0f} | {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | "
              f"{w['p999_ms']:.2f} | {w['max_ms']:.1f} | {w['non2xx']} | {w['errors']} | | |")
if svc_cpu:
    print(f"\nService CPU per request covers ingest and the processing that ran during the load and the drain after it "
          f"(backlog at the end of the load: {svc_cpu['backlog_at_end']} events, drained in {svc_cpu['drain_s']} s). "
          f"Clean stop (SIGTERM) took {stop and stop['stop_s']} s.")


def e2e_line(label, e):
    if e:
        print(f"| {label} | {e['replies_during_load']} | {e['load_seconds']:.1f} | {e['replies_per_s']:.0f} | {e['replies']} | "
              f"{e['seconds']:.1f} | {f(e['replies_per_s_with_drain'])} |")


print("\n| end to end | replies during the load | load s | per s | replies in all | first to last reply, s | per s |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
e2e_line("service", svc_e2e)
e2e_line("service, one room", svc_1room)
e2e_line("raw Vert.x echo bot", echo_e2e)
e2e_line(f"Flask bot ({flask_cpu and flask_cpu['workers']} gthread workers × {flask_cpu and flask_cpu.get('threads')} threads)",
         flask_e2e)
if cpu_budget:
    print(f"\n### CPU per event, by stage (JFR, service, from the first webhook of the full-speed phase to its last reply)\n")
    print(budget_table(cpu_budget))
    print("\nHow it is made, and the frames no stage matched: `profile.md`; the stages: `bench/lib/stages.py`.")
