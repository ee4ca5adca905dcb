#!/usr/bin/env bash
# salesim history check and salesim backtest as a user meets them: data problems are reported and
# exit 0, a wrong mapping exits 2 naming the JSON pointer, outputs are written whole.
# Usage: history.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"

FIX=$SRC/tests/data/history
# Rejected rows are data problems: reported, written to --rejects, exit 0.
expect 0 "pipeline.csv:8: column close_date: '2017-03-20' is not a date (expected DD/MM/YYYY; it would read as YYYY-MM-DD)" \
  "$BIN" history check "$FIX/messy.json" --rejects "$TMP/rejects.csv" --warnings "$TMP/warnings.csv"
expect 0 "accepted + rejected = rows read: yes" "$BIN" history check "$FIX/messy.json"
[ "$(wc -l < "$TMP/rejects.csv")" = 10 ] && ok || bad "rejects.csv should have a header and 9 rows"
head -1 "$TMP/rejects.csv" | grep -q '^file,line,column,reason,detail,record$' && ok || bad "rejects.csv header"
[ "$(wc -l < "$TMP/warnings.csv")" = 5 ] && ok || bad "warnings.csv should have a header and 4 rows"

# A wrong mapping: exit 2, the JSON pointer named, nothing imported.
cp -r "$FIX/messy" "$TMP/"
sed 's/"columns"/"colums"/' "$FIX/messy.json" > "$TMP/typo.json"
expect 2 '/opportunities/colums: unknown key "colums" (did you mean "columns"?)' "$BIN" history check "$TMP/typo.json"
printf '{"opportunities": {"file": "nope.csv", "columns": {"id": "id", "stage": "s"}, "stages": [{"name": "W", "status": "won"}]}}' > "$TMP/m.json"
expect 2 "$TMP/m.json: /opportunities/file: cannot open \"nope.csv\"" "$BIN" history check "$TMP/m.json"
printf '{\n "opportunities": [\n' > "$TMP/syntax.json"
expect 2 "$TMP/syntax.json:3:1: not valid JSON" "$BIN" history check "$TMP/syntax.json"
expect 2 "cannot open the mapping file" "$BIN" history check "$TMP/none.json"
expect 0 '"opportunities"' "$BIN" history schema

# Backtest on the tiny fixture: every model, files written whole.
expect 0 "wrote $TMP/bt/metrics.csv" "$BIN" backtest --history "$FIX/tiny.json" --level total,rep --season 2 --min-train 4 \
  --horizon 2 --out "$TMP/bt"
for f in metrics.csv forecasts.csv backtest.json; do [ -s "$TMP/bt/$f" ] && ok || bad "missing $f"; done
ls -A "$TMP/bt" | grep -q '\.tmp$' && bad "temporary files left behind" || ok
for m in naive seasonal_naive moving_average holt_winters_additive holt_winters_multiplicative croston sba pipeline ridge; do
  grep -q "^$m,total,month,won_value,1," "$TMP/bt/metrics.csv" && ok || bad "no metrics for $m"
done
grep -q "^seasonal_naive,total,month,won_value,1,1,2,0.266667,2,0.25," "$TMP/bt/metrics.csv" && ok || bad "seasonal naive MAPE/WAPE"
expect 2 "--level 'city'" "$BIN" backtest --history "$FIX/tiny.json" --level city --out "$TMP/x"
expect 2 "unknown model 'arima'" "$BIN" backtest --history "$FIX/tiny.json" --models arima --out "$TMP/x"
expect 2 "a backtest needs more than the 12 used to train" "$BIN" backtest --history "$FIX/tiny.json" --min-train 12 --out "$TMP/x"
expect 2 "no /orders" "$BIN" backtest --history "$FIX/tiny.json" --measure order_value --out "$TMP/x"
echo '{"Atlantis": {"created": 1}}' > "$TMP/w.json"
expect 2 "/Atlantis: not a region of the history" "$BIN" backtest --history "$FIX/tiny.json" --ridge-weights "$TMP/w.json" --out "$TMP/x"
echo '{"North": {"crated": 1}}' > "$TMP/w.json"
expect 2 "/North/crated: not a feature of the signal regression" "$BIN" backtest --history "$FIX/tiny.json" --season 2 \
  --min-train 4 --ridge-weights "$TMP/w.json" --out "$TMP/x"

# The shared CRM export, when it sits beside the checkout.
if [ -f "$SRC/../shared/data/crm-opportunities/sales_pipeline.csv" ]; then
  expect 0 "sales_pipeline.csv:3: column product: product 'GTXPro' matches 'GTX Pro'" \
    "$BIN" history check "$SRC/scenarios/history/crm-opportunities.json"
  expect 0 "sector 'technolgy' is not in the mapping's allowed list; did you mean 'technology'?" \
    "$BIN" history check "$SRC/scenarios/history/crm-opportunities.json"
  expect 0 "wrote $TMP/crm/metrics.csv" "$BIN" backtest --history "$SRC/scenarios/history/crm-opportunities.json" \
    --level region,product --period week --out "$TMP/crm" --quiet
else
  echo "note: ../shared/data/crm-opportunities not found beside the checkout; shared-export checks skipped"
fi

echo "history.sh: $passes passed, $fails failed"
[ "$fails" = 0 ]
