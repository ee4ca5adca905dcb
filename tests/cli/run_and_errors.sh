#!/usr/bin/env bash
# The salesim command line as a user meets it: a run writes its files atomically and identically at
# any thread count; bad input gets a clear message naming where, and exit code 2, never a crash.
# Usage: run_and_errors.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"

# A short run, twice with different thread counts: same bytes.
expect 0 "KPI" "$BIN" run "$SRC/scenarios/default.json" --set /clock/days=40 --threads 1 --out "$TMP/t1"
expect 0 "wrote" "$BIN" run "$SRC/scenarios/default.json" --set /clock/days=40 --threads 2 --out "$TMP/t2" --quiet
for f in summary.json timeseries.csv events.csv payouts.csv manifest.json; do
  [ -s "$TMP/t1/$f" ] && ok || bad "missing $f"
done
cmp -s "$TMP/t1/summary.json" "$TMP/t2/summary.json" && ok || bad "summary.json differs between 1 and 2 threads"
cmp -s "$TMP/t1/events.csv" "$TMP/t2/events.csv" && ok || bad "events.csv differs between 1 and 2 threads"
ls -A "$TMP/t1" | grep -q '\.tmp$' && bad "temporary files left behind" || ok
[ "$(wc -l < "$TMP/t1/timeseries.csv")" = 41 ] && ok || bad "timeseries.csv should have a header and 40 days"
python3 - "$TMP/t1/summary.json" <<'PY' && ok || bad "summary.json lacks required KPIs"
import json, sys
k = json.load(open(sys.argv[1]))["kpis"]
need = ["revenue", "gross_margin", "invalid_visit_rate", "output_per_rep_month", "repurchase_rate_30d",
        "retention_6m", "median_basket", "inventory_turnover_days", "forecast_mape"]
missing = [n for n in need if n not in k]
sys.exit(1 if missing else 0)
PY

# Bad scenarios: wrong type, unknown key, negative capacity, syntax, missing file.
echo '{"reps": {"count": "many"}}' > "$TMP/type.json"
expect 2 "$TMP/type.json: /reps/count: expected an integer, got \"many\"" "$BIN" run "$TMP/type.json" --out "$TMP/x"
echo '{"reps": {"visits_per_dya": 5}}' > "$TMP/key.json"
expect 2 '/reps/visits_per_dya: unknown key "visits_per_dya" (did you mean "visits_per_day"?)' "$BIN" validate "$TMP/key.json"
echo '{"reps": {"visits_per_day": -3}}' > "$TMP/neg.json"
expect 2 "/reps/visits_per_day: must be > 0, got -3" "$BIN" run "$TMP/neg.json" --out "$TMP/x"
printf '{\n  "reps": {\n    "count": 5,\n  }\n}\n' > "$TMP/syntax.json"
expect 2 "$TMP/syntax.json:4:3: not valid JSON" "$BIN" run "$TMP/syntax.json" --out "$TMP/x"
expect 2 "cannot open the file" "$BIN" run "$TMP/nope.json"
[ -e "$TMP/x" ] && bad "a failed run created its output directory" || ok
# Bad overrides and flags.
expect 2 "expected JSON_POINTER=VALUE" "$BIN" run "$SRC/scenarios/default.json" --set reps/count=3
expect 2 "/reps/count: must be >= 1, got 0" "$BIN" run "$SRC/scenarios/default.json" --set /reps/count=0
expect 2 "unknown model \"magic\"" "$BIN" validate "$SRC/scenarios/default.json" --set /forecast/model=magic
expect 2 "" "$BIN" run
expect 2 "" "$BIN" frobnicate
# Every shipped scenario validates.
for f in "$SRC"/scenarios/*.json; do
  [ "$(basename "$f")" = schema.json ] && continue
  expect 0 ": ok" "$BIN" validate "$f"
done
expect 0 "| \`/reps/visits_per_day\` |" "$BIN" schema --markdown

finish
