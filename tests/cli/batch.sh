#!/usr/bin/env bash
# The batch tools as a researcher meets them: a sweep gives the same bytes at 1 and 2 threads; a
# sweep killed with SIGKILL and resumed gives the same files as an uninterrupted one; shards merge
# into the whole; sensitivity, calibrate and report write what they promise; bad input gets a
# message naming file and JSON pointer, and exit code 2.
# Usage: batch.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"
same() {  # same FILE DIR_A DIR_B WHAT
  cmp -s "$2/$1" "$3/$1" && ok || bad "$1 differs: $4"
}

# A small variant of the default scenario: 20 days, no event log; 8 points x 3 replications.
cat > "$TMP/exp.json" <<EOF
{
  "name": "test sweep",
  "scenario": "$SRC/scenarios/default.json",
  "set": {"/clock/days": 20, "/recorder/events": []},
  "seed": 3,
  "replications": 3,
  "design": [
    {"type": "grid", "parameters": [{"pointer": "/incentive/rate", "values": [0.0, 0.03, 0.06]},
                                    {"pointer": "/reps/visits_per_day", "min": 5, "max": 8, "steps": 2}]},
    {"type": "list", "points": [{"/rep_behaviour": {"model": "value_based"}}, {"/forecast": {"model": "exponential_smoothing"}}]}
  ],
  "kpis": ["revenue", "invalid_visit_rate"]
}
EOF

# --- determinism: 1 thread and 2 threads give the same bytes ---
expect 0 "8 points x 3 replications = 24 runs" "$BIN" sweep "$TMP/exp.json" --dry-run
expect 0 "24 runs in" "$BIN" sweep "$TMP/exp.json" --out "$TMP/t1" --threads 1
expect 0 "24 runs in" "$BIN" sweep "$TMP/exp.json" --out "$TMP/t2" --threads 2 --quiet
for f in results.csv summary.csv experiment.json; do same $f "$TMP/t1" "$TMP/t2" "1 vs 2 threads"; done
[ "$(wc -l < "$TMP/t1/results.csv")" = 25 ] && ok || bad "results.csv should have a header and 24 rows"
[ "$(wc -l < "$TMP/t1/summary.csv")" = 9 ] && ok || bad "summary.csv should have a header and 8 points"
head -1 "$TMP/t1/results.csv" | grep -q '^run,point,replication,seed,/incentive/rate,/reps/visits_per_day,/rep_behaviour,/forecast,revenue,' && ok || bad "results.csv header"
head -1 "$TMP/t1/summary.csv" | grep -q ',runs,revenue_mean,revenue_sd,revenue_ci95_low,revenue_ci95_high,' && ok || bad "summary.csv header"
ls -A "$TMP/t1" | grep -q 'partial\|\.tmp$' && bad "partial or temporary files left behind" || ok
python3 - "$TMP/t1" <<'PY' && ok || bad "results.csv and summary.csv disagree"
import csv, statistics, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/results.csv")))
summ = {r["point"]: r for r in csv.DictReader(open(f"{d}/summary.csv"))}
assert [int(r["run"]) for r in rows] == list(range(24))
for p, s in summ.items():
    vals = [float(r["revenue"]) for r in rows if r["point"] == p]
    assert int(s["runs"]) == len(vals) == 3
    assert abs(statistics.mean(vals) - float(s["revenue_mean"])) <= 1e-9 * abs(statistics.mean(vals))
    assert abs(statistics.stdev(vals) - float(s["revenue_sd"])) <= 1e-6 * statistics.stdev(vals) + 1e-9
    assert float(s["revenue_ci95_low"]) < float(s["revenue_mean"]) < float(s["revenue_ci95_high"])
assert len(set(r["seed"] for r in rows)) == 24
PY

# --- a sweep killed with SIGKILL, then resumed, gives the same files ---
"$BIN" sweep "$TMP/exp.json" --out "$TMP/k" --threads 1 --quiet >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  n=0; [ -f "$TMP/k/results.partial.csv" ] && n=$(wc -l < "$TMP/k/results.partial.csv")
  [ "$n" -ge 4 ] && break
  sleep 0.02
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
if [ -e "$TMP/k/results.csv" ]; then
  bad "the sweep finished before it could be killed (machine too fast for this test?)"
