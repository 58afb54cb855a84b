#!/usr/bin/python3
"""Where the time goes, from a JFR recording: jdk.ExecutionSample stacks (`jfr print`, read as a stream), as
  - the per-event CPU budget by stage (with --budget): each sample folded into the first stage of stages.py that
    matches it, the Java threads' CPU over the window (from /proc, per thread) divided by the samples' shares, the
    JVM's own threads (GC, JIT) from /proc, all in µs per event;
  - self time (top frame), inclusive time of project/framework methods, and samples per thread pool.
Usage:
  jfr_top.py --snapshot PID > threads.json          per-thread CPU of a process now (before and after the window)
  jfr_top.py recording.jfr [N] > profile.md         the profile tables
  jfr_top.py recording.jfr [N] --budget --before threads-0.json --after threads-1.json --acked A --processed P \\
      [--calls calls.log --window T0 T1] [--json budget.json] > profile.md
"""
import argparse, collections, json, os, re, subprocess, sys

sys.dont_write_bytecode = True  # no __pycache__ in bench/lib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stages import CONTINUATIONS, JVM_THREADS, STAGES  # noqa: E402

INTERESTING = ("dev.wbxt.", "org.apache.camel.", "org.apache.activemq.", "io.vertx.", "io.netty.", "com.fasterxml.",
               "org.apache.hc.", "org.springframework.jms.", "javax.crypto.", "com.sun.crypto.", "io.micrometer.",
               "org.apache.logging.", "java.util.regex.", "sun.nio.ch.", "java.io.RandomAccessFile", "sun.nio.fs.")
THREAD = re.compile(r'^\s*sampledThread = "(.*)" \(javaThreadId = \d+\)')


def snapshot(pid):
    """Per-thread user+system CPU ticks of a process, and the process's own (which keeps ended threads' time)."""
    def ticks(stat_path):
        with open(stat_path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)

    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                threads[tid] = [f.read().strip(), ticks(f"/proc/{pid}/task/{tid}/stat")]
        except OSError:
            pass  # the thread ended meanwhile
    return {"ticks_per_s": os.sysconf("SC_CLK_TCK"), "process": ticks(f"/proc/{pid}/stat"), "threads": threads}


