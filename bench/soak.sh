#!/usr/bin/env bash
# The soak of webex-event-router (issue 21, item 7; bench/README.md "Soak"; BENCHMARKS.md "Soak"):
#   bench/soak.sh                        30 minutes at 150/s (about a third of the capacity with a destination), Webex
#                                        and the downstream system failing on a schedule that repeats every 10 minutes
#   MINUTES=5 CYCLE=300 bench/soak.sh    a short one: the same schedule compressed into 5 minutes (checks the script)
# The service as the README runs it (target/webex-event-router, from the checkout: its application.properties and
# routes/), a fresh DATA_DIR, FORWARD_URL set; the Webex side and the destination are lib/SoakWebex.java, the load
# lib/SoakLoad.java (open model, each ack's latency from its scheduled send time). Every INTERVAL s: the service's
# RSS (ps -o rss), threads (/proc/<pid>/status), readiness, queue depths; the ack latency of every interval. At the
# end: each acknowledged event answered once and forwarded at least once, in its room's order; the slopes of RSS,
# threads and ack p99 over the second half. Writes bench/results/soak-<UTC time>/: results.md, results.json,
# intervals.md (one row per interval), and the raw files (samples.tsv, load/webex outcomes, logs).
# Knobs (environment): MINUTES (30) RATE (150 events/s) ROOMS (256) INTERVAL (10 s) CYCLE (600 s)
#   FAULTS ("5xx@120+20 429@300+30 outage@420+60": kind@start+seconds in a 600-s cycle, scaled to CYCLE)
#   MAX_DRAIN (600 s: the longest wait after the load for the last replies and deliveries) PORT_BASE (19100)
#   INSTANCES (1: how many service JVMs; more than one share a standalone Artemis 2.44.0, event i sent to instance
#   i mod n as a round-robin balancer would) EXTERNAL_BROKER (0; 1: that standalone broker for one instance too,
#   `artemis create` with the README's settings, from target/apache-artemis-2.44.0, which `mvn verify` unpacks)
#   PROFILE (0; 1: JFR on each instance from the first send to the last delivery, and bench/run.sh's CPU budget per
#   stage of it: budget-<k>.md)
#   JAVA_OPTS / SERVICE_ENV (the service's JVM options, added by the launcher after its own, and environment: none by default,
#   the launcher's choices) HELPER_JAVA_OPTS (the load's and the Webex side's JVMs)
# Run it on a quiet machine: machine.env records the load average before and after.
{ # bash reads this group whole before it runs it: editing soak.sh during a run cannot change that run
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
LIB=$HERE/lib
case "${1:-}" in -h|--help) sed -n '2,/^{/p' "$0" | sed '$d'; exit 0 ;; esac
: "${MINUTES:=30}" "${RATE:=150}" "${ROOMS:=256}" "${INTERVAL:=10}" "${CYCLE:=600}" "${MAX_DRAIN:=600}" "${PORT_BASE:=19100}"
: "${FAULTS:=5xx@120+20 429@300+30 outage@420+60}"
: "${INSTANCES:=1}" "${EXTERNAL_BROKER:=0}" "${PROFILE:=0}"
[ "$INSTANCES" -gt 1 ] && EXTERNAL_BROKER=1
: "${JAVA_OPTS=}" "${SERVICE_ENV=}"
# the helpers: small and steady (C1, serial collector), so they take little of the cores the service is measured on
: "${HELPER_JAVA_OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m}"
SECRET=soak-webhook-secret
TOKEN=soak-bot-token
NS=0x60                                   # the events' id namespace (FixedRate.messageUuid)
SVC_PORT=$((PORT_BASE + 6)); MGMT_PORT=$((PORT_BASE + 876)); API_PORT=$((PORT_BASE + 30)); SINK_PORT=$((PORT_BASE + 40))
BROKER_PORT=$((PORT_BASE + 61))           # instance k (0, 1...) listens on SVC_PORT + k and MGMT_PORT + k
ARTEMIS_HOME=$ROOT/target/apache-artemis-2.44.0
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
PORTS="$API_PORT $SINK_PORT $BROKER_PORT"
for k in $(seq 0 $((INSTANCES - 1))); do PORTS="$PORTS $((SVC_PORT + k)) $((MGMT_PORT + k))"; done
if [ "$EXTERNAL_BROKER" = 1 ] && [ ! -x "$ARTEMIS_HOME/bin/artemis" ]; then
  echo "soak: $ARTEMIS_HOME/bin/artemis is missing: \`mvn verify\` (or \`mvn -DskipTests pre-integration-test\`) unpacks it" >&2; exit 1
fi
for port in $PORTS; do
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
  echo "instances=$INSTANCES"
  echo "external_broker=$EXTERNAL_BROKER"
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

