#!/usr/bin/env bash
# The benchmark of webex-event-router, in one command (see bench/README.md):
#   bench/run.sh            full run (about 10-15 minutes)
#   bench/run.sh --quick    short run to check the harness (about 5 minutes; figures are indicative only)
#   bench/run.sh --soak 10  also a soak of 10 minutes at SOAK_RATE/s, RSS sampled every 10 s
# Installs what it needs with apt-get (as root), builds the jar if it is missing, and writes everything into
# bench/results/<UTC time>/ (results.md is the table; results.json the figures; profile.md the CPU budget per
# stage and the JFR profile; logs beside them).
# Knobs (environment): DURATION WARMUP CONNS THREADS RATE LAT_SECONDS STARTS BODIES SOAK_RATE PORT_BASE
#   SERVICE_JVM (default: the README's command, target/webex-event-router, with no options added; c1: -XX:TieredStopAtLevel=1; small: the old README's options
#   for a small machine) or JAVA_OPTS / SERVICE_ENV themselves (the service's JVM options and environment)
#   ANCHOR_JAVA_OPTS (the raw Vert.x receiver's and echo bot's) ROOMS (rooms of the webhooks, 256)
#   ONE_ROOM_SECONDS (the service's one-room end-to-end phase, 0: none) FLASK_WORKERS FLASK_THREADS (gunicorn gthread)
#   MAX_DRAIN (longest wait, in s, for the service's backlog to be replied before the next phase)
#   SERVICE_WARMUP WARM_RATE (the service's JIT warm-up: WARM_RATE/s for SERVICE_WARMUP s before it is measured)
#   BEFORE (a git revision: its service is measured first, in the same run, for a before/after table)
#   LOW_RATE (a second ack-latency phase at a rate the service keeps up with, 100/s)
#   FRESH_DELAY FRESH_SECONDS (a fresh instance: RATE/s from FRESH_DELAY s after healthy, FRESH_SECONDS s recorded)
{ # bash reads this group whole before it runs it: editing run.sh during a run cannot change that run
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
LIB=$HERE/lib
QUICK=0
SOAK_MIN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --soak) SOAK_MIN=${2:-10}; shift ;;
    -h|--help) sed -n '2,/^{/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then
  : "${DURATION:=5}" "${WARMUP:=3}" "${LAT_SECONDS:=5}" "${STARTS:=1}" "${BODIES:=40000}" "${SERVICE_WARMUP:=10}"
else
  : "${DURATION:=30}" "${WARMUP:=10}" "${LAT_SECONDS:=30}" "${STARTS:=3}" "${BODIES:=300000}" "${SERVICE_WARMUP:=60}"
fi
: "${CONNS:=64}" "${THREADS:=2}" "${RATE:=1000}" "${LOW_RATE:=100}" "${SOAK_RATE:=200}" "${PORT_BASE:=19000}" "${MAX_DRAIN:=300}" "${WARM_RATE:=300}"
: "${FRESH_DELAY:=5}" "${FRESH_SECONDS:=10}"   # the fresh instance's phase: from 5 s after healthy, 10 s recorded
: "${ROOMS:=256}"                          # the service processes a room's events in order, rooms in parallel
: "${ONE_ROOM_SECONDS:=$(( DURATION / 3 > 5 ? DURATION / 3 : 5 ))}"  # every webhook in one room: one lane
: "${FLASK_WORKERS:=2}" "${FLASK_THREADS:=8}"  # the Flask bot at its best: gunicorn's threaded worker
# The service's JVM: by default what the README's command runs (the launcher's choices; java -jar where it has none).
: "${SERVICE_JVM:=default}"
case "$SERVICE_JVM" in
  default) jvm_opts=""; jvm_env="" ;;
  c1) jvm_opts="-XX:TieredStopAtLevel=1"; jvm_env="" ;;      # C1 only, to compare with C2 (BENCHMARKS.md)
  small) jvm_opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m"; jvm_env="MALLOC_ARENA_MAX=2" ;;  # README
  *) echo "bench: SERVICE_JVM is default, c1 or small" >&2; exit 2 ;;