else
  ok
  done_before=$(($(wc -l < "$TMP/k/results.partial.csv") - 1))
  [ "$done_before" -lt 24 ] && ok || bad "the partial file should hold fewer than 24 runs"
  printf '17,5,2,12345,0.06,8,count_ba' >> "$TMP/k/results.partial.csv"  # a torn last line, as a crash could leave
  expect 2 "add --resume to complete it" "$BIN" sweep "$TMP/exp.json" --out "$TMP/k"
  expect 0 "resumed" "$BIN" sweep "$TMP/exp.json" --out "$TMP/k" --threads 2 --resume
  for f in results.csv summary.csv experiment.json; do same $f "$TMP/t1" "$TMP/k" "killed and resumed vs uninterrupted"; done
  ls -A "$TMP/k" | grep -q 'partial' && bad "partial file left after resume" || ok
fi
# Resuming a finished sweep changes nothing; resuming into another experiment's directory is refused.
expect 0 "0 runs in" "$BIN" sweep "$TMP/exp.json" --out "$TMP/t2" --resume
same results.csv "$TMP/t1" "$TMP/t2" "after a no-op resume"
expect 2 "holds results of a different experiment" "$BIN" sweep "$TMP/exp.json" --out "$TMP/t2" --resume --set /clock/days=21

# --- shards and merge ---
for i in 0 1 2; do expect 0 "shard $i/3 done" "$BIN" sweep "$TMP/exp.json" --out "$TMP/s$i" --shard $i/3 --threads 2; done
expect 2 "runs are missing: shard 2/3 (8 runs)" "$BIN" merge "$TMP/s0" "$TMP/s1" --out "$TMP/m"
expect 0 "merged 24 runs from 3 directories" "$BIN" merge "$TMP/s2" "$TMP/s0" "$TMP/s1" --out "$TMP/m"
for f in results.csv summary.csv experiment.json; do same $f "$TMP/t1" "$TMP/m" "merged shards vs whole sweep"; done
expect 2 "holds shard 0/3 of this sweep, not shard 1/3" "$BIN" sweep "$TMP/exp.json" --out "$TMP/s0" --shard 1/3 --resume
expect 2 "--shard 3/3: expected I/N with 0 <= I < N" "$BIN" sweep "$TMP/exp.json" --out "$TMP/x" --shard 3/3

# --- sensitivity (Morris) ---
cat > "$TMP/morris.json" <<EOF
{
  "scenario": "$SRC/scenarios/default.json",
  "set": {"/clock/days": 20, "/recorder/events": []},
  "common_random_numbers": true,
  "design": {"type": "morris", "trajectories": 4, "levels": 4, "parameters": [
    {"pointer": "/demand/orders_per_day", "min": 0.4, "max": 1.2},
    {"pointer": "/reps/cost_per_visit_cny", "min": 50, "max": 100},
    {"pointer": "/incentive/rate", "min": 0.0, "max": 0.06}]},
  "kpis": ["revenue", "visit_cost_per_customer_month"]
}
EOF
expect 0 "change over the full range of each parameter" "$BIN" sensitivity "$TMP/morris.json" --out "$TMP/mo" --threads 2
head -1 "$TMP/mo/sensitivity.csv" | grep -q '^kpi,parameter,mu,mu_star,sigma,effects$' && ok || bad "sensitivity.csv header"
python3 - "$TMP/mo/sensitivity.csv" <<'PY' && ok || bad "Morris ranking on the simulator is not the obvious one"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def top(kpi):
    r = [x for x in rows if x["kpi"] == kpi]
    return max(r, key=lambda x: float(x["mu_star"]))["parameter"]
assert top("revenue") == "/demand/orders_per_day", top("revenue")
assert top("visit_cost_per_customer_month") == "/reps/cost_per_visit_cny"
assert all(int(x["effects"]) == 4 for x in rows if x["mu_star"])
PY
expect 2 "salesim sensitivity needs a design block of type \"morris\"" "$BIN" sensitivity "$TMP/exp.json" --out "$TMP/x"

# --- report ---
expect 0 "self-contained" "$BIN" report "$TMP/t1"
expect 0 "self-contained" "$BIN" report "$TMP/mo" --out "$TMP/mo.html"
for h in "$TMP/t1/report.html" "$TMP/mo.html"; do
  grep -q '<svg' "$h" && ok || bad "$h has no chart"
  grep -qiE '<script|(src|href)=.?https?:|url\(' "$h" && bad "$h loads scripts or remote resources" || ok
