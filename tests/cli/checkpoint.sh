#!/usr/bin/env bash
# Checkpoints from the command line: --checkpoint-every writes the state atomically and keeps the
# newest few; --resume continues and every output file has the bytes of an uninterrupted run, at any
# thread count; a checkpoint of another scenario, truncated or corrupt exits 2 with a clear message.
# Usage: checkpoint.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"
SC="$SRC/scenarios/default.json"
SETS=(--set /clock/days=40 --set /credit/late_share=0.1 --set /pods/cards/rate=0.05)
FILES="summary.json timeseries.csv events.csv payouts.csv statements.jsonl interventions.csv pods.csv warehouse.csv"

expect 0 "wrote" "$BIN" run "$SC" "${SETS[@]}" --threads 1 --quiet --out "$TMP/whole"
expect 0 "wrote" "$BIN" run "$SC" "${SETS[@]}" --threads 1 --quiet --out "$TMP/ck" --checkpoint-every 10
# Days 10..30 were written; the newest two stay, and no temporary file is left.
[ "$(cd "$TMP/ck/checkpoints" && ls | tr '\n' ' ')" = "day-0020.ckpt day-0030.ckpt " ] && ok \
  || bad "checkpoints kept: $(ls "$TMP/ck/checkpoints" | tr '\n' ' ')"
for f in $FILES; do cmp -s "$TMP/whole/$f" "$TMP/ck/$f" && ok || bad "$f differs when checkpointing"; done

# Resume from day 20 at 2 threads: the same bytes as the run never stopped.
expect 0 "wrote" "$BIN" run "$SC" "${SETS[@]}" --threads 2 --quiet --out "$TMP/resumed" \
  --resume "$TMP/ck/checkpoints/day-0020.ckpt"
for f in $FILES; do cmp -s "$TMP/whole/$f" "$TMP/resumed/$f" && ok || bad "$f differs after --resume"; done
# Resuming while checkpointing again continues the series.
expect 0 "wrote" "$BIN" run "$SC" "${SETS[@]}" --threads 1 --quiet --out "$TMP/again" \
  --resume "$TMP/ck/checkpoints/day-0030.ckpt" --checkpoint-every 5 --keep-checkpoints 1
[ "$(ls "$TMP/again/checkpoints")" = "day-0035.ckpt" ] && ok || bad "keep-checkpoints 1: $(ls "$TMP/again/checkpoints")"
for f in $FILES; do cmp -s "$TMP/whole/$f" "$TMP/again/$f" && ok || bad "$f differs after a second resume"; done

# Refusals: exit 2, a clear message, no output directory.
CK="$TMP/ck/checkpoints/day-0030.ckpt"
expect 2 "another scenario" "$BIN" run "$SC" --set /clock/days=40 --quiet --out "$TMP/x" --resume "$CK"
head -c 100 "$CK" > "$TMP/short.ckpt"
expect 2 "corrupt checkpoint" "$BIN" run "$SC" "${SETS[@]}" --quiet --out "$TMP/x" --resume "$TMP/short.ckpt"
cp "$CK" "$TMP/flip.ckpt"
printf '\xff\xff\xff\xff' | dd of="$TMP/flip.ckpt" bs=1 seek=2000 conv=notrunc status=none
expect 2 "corrupt checkpoint: checksum mismatch" "$BIN" run "$SC" "${SETS[@]}" --quiet --out "$TMP/x" --resume "$TMP/flip.ckpt"
echo "not a checkpoint at all" > "$TMP/text.ckpt"
expect 2 "not a salesim checkpoint" "$BIN" run "$SC" "${SETS[@]}" --quiet --out "$TMP/x" --resume "$TMP/text.ckpt"
expect 2 "cannot open the checkpoint" "$BIN" run "$SC" "${SETS[@]}" --quiet --out "$TMP/x" --resume "$TMP/nope.ckpt"
expect 2 "seed" "$BIN" run "$SC" "${SETS[@]}" --seed 7 --quiet --out "$TMP/x" --resume "$CK"
expect 2 "" "$BIN" run "$SC" "${SETS[@]}" --quiet --out "$TMP/x" --checkpoint-every 0
[ -e "$TMP/x" ] && bad "a refused resume created its output directory" || ok

finish