def samples(path):
    """(thread name, [frames, leaf first]) for each execution sample, streamed from `jfr print`."""
    proc = subprocess.Popen(["jfr", "print", "--stack-depth", "512", "--events", "jdk.ExecutionSample", path],
                            stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
    thread, frames, in_stack = "?", [], False
    for line in proc.stdout:
        if in_stack:
            s = line.strip()
            if s == "]":
                in_stack = False
                if frames:
                    yield thread, frames
            elif s and s != "...":
                frames.append(s.split("(", 1)[0])
            continue
        m = THREAD.match(line)
        if m:
            thread = m.group(1)
        elif line.strip() == "stackTrace = [":
            in_stack, frames = True, []
        elif line.startswith("jdk.ExecutionSample"):
            thread = "?"
    if proc.wait() != 0:
        sys.exit(f"jfr print failed on {path}")


def compiled_stages():
    return [(stage, side, re.compile(thread) if thread else None, tuple(prefixes))
            for stage, side, thread, prefixes in STAGES]


def stage_of(rows, thread, frames):
    # A route that goes on in an asynchronous callback runs on top of the call that completed: only the frames above
    # the innermost continuation say what this sample is doing (stages.CONTINUATIONS).
    for i, f in enumerate(frames):
        if f.startswith(CONTINUATIONS):
            frames = frames[:i] or frames
            break
    for stage, side, thread_re, prefixes in rows:
        if thread_re is not None and not thread_re.search(thread):
            continue
        for f in frames:
            if f.startswith(prefixes):
                return stage, side
    return None, None


def jvm_thread_row(name):
    for row, pattern in JVM_THREADS:
        if re.search(pattern, name):
            return row
    return None


def window_counts(path, t0, t1):
    counts = collections.Counter()
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and t0 <= float(parts[0]) <= t1:
                    counts[parts[1]] += 1
    return counts


def budget(a, by_stage, sides, total, leaf_by_stage, unmatched_leaf, unmatched_frames):
    before, after = json.load(open(a.before)), json.load(open(a.after))
    tck = after["ticks_per_s"]
    proc_cpu = (after["process"] - before["process"]) / tck
    jvm = collections.Counter()
    java_cpu = 0.0
    seen = 0.0
    for tid, (name, t) in after["threads"].items():
        delta = (t - before["threads"].get(tid, [name, 0])[1]) / tck
        seen += delta
        row = jvm_thread_row(name)
        if row:
            jvm[row] += delta
        else:
            java_cpu += delta
    ended = max(0.0, proc_cpu - seen)  # threads that ended in the window (their time is in the process's total)
    # wrk does not count the requests still in flight when it stops, but the service stored and replied to them:
    # when the backlog drained, the replies are the better count of the events received too.
    per = {"ingest": max(a.acked, a.processed), "processing": a.processed}
    rows = []
    for stage, count in sorted(by_stage.items(), key=lambda kv: -kv[1]):
        side = sides[stage]
        cpu = java_cpu * count / total if total else 0.0
        events = per.get(side) or a.processed
        rows.append({"stage": stage, "side": side, "samples": count, "share": count / total if total else 0.0,
                     "cpu_s": cpu, "us_per_event": 1e6 * cpu / events if events else None})
    for row, cpu in sorted(jvm.items(), key=lambda kv: -kv[1]):
        rows.append({"stage": row, "side": "jvm", "samples": None, "share": None, "cpu_s": cpu,
                     "us_per_event": 1e6 * cpu / a.processed if a.processed else None})
    if ended > 0.005:
        rows.append({"stage": "threads that ended in the window", "side": "jvm", "samples": None, "share": None,
                     "cpu_s": ended, "us_per_event": 1e6 * ended / a.processed if a.processed else None})
    calls = window_counts(a.calls, *a.window) if a.calls and a.window else collections.Counter()
    res = {"acked": a.acked, "processed": a.processed, "process_cpu_s": proc_cpu, "java_threads_cpu_s": java_cpu,
           "java_samples": total, "us_per_event_total": 1e6 * proc_cpu / a.processed if a.processed else None,
           "stages": rows, "webex_calls_in_window": dict(calls)}
    webex = next((r for r in rows if r["stage"] == "webex calls"), None)
    gets = sum(c for k, c in calls.items() if k != "createMessage")
    if webex and gets:
        res["webex_us_per_call"] = 1e6 * webex["cpu_s"] / gets
    if a.json:
        json.dump(res, open(a.json, "w"), indent=2)

    print("## CPU budget per event, by stage\n")
    print(f"Process CPU over the window: {proc_cpu:.1f} s for {a.acked} webhooks acknowledged and {a.processed} "
          f"replies (the events processed): **{res['us_per_event_total'] or 0:.0f} µs per event** in all. Java threads "
          f"{java_cpu:.1f} s, divided by {total} execution samples; the JVM's own threads from /proc. "
          f"Stages and their order: `bench/lib/stages.py`.\n")
    print(budget_table(res))
    if calls:
        per_event = ", ".join(f"{k} {v} ({v / a.processed:.2f} per event)" if a.processed else f"{k} {v}"
                              for k, v in sorted(calls.items()))
        print(f"\nWebex calls counted at the stand-in in the window: {per_event}. "
              + (f"The `webex calls` stage costs {res['webex_us_per_call']:.0f} µs of CPU per GET that reached the "
                 "stand-in (cache hits cost CPU without a call; createMessage is in `reply`)." if "webex_us_per_call" in res else ""))
    print("\n### Samples no stage matched: top frames (add rows to stages.py)\n")
    print("| samples | top frame |\n| ---: | --- |")
    for k, c in unmatched_leaf.most_common(10):
        print(f"| {c} | `{k}` |")
    print("\n| samples | project/framework frames on the unmatched stacks |\n| ---: | --- |")
    for k, c in unmatched_frames.most_common(15):
        print(f"| {c} | `{k}` |")
    print("\n### Each stage's top frames (to check the table)\n")
    print("| stage | samples | top frame |\n| --- | ---: | --- |")
    for stage, counter in leaf_by_stage.items():
        for k, c in counter.most_common(4):
            print(f"| {stage} | {c} | `{k}` |")
    print()


def budget_table(res):
    """The budget as a markdown table (also used by report.py for results.md)."""
    out = ["| stage | divided by | samples | share of Java samples | CPU s | µs per event |",
           "| --- | --- | ---: | ---: | ---: | ---: |"]
    denom = {"ingest": "webhooks acked", "processing": "replies", "jvm": "replies"}
    for r in res["stages"]:
        share = "" if r["share"] is None else f"{100 * r['share']:.1f} %"
        us = "n/a" if r["us_per_event"] is None else f"{r['us_per_event']:.0f}"
        out.append(f"| {r['stage']} | {denom[r['side']]} | {'' if r['samples'] is None else r['samples']} | {share} | "
                   f"{r['cpu_s']:.2f} | {us} |")
    total = res.get("us_per_event_total")
    out.append(f"| **all (process CPU ÷ replies)** | | {res['java_samples']} | | {res['process_cpu_s']:.2f} | "
               f"**{'n/a' if total is None else f'{total:.0f}'}** |")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("recording", nargs="?")
    p.add_argument("top", nargs="?", type=int, default=25)
    p.add_argument("--snapshot", type=int, metavar="PID")
    p.add_argument("--budget", action="store_true")
    p.add_argument("--before")
    p.add_argument("--after")
    p.add_argument("--acked", type=int, default=0)
    p.add_argument("--processed", type=int, default=0)
    p.add_argument("--calls")
    p.add_argument("--window", type=float, nargs=2, metavar=("T0", "T1"))
    p.add_argument("--json")
    a = p.parse_args()
    if a.snapshot:
        json.dump(snapshot(a.snapshot), sys.stdout)
        return
    if not a.recording:
        p.error("a recording, or --snapshot PID")

    rows = compiled_stages()
    self_count, incl, threads, pkg_self = (collections.Counter() for _ in range(4))
    by_stage, sides = collections.Counter(), {}
    leaf_by_stage = collections.defaultdict(collections.Counter)
    unmatched_leaf, unmatched_frames = collections.Counter(), collections.Counter()
    total = 0
    for tname, names in samples(a.recording):
        total += 1
        threads[re.sub(r"\d+", "N", tname)] += 1
        self_count[names[0]] += 1
        pkg_self[".".join(names[0].split(".")[:3])] += 1
        for n in set(names):
            if n.startswith(INTERESTING):
                incl[n] += 1
        stage, side = stage_of(rows, tname, names)
        if stage is None:
            stage, side = "other (no stage matched)", "processing"
            unmatched_leaf[names[0]] += 1
            first = next((n for n in names if n.startswith(INTERESTING)), None)
            if first:
                unmatched_frames[first] += 1
        by_stage[stage] += 1
        sides[stage] = side
        leaf_by_stage[stage][names[0]] += 1

    def table(title, counter, n):
        print(f"\n### {title}\n\n| samples | % | frame |\n| ---: | ---: | --- |")
        for k, c in counter.most_common(n):
            print(f"| {c} | {100.0 * c / total:.1f} | `{k}` |")

    if a.budget:
        budget(a, by_stage, sides, total, leaf_by_stage, unmatched_leaf, unmatched_frames)
    print(f"## Profile\n\n{total} execution samples in `{a.recording.split('/')[-1]}`")
    table("Samples per thread (digits folded)", threads, 15)
    table("Self time: top frames", self_count, a.top)
    table("Self time by package (top frame)", pkg_self, 20)
    table("Inclusive time: project and framework methods on the stack", incl, a.top + 15)


if __name__ == "__main__":
    main()
