#!/usr/bin/env bash
# The soak of webex-event-router (issue 21, item 7; bench/README.md "Soak"; BENCHMARKS.md "Soak"):
#   bench/soak.sh                        30 minutes at 300/s (a third of the service's capacity on 2 cores), Webex
#                                        and the downstream system failing on a schedule that repeats every 10 minutes
#   MINUTES=5 CYCLE=300 bench/soak.sh    a short one: the same schedule compressed into 5 minutes (checks the script)
# The service as the README runs it (target/webex-event-router, from the checkout: its application.properties and
# routes/), a fresh DATA_DIR, FORWARD_URL set; the Webex side and the destination are lib/SoakWebex.java, the load
# lib/SoakLoad.java (open model, each ack's latency from its scheduled send time). Every INTERVAL s: the service's
# RSS (ps -o rss), threads (/proc/<pid>/status), readiness, queue depths; the ack latency of every interval. At the
# end: each acknowledged event answered once and forwarded at least once, in its room's order; the slopes of RSS,
# threads and ack p99 over the second half. Writes bench/results/soak-<UTC time>/: results.md, results.json,
# intervals.md (one row per interval), and the raw files (samples.tsv, load/webex outcomes, logs).
# Knobs (environment): MINUTES (30) RATE (300 events/s) ROOMS (256) INTERVAL (10 s) CYCLE (600 s)
#   FAULTS ("5xx@120+20 429@300+30 outage@420+60": kind@start+seconds in a 600-s cycle, scaled to CYCLE)
#   MAX_DRAIN (600 s: the longest wait after the load for the last replies and deliveries) PORT_BASE (19100)
#   JAVA_OPTS / SERVICE_ENV (the service's JVM options, added by the launcher after its own, and environment: none by default,
#   the launcher's choices) HELPER_JAVA_OPTS (the load's and the Webex side's JVMs)
# Run it on a quiet machine: machine.env records the load average before and after.
{ # bash reads this group whole before it runs it: editing soak.sh during a run cannot change that run
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
LIB=$HERE/lib
case "${1:-}" in -h|--help) sed -n '2,/^{/p' "$0" | sed '$d'; exit 0 ;; esac
: "${MINUTES:=30}" "${RATE:=300}" "${ROOMS:=256}" "${INTERVAL:=10}" "${CYCLE:=600}" "${MAX_DRAIN:=600}" "${PORT_BASE:=19100}"
: "${FAULTS:=5xx@120+20 429@300+30 outage@420+60}"
: "${JAVA_OPTS=}" "${SERVICE_ENV=}"
# the helpers: small and steady (C1, serial collector), so they take little of the cores the service is measured on
: "${HELPER_JAVA_OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m}"
SECRET=soak-webhook-secret
TOKEN=soak-bot-token
NS=0x60                                   # the events' id namespace (FixedRate.messageUuid)
SVC_PORT=$((PORT_BASE + 6)); MGMT_PORT=$((PORT_BASE + 876)); API_PORT=$((PORT_BASE + 30)); SINK_PORT=$((PORT_BASE + 40))
LAUNCHER=$ROOT/target/webex-event-router
JAR=$ROOT/target/webex-event-router.jar
SECONDS_LOAD=$((MINUTES * 60))
EVENTS=$(awk -v r="$RATE" -v s="$SECONDS_LOAD" 'BEGIN{printf "%d", r * s}')
# the schedule, scaled from its 600-s cycle to CYCLE
SCHEDULE=$(echo "$FAULTS" | tr ' ' '\n' | awk -F'[@+]' -v c="$CYCLE" 'NF == 3 {printf "%s@%d+%d ", $1, $2 * c / 600, ($3 * c / 600 < 1 ? 1 : $3 * c / 600)}')
OUT=${OUT:-$HERE/results/soak-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/classes"
STARTED=()
DATA=""

log() { printf '[soak %s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
stop_pid() { # pid [signal]: stop one process this script started, wait up to 30 s
  local pid=$1 sig=${2:-TERM} i
  kill -"$sig" "$pid" 2>/dev/null || return 0
  for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() { local p; for p in "${STARTED[@]}"; do stop_pid "$p"; done; [ -z "$DATA" ] || rm -rf "$DATA"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
cpu_secs() { # pid: user+system CPU seconds so far
  awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat" 2>/dev/null || echo 0
}

if [ ! -x "$LAUNCHER" ]; then
  log "building the jar and its launcher"
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi
for port in $SVC_PORT $MGMT_PORT $API_PORT $SINK_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "soak: port $port is in use (set PORT_BASE)" >&2; exit 1; fi
done
javac -d "$OUT/classes" -cp "$JAR" "$LIB/FixedRate.java" "$LIB/SoakWebex.java" "$LIB/SoakLoad.java"
CP="$JAR:$OUT/classes"     # Vert.x and HdrHistogram come from the service's own jar

{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$(nproc)"
  echo "mem_total=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "jdk=$(java -version 2>&1 | head -1)"
  echo "git=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null)$(cd "$ROOT" && git diff --quiet HEAD -- src routes application.properties 2>/dev/null || echo '+dirty')"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "minutes=$MINUTES"
  echo "rate=$RATE"
  echo "rooms=$ROOMS"
  echo "interval=$INTERVAL"
  echo "cycle=$CYCLE"
  echo "schedule=$SCHEDULE"
  echo "java_opts=$JAVA_OPTS"
  echo "service_env=$SERVICE_ENV"
  echo "helper_java_opts=$HELPER_JAVA_OPTS"
} > "$OUT/machine.env"
ps -eo pcpu,comm --sort=-pcpu | head -8 > "$OUT/busy-at-start.txt"

# ---- the Webex side and the destination --------------------------------------------------------------------------
# shellcheck disable=SC2086
java $HELPER_JAVA_OPTS -cp "$CP" SoakWebex "$API_PORT" "$SINK_PORT" "$TOKEN" "$EVENTS" "$ROOMS" "$NS" "$CYCLE" \
  "$SCHEDULE" "$OUT/webex-outcome.txt" > "$OUT/webex.log" 2>&1 &
WEBEX_PID=$!
STARTED+=("$WEBEX_PID")
for _ in $(seq 300); do grep -q '^SOAKWEBEX ready' "$OUT/webex.log" && break; sleep 0.1; done
grep -q '^SOAKWEBEX ready' "$OUT/webex.log" || { log "the Webex side did not start"; cat "$OUT/webex.log" >&2; exit 1; }
API=http://127.0.0.1:$API_PORT
log "Webex side on $API/v1, destination on http://127.0.0.1:$SINK_PORT/events, faults: $SCHEDULE(every $CYCLE s)"

# ---- the service, as the README runs it ---------------------------------------------------------------------------
DATA=$(mktemp -d "${TMPDIR:-/tmp}/wbxt-soak-data.XXXXXX")
MGMT=http://127.0.0.1:$MGMT_PORT
# shellcheck disable=SC2086
res=$(python3 "$LIB/start_and_wait.py" --url "$MGMT/observe/health/ready" --status 200 --log "$OUT/service.log" \
  --cwd "$ROOT" -- env WEBEX_BOT_TOKEN="$TOKEN" WEBEX_API_URL="$API/v1" WEBEX_WEBHOOK_SECRET="$SECRET" DATA_DIR="$DATA" \
  SERVER_PORT="$SVC_PORT" MANAGEMENT_PORT="$MGMT_PORT" FORWARD_URL="http://127.0.0.1:$SINK_PORT/events" \
  JAVA_OPTS="$JAVA_OPTS" $SERVICE_ENV "$LAUNCHER") || { log "the service did not start: $res"; tail -30 "$OUT/service.log" >&2; exit 1; }
SVC_PID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$res")
STARTED=("$SVC_PID" "${STARTED[@]}")
log "service ready after $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ready_ms"])' "$res") ms (pid $SVC_PID): $(grep -m1 -o 'JVM .*' "$OUT/service.log" | cut -c1-240)"

# ---- every INTERVAL s: the service's RSS, threads, readiness, queues; the Webex side's counts -------------------
metric() { # text name-with-labels: its value, or - (a dead-letter queue's gauge exists once it had a letter)
  awk -v k="$2" 'index($0, k) == 1 {v = $NF; exit} END {print v == "" ? "-" : v}' <<< "$1"
}
sampler() {
  local t next m c
  echo "epoch_ms rss_kb threads ready events_depth forward_depth events_dlq forward_dlq webex_available dead_lettered replied delivered" > "$OUT/samples.tsv"
  next=$(date +%s%3N)
  while kill -0 "$SVC_PID" 2>/dev/null; do
    t=$(date +%s%3N)
    m=$(curl -s -m 5 "$MGMT/observe/metrics" || true)
    c=$(curl -s -m 5 "$API/soak/counts" || true)
    echo "$t $(ps -o rss= -p "$SVC_PID" | tr -d ' ' || echo -) $(awk '/^Threads:/ {print $2}' "/proc/$SVC_PID/status" 2>/dev/null || echo -)" \
      "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$MGMT/observe/health/ready" || true)" \
      "$(metric "$m" 'wbxt_queue_depth{queue="wbxt.events"}')" "$(metric "$m" 'wbxt_queue_depth{queue="wbxt.forward.default"}')" \
      "$(metric "$m" 'wbxt_queue_depth{queue="wbxt.events.dlq"}')" "$(metric "$m" 'wbxt_queue_depth{queue="wbxt.forward.default.dlq"}')" \
      "$(metric "$m" 'wbxt_webex_available')" "$(awk '/^wbxt_events_dead_lettered_total/ {s += $NF} END {print s + 0}' <<< "$m")" \
      "$(sed -n 's/.*"replied":\([0-9]*\).*/\1/p' <<< "$c" | grep . || echo -)" \
      "$(sed -n 's/.*"delivered":\([0-9]*\).*/\1/p' <<< "$c" | grep . || echo -)" >> "$OUT/samples.tsv"
    next=$((next + INTERVAL * 1000))
    # (the parentheses: in awk's printf a bare > is an output redirection)
    sleep "$(awk -v n="$next" -v t="$(date +%s%3N)" 'BEGIN{d = (n - t) / 1000; printf "%.3f", (d > 0 ? d : 0)}')"
  done
}
sampler &
STARTED+=("$!")

# ---- the load -----------------------------------------------------------------------------------------------------
T0=$(( $(date +%s%3N) + 3000 ))          # the first scheduled send; the faults' clock starts with it
curl -s -X POST "$API/soak/start?t0=$T0" > /dev/null
echo "t0=$T0" >> "$OUT/machine.env"
c_svc0=$(cpu_secs "$SVC_PID"); c_web0=$(cpu_secs "$WEBEX_PID")
log "load: $RATE/s for $MINUTES min over $ROOMS rooms from $(date -d "@$((T0 / 1000))" +%H:%M:%S)"
# shellcheck disable=SC2086
java $HELPER_JAVA_OPTS -cp "$CP" SoakLoad "http://127.0.0.1:$SVC_PORT/api/v1/wbxt/events" "$SECRET" "$RATE" \
  "$SECONDS_LOAD" "$NS" "$ROOMS" "$T0" "$INTERVAL" "$OUT/load-outcome.txt" > "$OUT/load.txt" 2>&1 &
LOAD_PID=$!
STARTED+=("$LOAD_PID")
wait "$LOAD_PID" || true
sed -n 's/^SOAKJSON //p' "$OUT/load.txt" > "$OUT/load.json"
[ -s "$OUT/load.json" ] || { log "the load produced no summary"; tail -20 "$OUT/load.txt" >&2; exit 1; }
log "load done: $(cat "$OUT/load.json")"

# ---- the drain: until every acknowledged event is answered and delivered, or no progress for 330 s (longer than a
# destination's longest retry delay, 300 s), or MAX_DRAIN s -----------------------------------------------------
ACKED=$(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$OUT/load.json")
t_end=$SECONDS; last=""; still=$SECONDS
while :; do
  c=$(curl -s -m 5 "$API/soak/counts" || true)
  replied=$(sed -n 's/.*"replied":\([0-9]*\).*/\1/p' <<< "$c"); delivered=$(sed -n 's/.*"delivered":\([0-9]*\).*/\1/p' <<< "$c")
  [ "${replied:-0}" -ge "$ACKED" ] && [ "${delivered:-0}" -ge "$ACKED" ] && break
  [ "$replied $delivered" != "$last" ] && { last="$replied $delivered"; still=$SECONDS; }
  [ $((SECONDS - still)) -ge 330 ] && { log "no progress for 330 s: $replied replied, $delivered delivered of $ACKED"; break; }
  [ $((SECONDS - t_end)) -ge "$MAX_DRAIN" ] && { log "drain cut after $MAX_DRAIN s: $replied replied, $delivered delivered of $ACKED"; break; }
  sleep 1
done
log "drained in $((SECONDS - t_end)) s: $(curl -s -m 5 "$API/soak/counts")"
echo "{\"drain_s\": $((SECONDS - t_end)), \"service_cpu_s\": $(awk -v a="$c_svc0" -v b="$(cpu_secs "$SVC_PID")" 'BEGIN{print b-a}'), \"webex_cpu_s\": $(awk -v a="$c_web0" -v b="$(cpu_secs "$WEBEX_PID")" 'BEGIN{print b-a}')}" > "$OUT/drain.json"
curl -s -m 5 "$API/soak/counts" > "$OUT/webex-counts.json"
curl -s -m 60 -X POST "$API/soak/dump" > /dev/null
sleep "$INTERVAL"                         # one more sample after the drain

# ---- stop -----------------------------------------------------------------------------------------------------------
t0s=$(date +%s%N)
kill -TERM "$SVC_PID"; for _ in $(seq 600); do kill -0 "$SVC_PID" 2>/dev/null || break; sleep 0.1; done
echo "{\"stop_s\": $(awk -v a="$t0s" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b - a) / 1e9}')}" > "$OUT/stop.json"
stop_pid "$SVC_PID"
stop_pid "$WEBEX_PID"
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.env"
grep -c -E '"level":"ERROR"| ERROR ' "$OUT/service.log" > "$OUT/service-errors.txt" || true
python3 "$LIB/soak_report.py" "$OUT" > "$OUT/results.md"
cat "$OUT/results.md"
log "all files in $OUT"
exit 0
}