esac
: "${JAVA_OPTS=$jvm_opts}" "${SERVICE_ENV=$jvm_env}"  # when set, even empty, they win over SERVICE_JVM
: "${ANCHOR_JAVA_OPTS=}"   # the JVM anchors run on the JVM's defaults (C2 included): their best
# Read only while JFR records (the CPU budget): Camel's deep stacks would lose their bottom frames (default 64).
JFR_OPTS="-XX:FlightRecorderOptions:stackdepth=256"
SECRET=bench-webhook-secret
SVC_PORT=$((PORT_BASE + 6)); MGMT_PORT=$((PORT_BASE + 876)); RAW_PORT=$((PORT_BASE + 10)); ECHO_PORT=$((PORT_BASE + 12)); FLASK_PORT=$((PORT_BASE + 20))
NGINX_PORT=$((PORT_BASE + 30))
PATH_EV=/api/v1/wbxt/events
JAR=$ROOT/target/webex-event-router.jar
PY=/usr/bin/python3        # Debian's python, where python3-flask and python3-requests are installed
OUT=${OUT:-$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
RES=$OUT                   # where the phase running now writes its figures ($OUT/before for BEFORE's service)
STARTED=()                 # pids this script started; stopped on exit, by pid

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
stop_pid() { # pid [signal]: stop one process this script started, wait up to 30 s
  local pid=$1 sig=${2:-TERM} i
  kill -"$sig" "$pid" 2>/dev/null || return 0
  for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
DATA_DIRS=()               # fresh DATA_DIRs of the service, removed on exit
cleanup() { local p; for p in "${STARTED[@]}"; do stop_pid "$p"; done; for p in "${DATA_DIRS[@]}"; do rm -rf "$p"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 0. what it needs ---------------------------------------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v gunicorn >/dev/null || need+=(gunicorn)
$PY -c 'import flask' 2>/dev/null || need+=(python3-flask)
$PY -c 'import requests' 2>/dev/null || need+=(python3-requests)
command -v jcmd >/dev/null && command -v jfr >/dev/null && command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "bench: needs root to apt-get install ${need[*]}" >&2; exit 1; }
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -s "$JAR" ]; then
  log "building the jar"
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi
if [ -n "${BEFORE:-}" ]; then
  log "building $BEFORE (the before) in $OUT/before-src"
  mkdir -p "$OUT/before-src"
  git -C "$ROOT" archive "$BEFORE" | tar -x -C "$OUT/before-src"
  (cd "$OUT/before-src" && mvn -B -q package -DskipTests)
fi
for port in $SVC_PORT $MGMT_PORT $RAW_PORT $ECHO_PORT $FLASK_PORT $NGINX_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "bench: port $port is in use (set PORT_BASE)" >&2; exit 1; fi
done
mkdir -p "$OUT/classes"
javac -d "$OUT/classes" -cp "$JAR" "$LIB/FixedRate.java" "$LIB/WebhookSignature.java" "$LIB/RawVertxReceiver.java" \
  "$LIB/RawVertxEchoBot.java" "$LIB/BrokerCeiling.java"
CP="$JAR:$OUT/classes"       # the service's own jar brings Vert.x, Jackson and HdrHistogram

# The machine, and how busy it is (other processes' CPU makes every absolute figure noisy)
{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$(nproc)"
  echo "mem_total=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "jdk=$(java -version 2>&1 | head -1)"
  echo "jvm=$(java -version 2>&1 | sed -n 3p)"
  echo "wrk=$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "nginx=$(nginx -v 2>&1)"
  echo "gunicorn=$(gunicorn --version 2>&1 | head -1)"
  echo "flask=$($PY -c 'import importlib.metadata as m; print(m.version("flask"))')"
  echo "git=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null)$(cd "$ROOT" && git diff --quiet HEAD -- src routes 2>/dev/null || echo '+dirty')"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "settings=DURATION=$DURATION WARMUP=$WARMUP SERVICE_WARMUP=$SERVICE_WARMUP@$WARM_RATE/s CONNS=$CONNS THREADS=$THREADS RATE=$RATE LOW_RATE=$LOW_RATE LAT_SECONDS=$LAT_SECONDS STARTS=$STARTS FRESH=${FRESH_SECONDS}s@${FRESH_DELAY}s BODIES=$BODIES ROOMS=$ROOMS ONE_ROOM_SECONDS=$ONE_ROOM_SECONDS SOAK_MIN=$SOAK_MIN SOAK_RATE=$SOAK_RATE FLASK_WORKERS=$FLASK_WORKERS FLASK_THREADS=$FLASK_THREADS ANCHOR_JAVA_OPTS=$ANCHOR_JAVA_OPTS"
  echo "before=${BEFORE:+$(cd "$ROOT" && git rev-parse --short "$BEFORE")}"
  echo "service_jvm=$SERVICE_JVM"
  echo "java_opts=$JAVA_OPTS"
  echo "service_env=$SERVICE_ENV"
} > "$OUT/machine.env"
ps -eo pcpu,comm --sort=-pcpu | head -8 > "$OUT/busy-at-start.txt"

log "generating $BODIES signed bodies (+ warm-up set)"
$PY "$LIB/gen_bodies.py" --secret "$SECRET" --count "$BODIES" --rooms "$ROOMS" --namespace 0x20 --out "$OUT/bodies.txt"
$PY "$LIB/gen_bodies.py" --secret "$SECRET" --count $((BODIES / 5)) --rooms "$ROOMS" --namespace 0x10 --out "$OUT/bodies-warm.txt"
$PY "$LIB/gen_bodies.py" --secret "$SECRET" --count "$BODIES" --rooms "$ROOMS" --namespace 0x22 --out "$OUT/bodies-jfr.txt"
if [ "$ONE_ROOM_SECONDS" != 0 ]; then
  $PY "$LIB/gen_bodies.py" --secret "$SECRET" --count "$BODIES" --rooms 1 --namespace 0x21 --out "$OUT/bodies-1room.txt"
fi

# ---- helpers ------------------------------------------------------------------------------------------------------
start_bg() { # name url status cwd cmd...: starts, waits until ready; sets BG_PID and BG_MS
  local name=$1 url=$2 status=$3 cwd=$4; shift 4
  local res
  res=$($PY "$LIB/start_and_wait.py" --url "$url" --status "$status" --log "$OUT/$name.log" --cwd "$cwd" -- "$@") || {
    log "$name did not start: $res"; tail -20 "$OUT/$name.log" >&2; exit 1; }
  BG_PID=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$res")
  BG_MS=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["ready_ms"])' "$res")
  STARTED+=("$BG_PID")
}
wrk_run() { # out-name seconds bodies-file url: closed loop, CONNS connections, full speed
  local name=$1 secs=$2 file=$3 url=$4
  wrk -t "$THREADS" -c "$CONNS" -d "${secs}s" --timeout 10s -s "$LIB/bodies.lua" "$url" -- "$file" "$THREADS" \
    > "$RES/$name.wrk.txt" 2>&1 || true
  sed -n 's/^WRKJSON //p' "$RES/$name.wrk.txt" > "$RES/$name.json"
  [ -s "$RES/$name.json" ] || { log "wrk produced no summary for $name"; cat "$RES/$name.wrk.txt" >&2; exit 1; }
  log "$name: $(cat "$RES/$name.json")"
}
fixed_run() { # out-name rate seconds namespace url [warm-up s]: open model, latency from the scheduled send time
  java -Xmx768m -cp "$CP" FixedRate "$5" "$SECRET" "$2" "$3" "$4" "$ROOMS" "${6:-$WARMUP}" > "$RES/$1.fixed.txt" 2>&1 || true
  sed -n 's/^FIXEDJSON //p' "$RES/$1.fixed.txt" > "$RES/$1.json"
  [ -s "$RES/$1.json" ] || { log "FixedRate produced no summary for $1"; cat "$RES/$1.fixed.txt" >&2; exit 1; }
  log "$1: $(cat "$RES/$1.json")"
}
accepted() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["requests"]-d["non2xx"])' "$1"; }
replies() { [ -f "$OUT/nginx/replies.log" ] && wc -l < "$OUT/nginx/replies.log" || echo 0; }
wait_replies() { # target: until the stand-in has counted that many replies, no progress for 30 s, or MAX_DRAIN s
  local target=$1 last=-1 still=0 now t0=$SECONDS
  while :; do
    now=$(replies)
    [ "$now" -ge "$target" ] && return 0
    [ $((SECONDS - t0)) -ge "$MAX_DRAIN" ] && { log "drain cut after $MAX_DRAIN s: $now of $target replies"; return 1; }
    if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; last=$now; fi
    [ "$still" -ge 60 ] && { log "replies stuck at $now of $target"; return 1; }
    sleep 0.5
  done
}
cpu_secs() { # pids...: user+system CPU seconds so far
  local tck; tck=$(getconf CLK_TCK)
  for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null; done | awk -v t="$tck" '{s += $14 + $15} END {printf "%.2f", s / t}'
}
rss_sampler() { # pid interval file: "epoch rss_kb" lines until the process ends; sets SAMPLER_PID
  ( while kill -0 "$1" 2>/dev/null; do echo "$(date +%s) $(ps -o rss= -p "$1" | tr -d ' ')"; sleep "$2"; done ) > "$3" &
  SAMPLER_PID=$!
  STARTED+=("$SAMPLER_PID")
}
now() { date +%s.%N; }
e2e_json() { # name from-line wrk-name load-end: replies/s counted at the stand-in, from its own timestamps
  # replies_per_s: while the webhooks arrived (the wrk run's last <its duration> s, after it read its bodies);
  # with_drain: from the first to the last reply
  $PY - "$OUT/nginx/replies.log" "$2" "$RES/$3.json" "$4" > "$RES/$1.json" <<'EOF'
import json, sys
ts = [float(l) for l in open(sys.argv[1]).read().split()[int(sys.argv[2]):]]
t1 = float(sys.argv[4])
t0 = t1 - json.load(open(sys.argv[3]))["seconds"]
n = len(ts)
span = ts[-1] - ts[0] if n > 1 else 0
during = sum(1 for t in ts if t0 <= t <= t1)
print(json.dumps({"replies_per_s": round(during / (t1 - t0), 1), "replies_during_load": during,
                  "load_seconds": round(t1 - t0, 3), "replies": n, "seconds": round(span, 3),
                  "replies_per_s_with_drain": round((n - 1) / span, 1) if span else None}))
EOF
  log "$1: $(cat "$RES/$1.json")"
}

