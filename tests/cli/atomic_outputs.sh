#!/usr/bin/env bash
# Atomic outputs (docs/reliability.md#atomic-outputs): `salesim run` is killed with SIGKILL while it
# writes each of its files in turn, and afterwards every file present under its final name must be
# complete: byte-identical to the same file of an uninterrupted run with the same scenario and seed.
# The file being written must not exist under its final name, nor summary.json, written last.
# The kill comes from SALESIM_TEST_KILL_WRITING=NAME (sim/output.cpp): the process raises SIGKILL
# right after the first piece of NAME reaches its temporary file, so every file is caught mid-write
# whatever the machine's load (polling for the temporary file from outside missed small files, and
# on a busy machine sometimes the large one too).
# Usage: atomic_outputs.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"
# 120 days of events: events.csv (about 55 MB) is streamed in many pieces, and the kill lands after the first.
ARGS=("$SRC/scenarios/default.json" --set /clock/days=120 --threads 1 --quiet)

"$BIN" run "${ARGS[@]}" --out "$TMP/ref" >/dev/null || { bad "reference run failed"; finish; exit; }
size=$(stat -c %s "$TMP/ref/events.csv")
[ "$size" -gt 5000000 ] && ok || bad "events.csv is only $size bytes: not written in several pieces"

# A run killed while writing $1 (more arguments go to salesim run); its exit code. The shell's own
# "Killed" notice goes to /dev/null with the run's output.
killed_run() {
  local name=$1; shift
  { SALESIM_TEST_KILL_WRITING=$name "$BIN" run "${ARGS[@]}" "$@" >/dev/null 2>&1; } 2>/dev/null
}

# Every file, in the order write_run_outputs writes them.
for target in timeseries.csv events.csv payouts.csv statements.jsonl interventions.csv pods.csv warehouse.csv \
              manifest.json summary.json; do
  out=$TMP/kill-$target
  killed_run "$target" --out "$out"; rc=$?
  [ "$rc" = 137 ] && ok || { bad "killed while writing $target: exit $rc, not 137 (SIGKILL)"; continue; }
  [ -e "$out/.$target.tmp" ] && ok || bad "no temporary file of $target: the kill did not land mid-write"
  [ ! -e "$out/$target" ] && ok || bad "$target exists under its final name after a kill during its write"
  [ ! -e "$out/summary.json" ] && ok || bad "summary.json exists although the run was killed before it"
  # Whatever is there under a final name is whole (manifest.json holds the wall time, so its size only).
  for f in "$out"/*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    if [ "$name" = manifest.json ]; then [ -s "$f" ] && ok || bad "manifest.json is empty"; continue; fi
    cmp -s "$f" "$TMP/ref/$name" && ok || bad "$name differs from the uninterrupted run's after a kill during $target"
  done
done

# A killed rerun into a directory that holds an earlier complete run: the old summary.json must not
# stay behind to vouch for a mix of old and new files.
killed_run events.csv --seed 7 --out "$TMP/ref"
[ ! -e "$TMP/ref/summary.json" ] && ok || bad "an earlier run's summary.json survived a killed rerun into the same directory"
finish
