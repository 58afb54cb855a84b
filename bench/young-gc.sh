#!/usr/bin/env bash
# The garbage collector at a fixed rate: the service as the README runs it (its launcher, from RUN_DIR), the nginx
# stand-in, and FixedRate at RATE/s for WARM + MEASURE s (the first WARM s not recorded), with the JVM's GC log
# (gc*, gc+age=trace, safepoint). Prints the young collections' pauses after the warm-up (p50 / p90 / max), what
# survived them (the survivor space after each), the full collections, the ack latency (p50 / p99) and the RSS;
# writes a class histogram of the live heap at the end (histo.txt). The "The young collections" section of
# BENCHMARKS.md was measured with it. Run it on a quiet machine, as root (nginx).
# Knobs: RATE (1000), MEASURE (60 s recorded), WARM (30), PORT_BASE (19500: service +6, management +376, stand-in +30),
# RUN_DIR (a checkout with target/ built: its launcher, jar, application.properties, routes/; the repo root),
# JAVA_OPTS (the launcher's: they come after its own), EXTRA_ENV (more VAR=value for the service), DELAY (s after
# healthy before the first send; with WARM=0 MEASURE=10 DELAY=5 it is bench/run.sh's fresh phase: FixedRate warms its
# own JIT against a server of its own first, FIXED_SELF_WARMUP=3).
# Writes bench/results/young-gc-<UTC time>/ (or OUT): gc.log, fixed.txt, service.log, histo.txt, summary.txt.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
LIB=$HERE/lib
: "${RATE:=1000}" "${MEASURE:=60}" "${WARM:=30}" "${PORT_BASE:=19500}" "${RUN_DIR:=$ROOT}"
: "${JAVA_OPTS:=}" "${EXTRA_ENV:=}" "${DELAY:=0}"
OUT=${OUT:-$HERE/results/young-gc-$(date -u +%Y%m%dT%H%M%SZ)}
SECRET=bench-webhook-secret
SVC_PORT=$((PORT_BASE + 6)); MGMT_PORT=$((PORT_BASE + 376)); NGINX_PORT=$((PORT_BASE + 30))
JAR=$RUN_DIR/target/webex-event-router.jar
mkdir -p "$OUT/nginx" "$OUT/classes"
javac -d "$OUT/classes" -cp "$JAR" "$LIB/FixedRate.java" "$LIB/WebhookSignature.java"
sed -e "s#@PORT@#$NGINX_PORT#g" -e "s#@DIR@#$OUT/nginx#g" "$LIB/nginx.conf" > "$OUT/nginx/nginx.conf"
nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" & NGINX=$!
DATA=$(mktemp -d "${TMPDIR:-/tmp}/wbxt-young-gc.XXXXXX")
PID=
cleanup() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$PID" 2>/dev/null || true
  fi
  kill "$NGINX" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT
# the GC log reaches the JVM through JDK_JAVA_OPTIONS, the launcher's JAVA_OPTS stay the user's
# shellcheck disable=SC2086
res=$(python3 "$LIB/start_and_wait.py" --url "http://127.0.0.1:$MGMT_PORT/observe/health" --status 200 \
  --log "$OUT/service.log" --cwd "$RUN_DIR" -- \
  env WEBEX_BOT_TOKEN=bench WEBEX_API_URL="http://127.0.0.1:$NGINX_PORT/v1" WEBEX_WEBHOOK_SECRET=$SECRET \
  DATA_DIR="$DATA" SERVER_PORT=$SVC_PORT MANAGEMENT_PORT=$MGMT_PORT JAVA_OPTS="$JAVA_OPTS" \
  JDK_JAVA_OPTIONS="-Xlog:gc*=debug,gc+age=trace,safepoint:file=$OUT/gc.log:uptime,level,tags" \
  PROCESSING_REPLIES_PER_ROOM_PER_SECOND=10000 $EXTRA_ENV "$RUN_DIR/target/webex-event-router")
PID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$res")
# the JVM's uptime (the GC log's clock) when the recorded sends begin
START_S=$(( $(ps -o etimes= -p "$PID") + DELAY + WARM ))
if [ "$DELAY" -gt 0 ]; then
  export FIXED_SELF_WARMUP=3 FIXED_START_AT=$(( $(date +%s%3N) + DELAY * 1000 ))