# ---- 1. the Webex stand-in --------------------------------------------------------------------------------------
mkdir -p "$OUT/nginx"
sed -e "s#@PORT@#$NGINX_PORT#g" -e "s#@DIR@#$OUT/nginx#g" "$LIB/nginx.conf" > "$OUT/nginx/nginx.conf"
start_bg nginx "http://127.0.0.1:$NGINX_PORT/v1/people/me" 200 "$OUT/nginx" \
  nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf"
API=http://127.0.0.1:$NGINX_PORT/v1
log "stand-in on $API"

# ---- 2. anchor (a): raw Vert.x receiver -------------------------------------------------------------------------
start_bg raw-vertx "http://127.0.0.1:$RAW_PORT/" 0 "$ROOT" java $ANCHOR_JAVA_OPTS -cp "$CP" RawVertxReceiver "$RAW_PORT" "$SECRET"
RAW_PID=$BG_PID
wrk_run raw-warmup "$WARMUP" "$OUT/bodies-warm.txt" "http://127.0.0.1:$RAW_PORT$PATH_EV"
c0=$(cpu_secs "$RAW_PID")
wrk_run raw-ingest "$DURATION" "$OUT/bodies.txt" "http://127.0.0.1:$RAW_PORT$PATH_EV"
echo "{\"cpu_s\": $(awk -v a="$c0" -v b="$(cpu_secs "$RAW_PID")" 'BEGIN{print b-a}')}" > "$OUT/raw-cpu.json"
fixed_run raw-latency "$RATE" "$LAT_SECONDS" 0x31 "http://127.0.0.1:$RAW_PORT$PATH_EV"
echo "{\"rss_kb\": $(ps -o rss= -p "$RAW_PID" | tr -d ' ')}" > "$OUT/raw-rss.json"
stop_pid "$RAW_PID"