done
grep -q 'polygon' "$TMP/t1/report.html" && ok || bad "the sweep report has no confidence bands"
grep -q 'Sensitivity (Morris' "$TMP/mo.html" && ok || bad "the sensitivity report has no tornado section"
expect 2 "no such directory" "$BIN" report "$TMP/nowhere"

# --- calibrate: a few evaluations on a tiny world; the fitted scenario validates ---
cat > "$TMP/targets.json" <<EOF
{
  "parameters": [{"pointer": "/demand/orders_per_day", "min": 0.3, "max": 1.5}],
  "targets": {"output_per_rep_month": {"value": 120000}, "median_basket": {"value": 87, "weight": 0.5}},
  "set": {"/clock/days": 20, "/reps/count": 12, "/recorder/events": []},
  "replications": 2, "max_evaluations": 12
}
EOF
expect 0 "wrote $TMP/cal/scenario.json (the fitted scenario)" "$BIN" calibrate "$SRC/scenarios/default.json" --targets "$TMP/targets.json" --out "$TMP/cal" --threads 2 --quiet
expect 0 ": ok" "$BIN" validate "$TMP/cal/scenario.json"
[ "$(wc -l < "$TMP/cal/calibration.csv")" -ge 3 ] && ok || bad "calibration.csv has no evaluations"
expect 0 "self-contained" "$BIN" report "$TMP/cal"
grep -q 'objective' "$TMP/cal/report.html" && ok || bad "calibration report"
printf '{"parameters": [{"pointer": "/demand/orders_per_day", "min": 0.3, "max": 1.5, "start": 2}], "targets": {"revenu": {"value": 1}}}' > "$TMP/badt.json"
expect 2 "$TMP/badt.json: /targets/revenu: \"revenu\" is not a KPI" "$BIN" calibrate "$SRC/scenarios/default.json" --targets "$TMP/badt.json"
expect 2 "$TMP/badt.json: /parameters/0/start: must be within [0.3, 1.5], got 2" "$BIN" calibrate "$SRC/scenarios/default.json" --targets "$TMP/badt.json"

# --- bad experiments: file and JSON pointer, exit 2, nothing run ---
printf '{"scenario": "%s/scenarios/default.json", "replicatons": 2, "design": {"type": "list", "points": [{}]}}' "$SRC" > "$TMP/typo.json"
expect 2 "$TMP/typo.json: /replicatons: unknown key \"replicatons\" (did you mean \"replications\"?)" "$BIN" sweep "$TMP/typo.json" --out "$TMP/x"
printf '{"scenario": "%s/scenarios/default.json", "design": {"type": "grid", "parameters": [{"pointer": "/reps/visits_per_day", "values": [5, -1]}]}}' "$SRC" > "$TMP/range.json"
expect 2 "$TMP/range.json: /design: point 1 (/reps/visits_per_day=-1) gives an invalid scenario: /reps/visits_per_day: must be > 0, got -1" "$BIN" sweep "$TMP/range.json" --out "$TMP/x"
printf '{\n  "scenario": "x.json",\n  "design": [,]\n}\n' > "$TMP/syntax.json"
expect 2 "$TMP/syntax.json:3:14: not valid JSON" "$BIN" sweep "$TMP/syntax.json" --out "$TMP/x"
printf '{"scenario": "absent.json", "design": {"type": "list", "points": [{}]}}' > "$TMP/missing.json"
expect 2 "$TMP/missing.json: /scenario: $TMP/absent.json: cannot open the file" "$BIN" sweep "$TMP/missing.json" --out "$TMP/x"
expect 2 "cannot open the file" "$BIN" sweep "$TMP/nope.json"
expect 2 "/clock/days: must be >= 1, got 0" "$BIN" sweep "$TMP/exp.json" --set /clock/days=0 --out "$TMP/x"
[ -e "$TMP/x" ] && bad "a refused sweep created its output directory" || ok

# --- the shipped examples validate ---
for f in "$SRC"/scenarios/experiments/*.json; do expect 0 "every point validates" "$BIN" sweep "$f" --dry-run; done

finish
