#!/usr/bin/env bash
# The processing side alone, per event and per stage (see lib/ProcessingDrain.java): the service in one JVM against
# the nginx stand-in; each round stores N webhooks with `dispatch` stopped, then times the drain. Run it under
# `flock -x /work/.cpu.lock` on a shared machine. Knobs: EVENTS (per round, 10000), ROUNDS (8: the second half is
# measured, the first warms the JIT up), ROOMS (256), PORT_BASE (19000: the stand-in on +30), JAVA_OPTS, JAR (target/webex-event-router.jar),
# RUN_DIR (the folder it runs in: application.properties, routes/; the repo root).
# Writes bench/results/drain-<UTC time>/: drain.txt (one line per round) and budget-<round>.md (jfr_top.py --budget).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
LIB=$HERE/lib
: "${EVENTS:=10000}" "${ROUNDS:=8}" "${ROOMS:=256}" "${PORT_BASE:=19000}" "${JAVA_OPTS:=}" "${JAR:=$ROOT/target/webex-event-router.jar}"
: "${RUN_DIR:=$ROOT}"   # where the service runs: its application.properties and routes/ (another revision's, to compare)
OUT=${OUT:-$HERE/results/drain-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/nginx" "$OUT/classes"
NGINX_PORT=$((PORT_BASE + 30))
sed -e "s#@PORT@#$NGINX_PORT#g" -e "s#@DIR@#$OUT/nginx#g" "$LIB/nginx.conf" > "$OUT/nginx/nginx.conf"
nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" & NGINX=$!
trap 'kill $NGINX 2>/dev/null || true' EXIT
javac -d "$OUT/classes" -cp "$JAR" "$LIB/FixedRate.java" "$LIB/ProcessingDrain.java"
echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg) git=$(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- src routes application.properties || echo +dirty)" | tee "$OUT/drain.txt"
# shellcheck disable=SC2086
(cd "$RUN_DIR" && java $JAVA_OPTS -XX:FlightRecorderOptions:stackdepth=256 -cp "$JAR:$OUT/classes" ProcessingDrain \
  "http://127.0.0.1:$NGINX_PORT/v1" "$OUT" "$EVENTS" "$ROUNDS" "$ROOMS" > "$OUT/service.log" 2>&1) || { tail -30 "$OUT/service.log"; exit 1; }
grep '^DRAIN' "$OUT/service.log" | tee -a "$OUT/drain.txt"
for f in "$OUT"/drain-*.jfr; do
  k=$(basename "$f" .jfr); k=${k#drain-}
  python3 "$LIB/jfr_top.py" "$f" 25 --budget --before "$OUT/drain-$k-0.json" --after "$OUT/drain-$k-1.json" \
    --acked "$EVENTS" --processed "$EVENTS" > "$OUT/budget-$k.md"
done
# the stages of the measured rounds (the second half), µs per event
python3 - "$OUT" "$ROUNDS" <<'EOF'
import json, glob, sys, os, re, subprocess, collections
out = sys.argv[1]
first = int(sys.argv[2]) // 2 + 1   # the second half of the rounds: the JIT has done most of its work
rows = collections.defaultdict(list)
for md in sorted(glob.glob(out + "/budget-*.md")):
    k = int(re.search(r"budget-(\d+)", md).group(1))
    if k < first:
        continue
    for line in open(md):
        m = re.match(r"\| ([^|]+?) \| [^|]* \| [^|]* \| [^|]* \| [^|]* \| \**([\d.]+)\** \|", line)
        if m:
            rows[m.group(1).strip("* ")].append(float(m.group(2)))
print("stage: µs per event in the measured rounds (median)")
for k, v in sorted(rows.items(), key=lambda kv: -sorted(kv[1])[len(kv[1]) // 2]):
    print(f"  {k}: {sorted(v)[len(v) // 2]:.0f}  {v}")
EOF
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/drain.txt"