fi
# the service's CPU by thread kind (the broker's threads are "Thread-N (ActiveMQ-...)"), in clock ticks
cpu_ticks() {
  python3 - "$1" <<'PYEOF'
import glob, sys
broker = other = 0
for t in glob.glob("/proc/%s/task/*/stat" % sys.argv[1]):
    try:
        s = open(t).read()
    except OSError:
        continue
    name, rest = s[s.index("(") + 1:s.rindex(")")], s[s.rindex(")") + 2:].split()
    ticks = int(rest[11]) + int(rest[12])
    if "(Activ" in name or name.startswith("activemq") or name.startswith("Thread-"):
        broker += ticks
    else:
        other += ticks
print(broker, other)
PYEOF
}
( sleep $(( DELAY + WARM )); cpu_ticks "$PID" > "$OUT/cpu-start.txt" ) &
CPU_WATCH=$!
java -Xmx768m -cp "$JAR:$OUT/classes" FixedRate "http://127.0.0.1:$SVC_PORT/api/v1/wbxt/events" $SECRET \
  "$RATE" "$MEASURE" 0x51 256 "$WARM" > "$OUT/fixed.txt" 2>&1
cpu_ticks "$PID" > "$OUT/cpu-end.txt"
wait "$CPU_WATCH" || true
RSS=$(ps -o rss= -p "$PID" | tr -d ' ')
jcmd "$PID" GC.class_histogram > "$OUT/histo.txt" 2>/dev/null || true
python3 - "$OUT" "$START_S" "$RSS" "$MEASURE" <<'EOF' | tee "$OUT/summary.txt"
import re, sys, json
out, start, rss = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
young, survived, full = [], [], []
for line in open(out + "/gc.log"):
    m = re.search(r"\[(\d+\.\d+)s\].*\) Pause (Young|Full) \((?!Heap Inspection).*?(\d+\.\d+)ms$", line)
    if m and float(m.group(1)) >= start:
        (young if m.group(2) == "Young" else full).append(float(m.group(3)))
    m = re.search(r"\[(\d+\.\d+)s\].*DefNew: \d+K\(\d+K\)->(\d+)K", line)
    if m and float(m.group(1)) >= start:
        survived.append(int(m.group(2)))
fixed = json.loads(next(l for l in open(out + "/fixed.txt") if l.startswith("FIXEDJSON"))[len("FIXEDJSON "):])
young.sort()
pct = lambda xs, p: xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")
print("young collections %d: pause p50 %.1f / p90 %.1f / max %.1f ms; survivor space after, mean %d KB"
      % (len(young), pct(young, .5), pct(young, .9), max(young or [0]), sum(survived) / max(1, len(survived))))
print("full collections %d: %s ms" % (len(full), " ".join("%.0f" % f for f in full)))
print("ack at %s/s: p50 %s / p99 %s / p99.9 %s ms (the sender's own lag at most %s ms); RSS %d MB"
      % (fixed["offered_rps"], fixed["p50_ms"], fixed["p99_ms"], fixed["p999_ms"], fixed["max_send_lag_ms"], rss // 1024))
per_second = [l.split() for l in open(out + "/fixed.txt") if l.startswith("FIXEDSECOND")]
seconds, lags = [f[5] for f in per_second], [f[11] for f in per_second]
print("ack p99 in each second, ms: " + " / ".join(seconds[:12]) + (" ..." if len(seconds) > 12 else ""))
print("the sender's own lag in each second, at most, ms: " + " / ".join(lags[:12]) + (" ..." if len(lags) > 12 else ""))
# threads that ended in the window are not counted (the pools keep theirs)
b0, o0 = map(int, open(out + "/cpu-start.txt").read().split())
b1, o1 = map(int, open(out + "/cpu-end.txt").read().split())
per = 1e6 / 100 / (float(fixed["offered_rps"]) * float(sys.argv[4]))
print("CPU per event in the recorded window: %.0f us (the broker's threads %.0f, the others %.0f)"
      % ((b1 - b0 + o1 - o0) * per, (b1 - b0) * per, (o1 - o0) * per))
EOF