# ---- 2b. anchor (d): raw Vert.x echo bot, the end-to-end ceiling of a JVM bot ----------------------------------
start_bg echo-bot "http://127.0.0.1:$ECHO_PORT/" 0 "$ROOT" \
  java $ANCHOR_JAVA_OPTS -cp "$CP" RawVertxEchoBot "$ECHO_PORT" "$SECRET" "$API" bench
ECHO_PID=$BG_PID
wrk_run echo-warmup "$WARMUP" "$OUT/bodies-warm.txt" "http://127.0.0.1:$ECHO_PORT$PATH_EV"
r0=$(replies); c0=$(cpu_secs "$ECHO_PID")
wrk_run echo-ingest "$DURATION" "$OUT/bodies.txt" "http://127.0.0.1:$ECHO_PORT$PATH_EV"
t1=$(now)
echo "{\"cpu_s\": $(awk -v a="$c0" -v b="$(cpu_secs "$ECHO_PID")" 'BEGIN{print b-a}')}" > "$OUT/echo-cpu.json"
e2e_json echo-e2e "$r0" echo-ingest "$t1"
echo "{\"rss_kb\": $(ps -o rss= -p "$ECHO_PID" | tr -d ' ')}" > "$OUT/echo-rss.json"
stop_pid "$ECHO_PID"