# ---- the broker (EXTERNAL_BROKER=1): Artemis as the README's production section sets it up --------------------------
DATA=$(mktemp -d "${TMPDIR:-/tmp}/wbxt-soak-data.XXXXXX")
BROKER_ENV=""
BROKER_PID=""
if [ "$EXTERNAL_BROKER" = 1 ]; then
  BROKER_PASSWORD=soak-broker-$RANDOM$RANDOM
  "$ARTEMIS_HOME/bin/artemis" create "$DATA/broker" --user wbxt --password "$BROKER_PASSWORD" --require-login --silent \
    --no-web --nio --no-autotune --host 127.0.0.1 --default-port "$BROKER_PORT" --no-amqp-acceptor --no-mqtt-acceptor \
    --no-stomp-acceptor --no-hornetq-acceptor > "$OUT/broker-create.log" 2>&1
  # README "What the external broker must be configured with": no delivery limit, no redelivery delay, a disk rule in bytes
  sed -i -e 's#<max-disk-usage>90</max-disk-usage>#<max-disk-usage>-1</max-disk-usage><min-disk-free>256MB</min-disk-free>#' \
    -e 's#<redelivery-delay>0</redelivery-delay>#<redelivery-delay>0</redelivery-delay><max-delivery-attempts>-1</max-delivery-attempts>#' \
    "$DATA/broker/etc/broker.xml"
  "$DATA/broker/bin/artemis" run > "$OUT/broker.log" 2>&1 &
  BROKER_PID=$!
  STARTED+=("$BROKER_PID")
  for _ in $(seq 1200); do grep -q AMQ221007 "$OUT/broker.log" && break; sleep 0.1; done
  grep -q AMQ221007 "$OUT/broker.log" || { log "the broker did not start"; tail -20 "$OUT/broker.log" >&2; exit 1; }
  BROKER_ENV="BROKER_URL=tcp://127.0.0.1:$BROKER_PORT BROKER_USERNAME=wbxt BROKER_PASSWORD=$BROKER_PASSWORD"
  log "standalone Artemis on tcp://127.0.0.1:$BROKER_PORT (pid $BROKER_PID)"
fi

# ---- the service, as the README runs it (INSTANCES of it) ---------------------------------------------------------
SVC_PIDS=(); URLS=""
for k in $(seq 0 $((INSTANCES - 1))); do
  log_k=$OUT/service.log; [ "$k" = 0 ] || log_k=$OUT/service-$k.log
  mkdir -p "$DATA/service-$k"
  # shellcheck disable=SC2086
  res=$(python3 "$LIB/start_and_wait.py" --url "http://127.0.0.1:$((MGMT_PORT + k))/observe/health/ready" --status 200 \
    --log "$log_k" --cwd "$ROOT" -- env WEBEX_BOT_TOKEN="$TOKEN" WEBEX_API_URL="$API/v1" WEBEX_WEBHOOK_SECRET="$SECRET" \
    DATA_DIR="$DATA/service-$k" SERVER_PORT="$((SVC_PORT + k))" MANAGEMENT_PORT="$((MGMT_PORT + k))" \
    FORWARD_URL="http://127.0.0.1:$SINK_PORT/events" $BROKER_ENV JAVA_OPTS="$JAVA_OPTS" $SERVICE_ENV "$LAUNCHER") \
    || { log "the service did not start: $res"; tail -30 "$log_k" >&2; exit 1; }
  pid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$res")
  SVC_PIDS+=("$pid")
  STARTED=("$pid" "${STARTED[@]}")
  URLS="$URLS${URLS:+,}http://127.0.0.1:$((SVC_PORT + k))/api/v1/wbxt/events"
  log "service $k ready after $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ready_ms"])' "$res") ms (pid $pid): $(grep -m1 -o 'JVM .*' "$log_k" | cut -c1-240)"
done
SVC_PID=${SVC_PIDS[0]}                    # the samples' RSS, threads, readiness and metrics are the first instance's
MGMT=http://127.0.0.1:$MGMT_PORT

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
    # the threads by name (/proc: no safepoint; 15 characters), every number made N, so a pool is one name
    echo "$t $(cat /proc/"$SVC_PID"/task/*/comm 2>/dev/null | sed -E 's/[0-9]+/N/g' | sort | uniq -c \
      | awk '{n = $1; $1 = ""; sub(/^ /, ""); gsub(/ /, "_"); printf "%s=%d ", $0, n}')" >> "$OUT/threads-by-name.txt"
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
cpu_all() { local p; for p in "${SVC_PIDS[@]}"; do printf '%s ' "$(cpu_secs "$p")"; done; }
profile() { # start|stop: JFR and the per-thread CPU snapshots of each instance (PROFILE=1)
  local k
  [ "$PROFILE" = 1 ] || return 0
  for k in "${!SVC_PIDS[@]}"; do
    if [ "$1" = start ]; then
      python3 "$LIB/jfr_top.py" --snapshot "${SVC_PIDS[$k]}" > "$OUT/threads-$k-0.json"
      jcmd "${SVC_PIDS[$k]}" JFR.start name=soak settings=profile > /dev/null
    else
      jcmd "${SVC_PIDS[$k]}" JFR.stop name=soak filename="$OUT/service-$k.jfr" > /dev/null
      python3 "$LIB/jfr_top.py" --snapshot "${SVC_PIDS[$k]}" > "$OUT/threads-$k-1.json"
    fi
  done
}
profile start
c_svc0=$(cpu_all); c_web0=$(cpu_secs "$WEBEX_PID"); c_broker0=$([ -z "$BROKER_PID" ] || cpu_secs "$BROKER_PID")
log "load: $RATE/s for $MINUTES min over $ROOMS rooms from $(date -d "@$((T0 / 1000))" +%H:%M:%S)"
# shellcheck disable=SC2086
java $HELPER_JAVA_OPTS -cp "$CP" SoakLoad "$URLS" "$SECRET" "$RATE" \
  "$SECONDS_LOAD" "$NS" "$ROOMS" "$T0" "$INTERVAL" "$OUT/load-outcome.txt" > "$OUT/load.txt" 2>&1 &
