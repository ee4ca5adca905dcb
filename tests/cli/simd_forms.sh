#!/usr/bin/env bash
# Loops compiled twice (sim/simd.hpp, docs/performance.md): a run with the AVX-512 forms and the same
# run with SALESIM_NO_AVX512=1 (the baseline forms, what a CPU without AVX-512 runs) write the same
# bytes in every output file: the benchmark's mechanisms made small, and the rules scenario.
# (On a CPU without AVX-512 both runs take the baseline forms and this only checks the switch is harmless.)
# Usage: simd_forms.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"

events='/recorder/events=["touch", "order", "stage", "intervention", "payout", "stockout"]'
run_both() {  # NAME SCENARIO ARGS...: the run twice, then every file but the manifest compared
  local name=$1 scenario=$2; shift 2
  "$BIN" run "$SRC/$scenario" --quiet --threads 1 --out "$TMP/$name-v4" --set "$events" "$@" >/dev/null 2>&1 \
    && ok || { bad "$name: run failed"; return; }
  SALESIM_NO_AVX512=1 "$BIN" run "$SRC/$scenario" --quiet --threads 1 --out "$TMP/$name-base" --set "$events" "$@" \
    >/dev/null 2>&1 && ok || { bad "$name: run with SALESIM_NO_AVX512=1 failed"; return; }
  local n=0
  for f in "$TMP/$name-v4"/*; do
    local base; base=$(basename "$f")
    [ "$base" = manifest.json ] && continue
    n=$((n + 1))
    cmp -s "$f" "$TMP/$name-base/$base" && ok || bad "$name: $base differs between the AVX-512 and the baseline forms"
  done
  [ "$n" -ge 5 ] && ok || bad "$name: only $n output files compared"
}
run_both mechanisms scenarios/bench-large.json --set /clock/days=30 --set /reps/count=60 --set /accounts/per_rep=50
run_both rules scenarios/fmcg-interventions.json --set /clock/days=40
finish