# ---- 2c. anchor (c): the embedded broker alone, 20 senders (the receiver's Vert.x worker pool) -----------------
java $JAVA_OPTS -cp "$CP" BrokerCeiling 20 "$DURATION" "$WARMUP" > "$OUT/broker-ceiling.txt" 2>&1 || true
sed -n 's/^BROKERJSON //p' "$OUT/broker-ceiling.txt" > "$OUT/broker-ceiling.json"
log "broker alone: $(cat "$OUT/broker-ceiling.json")"

# ---- 3. the service ------------------------------------------------------------------------------------------------
SVC_URL=http://127.0.0.1:$SVC_PORT$PATH_EV
# The service as its README runs it, from its checkout (it reads ./application.properties and ./routes there): the
# launcher the package step writes (target/webex-event-router), or `java -jar` for a checkout that has none.
service_cmd() { # checkout: prints the command, one word per line
  if [ -x "$1/target/webex-event-router" ]; then echo "$1/target/webex-event-router"; else printf '%s\n' java -jar "$1/target/webex-event-router.jar"; fi
}
start_service() { # checkout [extra JVM options]
  local src=$1 data cmd; shift
  data=$(mktemp -d "${TMPDIR:-/tmp}/wbxt-bench-data.XXXXXX")
  DATA_DIRS+=("$data")
  mapfile -t cmd < <(service_cmd "$src")
  # The per-room reply limit (5/s, a Webex rule, not a limit of the service) is lifted for the benchmark: the
  # stand-in answers without limits, and the one-room phase would otherwise measure the limit. JAVA_OPTS (when set)
  # and JFR's stack depth reach the JVM through JDK_JAVA_OPTIONS, which the java launcher reads whatever runs it.
  # shellcheck disable=SC2086
  start_bg service "http://127.0.0.1:$MGMT_PORT/observe/health" 200 "$src" \
    env WEBEX_BOT_TOKEN=bench WEBEX_API_URL="$API" WEBEX_WEBHOOK_SECRET="$SECRET" DATA_DIR="$data" SERVER_PORT="$SVC_PORT" \
    MANAGEMENT_PORT="$MGMT_PORT" JDK_JAVA_OPTIONS="$JAVA_OPTS $JFR_OPTS $*" \
    PROCESSING_REPLIES_PER_ROOM_PER_SECOND=10000 $SERVICE_ENV "${cmd[@]}"
}
full_speed() { # name bodies profile(0|1): webhooks at full speed (wrk, CONNS connections), processing running, then
  # the backlog drains. Writes <name>-ingest.json, <name>-e2e.json, <name>-cpu.json; with profile 1 JFR records from
  # the first webhook to the last reply (<name>.jfr, <name>-threads-0/1.json), so that every event of the window is
  # both received and processed in it: the CPU budget per event covers the whole of each event.
  local n=$1 bodies=$2 prof=$3 r0 c0 t0 t1 t2 backlog drain
  r0=$(replies)
  c0=$(cpu_secs "$SVC_PID")
  if [ "$prof" = 1 ]; then
    $PY "$LIB/jfr_top.py" --snapshot "$SVC_PID" > "$R/$n-threads-0.json"
    jcmd "$SVC_PID" JFR.start name=bench settings=profile > /dev/null
  fi
  t0=$(now)
  wrk_run "$n-ingest" "$DURATION" "$bodies" "$SVC_URL"
  t1=$(now)
  backlog=$(( r0 + $(accepted "$R/$n-ingest.json") - $(replies) ))
  wait_replies $((r0 + $(accepted "$R/$n-ingest.json"))) || true
  t2=$(now)
  if [ "$prof" = 1 ]; then
    jcmd "$SVC_PID" JFR.stop name=bench filename="$R/$n.jfr" > /dev/null
    $PY "$LIB/jfr_top.py" --snapshot "$SVC_PID" > "$R/$n-threads-1.json"
  fi
  drain=$(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.1f", b-a}')
  echo "{\"cpu_s\": $(awk -v a="$c0" -v b="$(cpu_secs "$SVC_PID")" 'BEGIN{print b-a}'), \"backlog_at_end\": $backlog, \"drain_s\": $drain, \"replies_in_window\": $(( $(replies) - r0 )), \"window\": [$t0, $t2]}" > "$R/$n-cpu.json"
  e2e_json "$n-e2e" "$r0" "$n-ingest" "$t1"
}
service_phases() { # checkout results-dir: every phase of the service, its files written into results-dir
  local src=$1 R=$2 i
  mkdir -p "$R"
  RES=$R
  log "service of $src, results in $R"
  : > "$R/service-start.txt"
  for i in $(seq "$STARTS"); do
    start_service "$src"
    echo "$BG_MS" >> "$R/service-start.txt"
    log "service start $i: healthy after $BG_MS ms (pid $BG_PID)"
    stop_pid "$BG_PID"
  done

  # A fresh instance under load from the first seconds (a restart or a deploy under traffic): RATE/s offered from
  # FRESH_DELAY s after it is healthy, FRESH_SECONDS s recorded from the first request (no warm-up), latency from
  # each request's scheduled time; then its backlog drains and it stops. Its RSS is sampled every second.
  start_service "$src"
  local fresh_pid=$BG_PID
  echo "$BG_MS" > "$R/service-fresh-start.txt"
  rss_sampler "$fresh_pid" 1 "$R/service-fresh-rss.txt"
  local fresh_rss=$SAMPLER_PID
  r0=$(replies)
  # The generator starts now and warms its own JIT against a server of its own (FIXED_SELF_WARMUP), then sends
  # from FRESH_DELAY s after healthy: a cold generator lagged up to 390 ms in its first second, counted against
  # the service.
  export FIXED_SELF_WARMUP=3 FIXED_START_AT=$(( $(date +%s%3N) + FRESH_DELAY * 1000 ))
  fixed_run service-fresh "$RATE" "$FRESH_SECONDS" 0x50 "$SVC_URL" 0
  unset FIXED_SELF_WARMUP FIXED_START_AT
  wait_replies $((r0 + $(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$R/service-fresh.json"))) || true
  stop_pid "$fresh_rss"
  stop_pid "$fresh_pid"

  # The same with an application class-data archive written at exit by one start (AppCDS, JDK 17), mapped by the
  # next ones; the last one is measured below. (A launcher that maps an archive of its own already measured that.)
  : > "$R/service-start-cds.txt"
  if [ -f "$src/target/webex-event-router.jsa" ] && [ -x "$src/target/webex-event-router" ]; then
    # the launcher maps the archive the package step wrote: the starts above had it already (a second archive
    # cannot be written on top of it: "DynamicDumpSharedSpaces is unsupported when base CDS archive is not loaded")
    start_service "$src"
    SVC_PID=$BG_PID
    log "service start (the launcher's own class-data archive): healthy after $BG_MS ms (pid $SVC_PID)"
  else
    local cds=$R/service.jsa
    start_service "$src" "-XX:ArchiveClassesAtExit=$cds"
    stop_pid "$BG_PID"
    for i in $(seq "$STARTS"); do
      start_service "$src" "-XX:SharedArchiveFile=$cds"
      SVC_PID=$BG_PID
      echo "$BG_MS" >> "$R/service-start-cds.txt"
      log "service start $i with AppCDS: healthy after $BG_MS ms (pid $SVC_PID)"
      if [ "$i" -lt "$STARTS" ]; then stop_pid "$SVC_PID"; fi
    done
  fi
  rss_sampler "$SVC_PID" 1 "$R/service-rss.txt"
  local rss_pid=$SAMPLER_PID

  # JIT warm-up at a rate the service keeps up with, so that what follows measures compiled code, not the compiler
  r0=$(replies)
  fixed_run service-warmup "$WARM_RATE" "$SERVICE_WARMUP" 0x11 "$SVC_URL" 0
  wait_replies $((r0 + $(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$R/service-warmup.json"))) || true

  # Ingest and end to end at full speed; processing runs at the same time (as in production), then the backlog
  # drains: the headline figures (replies/s, acks/s) and the RSS under load, of the service as the README runs it.
  # The CPU budget per event is recorded in a second such phase at the end, with JFR (see full_speed).
  full_speed service "$OUT/bodies.txt" 0

  # One room: every webhook in the same room, which the service processes in order (one lane); then it drains
  if [ "$ONE_ROOM_SECONDS" != 0 ]; then
    r0=$(replies)
    wrk_run service-1room-ingest "$ONE_ROOM_SECONDS" "$OUT/bodies-1room.txt" "$SVC_URL"
    t1=$(now)
    wait_replies $((r0 + $(accepted "$R/service-1room-ingest.json"))) || true
    e2e_json service-1room-e2e "$r0" service-1room-ingest "$t1"
  fi

  # ack latency at a fixed offered rate (coordinated-omission-safe), then at LOW_RATE, a rate the service keeps up with
  r0=$(replies)
  fixed_run service-latency "$RATE" "$LAT_SECONDS" 0x30 "$SVC_URL"
  wait_replies $((r0 + $(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$R/service-latency.json") + RATE * WARMUP)) || true
  r0=$(replies)
  fixed_run service-latency-low "$LOW_RATE" "$LAT_SECONDS" 0x32 "$SVC_URL"
  wait_replies $((r0 + $(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$R/service-latency-low.json") + LOW_RATE * WARMUP)) || true

  if [ "$SOAK_MIN" != 0 ]; then
    log "soak: $SOAK_MIN min at $SOAK_RATE/s, RSS every 10 s"
    rss_sampler "$SVC_PID" 10 "$R/soak-rss.txt"
    local soak_sampler=$SAMPLER_PID
    r0=$(replies)
    fixed_run soak "$SOAK_RATE" $((SOAK_MIN * 60)) 0x40 "$SVC_URL"
    stop_pid "$soak_sampler"
    wait_replies $((r0 + $(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$R/soak.json") + SOAK_RATE * WARMUP)) || true
  fi
  # The RSS under load is read up to here: JFR's buffers, metadata and classes, which stay once loaded, added 27-30
  # MB (BENCHMARKS.md "The RSS without the profiler"), are the benchmark's, not the service's.
  stop_pid "$rss_pid"
  # The full-speed phase again, other webhooks (new ids: not duplicates), JFR recording from the first webhook to the
  # last reply: the CPU per event of that window and its budget per stage (profile.md); its RSS sampled apart.
  rss_sampler "$SVC_PID" 1 "$R/service-jfr-rss.txt"
  rss_pid=$SAMPLER_PID
  full_speed service-jfr "$OUT/bodies-jfr.txt" 1
  stop_pid "$rss_pid"
  t0=$(now)
  kill -TERM "$SVC_PID"; for _ in $(seq 600); do kill -0 "$SVC_PID" 2>/dev/null || break; sleep 0.1; done
  echo "{\"stop_s\": $(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}')}" > "$R/service-stop.json"
  stop_pid "$SVC_PID"
  cp "$OUT/service.log" "$R/service.log" 2>/dev/null || true
  log "service stopped: $(cat "$R/service-stop.json"); dead letters / errors in log: $(grep -c -E ' ERROR |dead-letter' "$OUT/service.log" || true)"
  : > "$OUT/service.log"
  RES=$OUT
}
# BEFORE=<git revision>: the same phases first for that revision (built from `git archive` in $OUT/before-src, run
# with its own README command, routes and properties), so that before and after are measured in one run.
if [ -n "${BEFORE:-}" ]; then
  service_phases "$OUT/before-src" "$OUT/before"
fi
service_phases "$ROOT" "$OUT"

# ---- 4. anchor (b): Flask echo bot under gunicorn, threaded workers (its best) ----------------------------------
start_bg flask "http://127.0.0.1:$FLASK_PORT/" 0 "$LIB" \
  env WEBEX_API_URL="$API" WEBEX_WEBHOOK_SECRET="$SECRET" WEBEX_BOT_TOKEN=bench FLASK_THREADS="$FLASK_THREADS" \
  gunicorn -k gthread -w "$FLASK_WORKERS" --threads "$FLASK_THREADS" -b "127.0.0.1:$FLASK_PORT" --backlog 2048 \
  --log-level warning flask_bot:app
FLASK_PID=$BG_PID
wrk_run flask-warmup "$WARMUP" "$OUT/bodies-warm.txt" "http://127.0.0.1:$FLASK_PORT$PATH_EV"
r0=$(replies)
c0=$(cpu_secs "$FLASK_PID" $(pgrep -P "$FLASK_PID"))
wrk_run flask-ingest "$DURATION" "$OUT/bodies.txt" "http://127.0.0.1:$FLASK_PORT$PATH_EV"
t1=$(now)
echo "{\"cpu_s\": $(awk -v a="$c0" -v b="$(cpu_secs "$FLASK_PID" $(pgrep -P "$FLASK_PID"))" 'BEGIN{print b-a}'), \"workers\": $FLASK_WORKERS, \"threads\": $FLASK_THREADS}" > "$OUT/flask-cpu.json"
e2e_json flask-e2e "$r0" flask-ingest "$t1"
stop_pid "$FLASK_PID"

# ---- 5. report -------------------------------------------------------------------------------------------------------
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.env"
budget() { # results-dir: the CPU budget per stage of that service's full-speed window (profile.md, budget.json)
  local R=$1 w0 w2
  read -r w0 w2 < <($PY -c 'import json,sys; w=json.load(open(sys.argv[1]))["window"]; print(w[0], w[1])' "$R/service-jfr-cpu.json")
  $PY "$LIB/jfr_top.py" "$R/service-jfr.jfr" 25 --budget --before "$R/service-jfr-threads-0.json" \
    --after "$R/service-jfr-threads-1.json" --acked "$(accepted "$R/service-jfr-ingest.json")" \
    --processed "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["replies_in_window"])' "$R/service-jfr-cpu.json")" \
    --calls "$OUT/nginx/calls.log" --window "$w0" "$w2" --json "$R/budget.json" > "$R/profile.md" \
    || log "JFR summary failed for $R"
}
budget "$OUT"
[ -d "$OUT/before" ] && budget "$OUT/before"
rm -f "$OUT/bodies.txt" "$OUT/bodies-warm.txt" "$OUT/bodies-1room.txt" "$OUT/bodies-jfr.txt"
$PY "$LIB/report.py" "$OUT" > "$OUT/results.md"
cat "$OUT/results.md"
log "all files in $OUT"
exit 0
}
