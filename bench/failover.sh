#!/usr/bin/env bash
# Issue 21 item 1: a room's order across a failover, over many rounds. Runs MultiInstanceIT's two failover tests
# (two service JVMs on a standalone Artemis 2.44.0): killMinus9UnderLoadOnTwoInstances with ROUNDS rounds (40 rooms,
# 15 events each, one instance killed under load each round, then started again), and
# aDeadInstancesEventsComeBeforeItsRoomsWaitingOnes (the race made likely, not certain: a backlog of the killed instance's rooms
# in the queue, a broker whose journal syncs every 200 ms) REPEAT times. `mvn verify` runs 3 rounds and the second
# test once. Knobs: ROUNDS (10), REPEAT (3), NICE (`nice -n 19`: on a shared machine the others keep their cores;
# empty on a quiet one). Needs the package and the test classes built (`mvn -B -q verify -DskipITs`, or any verify
# that ran MultiInstanceIT: the Artemis distribution is unpacked in pre-integration-test).
# Writes bench/results/failover-<UTC time>/: the test output, and failover.txt: one line per round (rate, acknowledged,
# answered, duplicated) and its rooms in order, then the rooms out of order per round.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
: "${ROUNDS:=10}" "${REPEAT:=3}"
NICE=${NICE-nice -n 19}
OUT=${OUT:-$HERE/results/failover-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
touch "$OUT/started" # the survivors' logs of this run are the newer ones
echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg) git=$(cd "$ROOT" && git rev-parse --short HEAD) rounds=$ROUNDS repeat=$REPEAT" \
  | tee "$OUT/failover.txt"
cd "$ROOT"
status=0
for i in $(seq 1 "$REPEAT"); do
  test=aDeadInstancesEventsComeBeforeItsRoomsWaitingOnes
  [ "$i" = 1 ] && test="killMinus9UnderLoadOnTwoInstances+$test"
  $NICE mvn -B -q failsafe:integration-test failsafe:verify -Dmulti.rounds="$ROUNDS" \
      -Dit.test="MultiInstanceIT#$test" -Dfailsafe.failIfNoSpecifiedTests=false > "$OUT/run-$i.log" 2>&1 \
    || { echo "run $i failed: see $OUT/run-$i.log and target/failsafe-reports" | tee -a "$OUT/failover.txt"; status=1; }
  # the figures, without Maven's colour codes
  sed 's/\x1b\[[0-9;]*m//g' "$OUT/run-$i.log" | grep -h '^\[MultiInstanceIT\]' | tee -a "$OUT/failover.txt" || true
  [ "$status" = 0 ] || break
done
# each "per-room order: X of Y rooms in order" line follows its round's (or the backlog test's) figures
awk '/^\[MultiInstanceIT\] (round [0-9]+|backlog)/ { what = ($2 == "round") ? "round " $3 : "backlog" ; sub(":", "", what) }
     /per-room order:/ { n++; printf "%s%s: %d out of order", (n > 1 ? ", " : "rooms out of order per run: "), what, $6 - $4 }
     END { print "" }' "$OUT/failover.txt" | tee -a "$OUT/failover.txt"
# the survivors' lines for a room whose dead owner's events came back after its next one (the race met, reordered)
echo "handovers reordered: $(find "$ROOT/target/it-logs" -name 'MultiInstanceIT-*.log' -newer "$OUT/started" \
  -exec grep -h 'was handed over from another consumer' {} + | wc -l)" | tee -a "$OUT/failover.txt"
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/failover.txt"
exit "$status"
