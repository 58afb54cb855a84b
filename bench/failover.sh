#!/usr/bin/env bash
# Issue 21 item 1: a room's order across a failover, over many rounds. Runs MultiInstanceIT's two failover tests
# (two service JVMs on a standalone Artemis 2.44.0): killMinus9UnderLoadOnTwoInstances with ROUNDS rounds (40 rooms,
# 15 events each, one instance killed under load each round, then started again), and
# aDeadInstancesEventsComeBeforeItsRoomsWaitingOnes (the race made certain: a backlog of the killed instance's rooms
# in the queue, a broker whose journal syncs every 50 ms) REPEAT times. `mvn verify` runs 3 rounds and the second
# test once. Knobs: ROUNDS (10), REPEAT (3). Needs the package built (`mvn -B -q verify -DskipITs` or any verify);
# run it on a quiet machine (`flock -x /work/.cpu.lock` on a shared one).
# Writes bench/results/failover-<UTC time>/: the test output, and failover.txt (one line per round: rate, acknowledged,
# answered, duplicated, rooms in order).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
: "${ROUNDS:=10}" "${REPEAT:=3}"
OUT=${OUT:-$HERE/results/failover-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg) git=$(cd "$ROOT" && git rev-parse --short HEAD) rounds=$ROUNDS repeat=$REPEAT" \
  | tee "$OUT/failover.txt"
cd "$ROOT"
for i in $(seq 1 "$REPEAT"); do
  test=aDeadInstancesEventsComeBeforeItsRoomsWaitingOnes
  [ "$i" = 1 ] && test="killMinus9UnderLoadOnTwoInstances+$test"
  mvn -B -q failsafe:integration-test failsafe:verify -Dmulti.rounds="$ROUNDS" \
      -Dit.test="MultiInstanceIT#$test" -Dfailsafe.failIfNoSpecifiedTests=false > "$OUT/run-$i.log" 2>&1 \
    || { echo "run $i failed: see $OUT/run-$i.log and target/failsafe-reports"
         grep -h '\[MultiInstanceIT\]' "$OUT/run-$i.log" >> "$OUT/failover.txt" || true; exit 1; }
  grep -h '\[MultiInstanceIT\]' "$OUT/run-$i.log" | tee -a "$OUT/failover.txt"
done