LOAD_PID=$!
STARTED+=("$LOAD_PID")
wait "$LOAD_PID" || true
sed -n 's/^SOAKJSON //p' "$OUT/load.txt" > "$OUT/load.json"
[ -s "$OUT/load.json" ] || { log "the load produced no summary"; tail -20 "$OUT/load.txt" >&2; exit 1; }
log "load done: $(cat "$OUT/load.json")"
# the threads by their full names once, the load over (one safepoint): /proc keeps 15 characters, and Artemis' pools
# (the broker's, its clients' global one, the scheduled ones) all begin "Thread-N (Acti"
for k in "${!SVC_PIDS[@]}"; do
  jcmd "${SVC_PIDS[$k]}" Thread.print 2>/dev/null | sed -n 's/^"\([^"]*\)".*/\1/p' | sed -E 's/[0-9]+/N/g' | sort | uniq -c \
    | sort -rn > "$OUT/threads-full-$k.txt" || true
done

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
profile stop
# CPU seconds over the load and the drain: the service (the sum of its instances, and each), the broker, the Webex side
read -r -a c_svc1 <<< "$(cpu_all)"; read -r -a c_svc0 <<< "$c_svc0"
cpu_list=$(for k in "${!c_svc1[@]}"; do echo "${c_svc0[$k]} ${c_svc1[$k]}"; done | awk '{d = $2 - $1; s += d; printf "%s%.2f", (NR > 1 ? ", " : ""), d} END {printf "|%.2f", s}')
echo "{\"drain_s\": $((SECONDS - t_end)), \"service_cpu_s\": ${cpu_list#*|}, \"instances_cpu_s\": [${cpu_list%|*}], \"broker_cpu_s\": $([ -z "$BROKER_PID" ] && echo null || awk -v a="$c_broker0" -v b="$(cpu_secs "$BROKER_PID")" 'BEGIN{printf "%.2f", b-a}'), \"webex_cpu_s\": $(awk -v a="$c_web0" -v b="$(cpu_secs "$WEBEX_PID")" 'BEGIN{print b-a}')}" > "$OUT/drain.json"
curl -s -m 5 "$API/soak/counts" > "$OUT/webex-counts.json"
curl -s -m 60 -X POST "$API/soak/dump" > /dev/null
sleep "$INTERVAL"                         # one more sample after the drain

# ---- stop -----------------------------------------------------------------------------------------------------------
t0s=$(date +%s%N)
kill -TERM "${SVC_PIDS[@]}"; for _ in $(seq 600); do kill -0 "$SVC_PID" 2>/dev/null || break; sleep 0.1; done
echo "{\"stop_s\": $(awk -v a="$t0s" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b - a) / 1e9}')}" > "$OUT/stop.json"
for p in "${SVC_PIDS[@]}"; do stop_pid "$p"; done
[ -z "$BROKER_PID" ] || stop_pid "$BROKER_PID"
stop_pid "$WEBEX_PID"
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.env"
grep -c -E '"level":"ERROR"| ERROR ' "$OUT/service.log" > "$OUT/service-errors.txt" || true
if [ "$PROFILE" = 1 ]; then # each instance's events: its share of the acknowledged ones (event i went to instance i mod n)
  for k in "${!SVC_PIDS[@]}"; do
    n=$(awk -v k="$k" -v n="$INSTANCES" '$1 % n == k && int($2 / 100) == 2 {c++} END {print c + 0}' "$OUT/load-outcome.txt")
    python3 "$LIB/jfr_top.py" "$OUT/service-$k.jfr" 25 --budget --before "$OUT/threads-$k-0.json" \
      --after "$OUT/threads-$k-1.json" --acked "$n" --processed "$n" > "$OUT/budget-$k.md" || log "no budget for instance $k"
  done
fi
python3 "$LIB/soak_report.py" "$OUT" > "$OUT/results.md"
cat "$OUT/results.md"
log "all files in $OUT"
exit 0
}
