#!/usr/bin/env bash
# salesim replay and salesim history to-scenario as a user meets them: files written whole, the
# hand-computed fixture payouts, NaN variables reported, bad mappings and bad plan files exit 2 with a
# JSON pointer, and (when ../shared/data sits beside the checkout) the shared CRM export end to end.
# Usage: replay.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"

FIX=$SRC/tests/data/history/fixture-replay.json
PLANS=$SRC/scenarios/plans
# Replay of the fixture under the default scenario's plan plus two plan files.
expect 0 "wrote $TMP/r/payouts.csv" "$BIN" replay "$SRC/scenarios/default.json" --history "$FIX" --out "$TMP/r" \
  --plans "$PLANS/team.json" "$PLANS/gated.json"
for f in payouts.csv variables.csv forecasts.csv summary.json; do [ -s "$TMP/r/$f" ] && ok || bad "missing $f"; done
ls -A "$TMP/r" | grep -q '\.tmp' && bad "temporary files left behind" || ok
# Linear 3% (the default scenario's plan): Bob's March pay is 6500 base + 3% of 1000.
grep -q '^scenario:linear,2017-03,1,Bob,Mia,North,total,,,6530.00,$' "$TMP/r/payouts.csv" && ok || bad "Bob's March total under linear"
grep -q '^gated,2017-01,0,Ann,Mia,North,new_customer_bonus,1,50,50.00,' "$TMP/r/payouts.csv" && ok || bad "Ann's new-customer bonus under gated"
grep -q '^2017-02,2,Cy,Max,South,1,100,1,n/a,n/a,n/a,100,1,' "$TMP/r/variables.csv" && ok || bad "Cy's February variables (NaN as n/a)"
grep -q '"first_order_margin": "not in the history (NaN)"' "$TMP/r/summary.json" && ok || bad "summary must name unmeasured variables"
grep -q '"unmeasured_uses": \[' "$TMP/r/summary.json" && ok || bad "summary: unmeasured_uses"
expect 0 "2017-Q1 .. 2017-Q1" "$BIN" replay "$SRC/scenarios/default.json" --history "$FIX" --out "$TMP/q" --period quarter

# Errors: exit 2, what and where.
expect 2 "--period 'week'" "$BIN" replay "$SRC/scenarios/default.json" --history "$FIX" --out "$TMP/x" --period week
expect 2 "nope.json: cannot open the plan file" "$BIN" replay "$SRC/scenarios/default.json" --history "$FIX" --out "$TMP/x" --plans "$TMP/nope.json"
echo '{"model": "tiered", "quota_cny_month": -5}' > "$TMP/badplan.json"
expect 2 "/incentive/quota_cny_month" "$BIN" replay "$SRC/scenarios/default.json" --history "$FIX" --out "$TMP/x" --plans "$TMP/badplan.json"
echo '{"model": "linear", "rate": ' > "$TMP/syntax.json"
expect 2 "syntax.json:2:1: not valid JSON" "$BIN" replay "$SRC/scenarios/default.json" --history "$FIX" --out "$TMP/x" --plans "$TMP/syntax.json"
mkdir -p "$TMP/m" && cp -r "$SRC/tests/data/history/fixture-replay" "$TMP/m/"
sed 's/"close_date"/"close_dat"/' "$FIX" > "$TMP/m/typo.json"
expect 2 '/opportunities/columns/close_dat' "$BIN" replay "$SRC/scenarios/default.json" --history "$TMP/m/typo.json" --out "$TMP/x"
expect 2 '/opportunities/columns/close_dat' "$BIN" history to-scenario "$TMP/m/typo.json" --out "$TMP/x.json"
[ -e "$TMP/x" ] && bad "a failed replay must not write its output directory" || ok

# to-scenario on the fixture: a valid scenario and its sidecar; salesim validate and run accept it.
expect 0 "wrote $TMP/gen/fixture.json (valid" "$BIN" history to-scenario "$FIX" --out "$TMP/gen/fixture.json"
[ -s "$TMP/gen/fixture.fit.json" ] && ok || bad "missing fixture.fit.json"
expect 0 "ok" "$BIN" validate "$TMP/gen/fixture.json"
expect 0 "ok" "$BIN" validate "$TMP/gen/fixture.json"
expect 0 "wrote" "$BIN" history to-scenario "$FIX" --base "$SRC/scenarios/default.json" --out "$TMP/gen/based.json"
expect 0 "ok" "$BIN" validate "$TMP/gen/based.json"
expect 2 "cannot open" "$BIN" history to-scenario "$FIX" --base "$TMP/none.json" --out "$TMP/gen/x.json"

# The shared CRM export, when it sits beside the checkout.
CRM=$SRC/scenarios/history/crm-opportunities.json
if [ -f "$SRC/../shared/data/crm-opportunities/sales_pipeline.csv" ]; then
  expect 0 "30 reps in 6 pods (by manager), 10 periods 2017-03 .. 2017-12" "$BIN" replay "$SRC/scenarios/default.json" \
    --history "$CRM" --out "$TMP/crm" --plans "$PLANS"/{linear,tiered,gated,team}.json
  grep -q '"won_deals": 4238' "$TMP/crm/summary.json" && ok || bad "CRM replay: 4238 won deals"
  expect 0 "wrote $TMP/crm.json (valid" "$BIN" history to-scenario "$CRM" --out "$TMP/crm.json"
  grep -q '"won": 4238' "$TMP/crm.fit.json" && ok || bad "CRM fit: 4238 won deals"
  expect 0 "ok" "$BIN" validate "$TMP/crm.json"
  expect 0 "output_per_rep_month" "$BIN" run "$TMP/crm.json" --set /clock/days=60 --out "$TMP/crmrun"
else
  echo "note: ../shared/data/crm-opportunities not found beside the checkout; shared-export checks skipped"
fi

echo "replay.sh: $passes passed, $fails failed"
[ "$fails" = 0 ]
