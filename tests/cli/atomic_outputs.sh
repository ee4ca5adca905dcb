#!/usr/bin/env bash
# Atomic outputs (docs/reliability.md#atomic-outputs): `salesim run` is killed with SIGKILL while it
# writes each of its files in turn (the moment the writer's temporary file appears), and afterwards
# every file present under its final name must be complete: byte-identical to the same file of an
# uninterrupted run with the same scenario and seed. The file being written must not exist at all.
# Usage: atomic_outputs.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"
# 120 days of events make events.csv large enough (about 55 MB) for the kill to land mid-write.
ARGS=("$SRC/scenarios/default.json" --set /clock/days=120 --threads 1 --quiet)

"$BIN" run "${ARGS[@]}" --out "$TMP/ref" >/dev/null || { bad "reference run failed"; finish; exit; }
size=$(stat -c %s "$TMP/ref/events.csv")
[ "$size" -gt 5000000 ] && ok || bad "events.csv is only $size bytes: too small to catch mid-write"

# Files in the order write_run_outputs writes them; each is killed on in turn.
for target in timeseries.csv events.csv payouts.csv statements.jsonl; do
  out=$TMP/kill-$target
  "$BIN" run "${ARGS[@]}" --out "$out" >/dev/null 2>&1 &
  pid=$!
  caught=0
  for _ in $(seq 1 20000); do
    if [ -e "$out/.$target.tmp" ]; then kill -KILL "$pid" 2>/dev/null; caught=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
  done
  wait "$pid" 2>/dev/null; rc=$?
  if [ "$caught" = 1 ] && [ "$rc" = 137 ]; then ok; else
    # Small files can be written between two polls; events.csv (tens of MB) must be caught.
    if [ "$target" = events.csv ]; then bad "the run ended (exit $rc) before events.csv was caught mid-write"
    else echo "note: the run ended (exit $rc) before $target was caught mid-write"; fi
    continue
  fi
  # The file being written is absent under its final name; so is everything written after it.
  [ ! -e "$out/$target" ] && ok || bad "$target exists under its final name after a kill during its write"
  [ ! -e "$out/summary.json" ] && ok || bad "summary.json exists although the run was killed before it"
  # Whatever is there under a final name is whole.
  for f in "$out"/*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    cmp -s "$f" "$TMP/ref/$name" && ok || bad "$name differs from the uninterrupted run's after a kill during $target"
  done
done

# A killed rerun into a directory that holds an earlier complete run: the old summary.json must not
# stay behind to vouch for a mix of old and new files.
out=$TMP/ref
"$BIN" run "${ARGS[@]}" --seed 7 --out "$out" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 20000); do
  if [ -e "$out/.events.csv.tmp" ]; then kill -KILL "$pid" 2>/dev/null; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.005
done
wait "$pid" 2>/dev/null
[ ! -e "$out/summary.json" ] && ok || bad "an earlier run's summary.json survived a killed rerun into the same directory"
finish
