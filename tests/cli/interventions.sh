#!/usr/bin/env bash
# The shipped intervention and pods scenarios as a user meets them: a short run writes
# interventions.csv and pods.csv with the columns docs/interventions.md#csv and docs/pods.md#kpis
# document, every one of the four domain.md section 3 rules fires, the rows are sane (statuses,
# assignees, kinds), both files are identical at 1 and 2 threads, pods answer demand cards faster
# than the hierarchy, and a misplaced stock rule is refused with its JSON pointer.
# Usage: interventions.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"

IV_HEADER="day,date,rule,rule_name,kind,status,degraded,assignee,rep,account,region,sku,stage_before,done_day,ordered_within_outcome_days,stage_after,amount"
POD_HEADER="pod,region,members,specialists,revenue,gross_margin,discount_rate,engaged,won,win_rate,cycle_days,cards_raised,cards_answered,cards_expired,card_closure_rate,card_response_hours,knowledge_reuse,dispatches_done,discounts,mean_discount,approval_wait_days"

# The FMCG chain with the four rules: 112 days reach the first post-holiday scans drop (day 105).
FMCG=(run "$SRC/scenarios/fmcg-interventions.json" --set /clock/days=112 --set '/recorder/events=[]' --quiet)
expect 0 "wrote" "$BIN" "${FMCG[@]}" --threads 1 --out "$TMP/f1"
expect 0 "wrote" "$BIN" "${FMCG[@]}" --threads 2 --out "$TMP/f2"
for f in interventions.csv pods.csv; do
  [ -s "$TMP/f1/$f" ] && ok || bad "missing $f"
  cmp -s "$TMP/f1/$f" "$TMP/f2/$f" && ok || bad "$f differs between 1 and 2 threads"
done
[ "$(head -1 "$TMP/f1/interventions.csv")" = "$IV_HEADER" ] && ok || bad "interventions.csv header"
[ "$(head -1 "$TMP/f1/pods.csv")" = "$POD_HEADER" ] && ok || bad "pods.csv header"
grep -q '"interventions.csv"' "$TMP/f1/manifest.json" && ok || bad "manifest.json must list interventions.csv"
python3 - "$TMP/f1" <<'PY' && ok || bad "interventions.csv / pods.csv content (see above)"
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/interventions.csv")))
problems = []
fired = {(r["rule_name"], r["kind"]) for r in rows}
for want in [("scans drop: revisit", "task"), ("scans drop: revisit", "push_material"),
             ("idle trial customer", "push_material"), ("idle trial customer", "dispatch"),
             ("idle trial customer", "task"), ("overdue over 45 days: freeze credit", "freeze_credit"),
             ("stock under safety threshold: replenish", "replenish")]:
    if want not in fired:
        problems.append(f"rule {want[0]!r} never fired a {want[1]}")
statuses = {"accepted", "ignored", "degraded", "done", "expired", "applied"}
for r in rows:
    if r["status"] not in statuses: problems.append(f"status {r['status']!r}"); break
    # A degraded task stays "degraded" unless the brief took it up and it then expired.
    if r["degraded"] not in ("0", "1") or (r["status"] == "degraded" and r["degraded"] != "1") or \
       (r["degraded"] == "1" and r["status"] not in ("degraded", "expired")):
        problems.append(f"degraded {r['degraded']!r} with status {r['status']!r}"); break
    if not (0 <= int(r["day"]) < 112): problems.append(f"day {r['day']}"); break
    k, a = r["kind"], r["assignee"]
    ok = {"task": a.startswith("rep:"), "push_material": a == "digital",
          "dispatch": a.startswith("central:"),  # the scenario is a hierarchy
          "freeze_credit": a.startswith("manager:"), "replenish": a == "warehouse"}[k]
    if not ok: problems.append(f"{k} assigned to {a!r}"); break
    if k == "replenish":
        if r["account"] != "" or r["sku"] == "": problems.append("a replenish row names an account or lacks its SKU"); break
        if (float(r["amount"]) > 0) != (r["status"] == "applied"): problems.append("replenish amount vs status"); break
    elif r["account"] == "" or not (1 <= int(r["stage_before"]) <= 9):
        problems.append(f"{k} row without an account or stage"); break
    if r["done_day"] != "" and int(r["done_day"]) < int(r["day"]): problems.append("done before fired"); break
# The idle-trial rule fires only at trial customers (stage 8); the freeze only after 45 days overdue.
if any(r["stage_before"] != "8" for r in rows if r["rule_name"] == "idle trial customer"):
    problems.append("idle trial rule fired outside stage 8")
if min(int(r["day"]) for r in rows if r["kind"] == "freeze_credit") < 30 + 45:
    problems.append("a freeze before any invoice can be 45 days overdue (terms 30 days)")
k = json.load(open(d + "/summary.json"))["kpis"]
tasks = [r for r in rows if r["kind"] == "task"]
if k["interventions_fired"] != len(rows): problems.append("interventions_fired != rows")
if k["interventions_degraded"] != sum(r["degraded"] == "1" for r in tasks): problems.append("interventions_degraded != degraded rows")
if not (k["credit_blocked_orders"] > 0): problems.append("a credit freeze should block some orders")
pods = list(csv.DictReader(open(d + "/pods.csv")))
if sum(int(p["members"]) for p in pods) != json.load(open(d + "/summary.json"))["reps"]: problems.append("pod members != reps")
if any(p["specialists"] != "0" for p in pods): problems.append("a hierarchy has no pod specialists")
for p in problems: print("  ", p)
sys.exit(1 if problems else 0)
PY

# The B2B setting in its three organisations: pods answer cards in hours, the hierarchy in days.
B2B=(run "$SRC/scenarios/b2b-pods.json" --set /clock/days=120 --set '/recorder/events=[]' --quiet --threads 1)
expect 0 "wrote" "$BIN" "${B2B[@]}" --out "$TMP/h"
expect 0 "wrote" "$BIN" "${B2B[@]}" --out "$TMP/p" --set /pods/organisation=pods
expect 0 "wrote" "$BIN" "${B2B[@]}" --out "$TMP/n" --set /pods/organisation=pods --set /pods/discounts/authorisation_matrix=false
python3 - "$TMP" <<'PY' && ok || bad "b2b-pods: pods.csv and card KPIs (see above)"
import csv, json, sys
d = sys.argv[1]
problems = []
k = {n: json.load(open(f"{d}/{n}/summary.json"))["kpis"] for n in "hpn"}
pods = {n: list(csv.DictReader(open(f"{d}/{n}/pods.csv"))) for n in "hpn"}
if not (k["h"]["cards_raised"] > 0 and k["p"]["cards_raised"] > 0): problems.append("no demand cards raised")
if not (k["p"]["card_response_hours"] < 24 < k["h"]["card_response_hours"]):
    problems.append(f"card response: pods {k['p']['card_response_hours']} h, hierarchy {k['h']['card_response_hours']} h")
if k["h"]["specialist_cost"] != 0 or not k["p"]["specialist_cost"] > 0: problems.append("specialist_cost")
if any(p["specialists"] != "3" for p in pods["p"]): problems.append("pods should have 3 specialists each")
for n in "hpn":
    for p in pods[n]:
        if p["discounts"] != "0" and not (0 < float(p["mean_discount"]) <= 0.35): problems.append(f"{n}: mean_discount {p['mean_discount']}")
        # The matrix: nobody but an unbounded pod grants more than the manager's authority (0.10).
        if n != "n" and p["discounts"] != "0" and float(p["mean_discount"]) > 0.10: problems.append(f"{n}: discount above the manager's authority")
        if p["cards_raised"] != "0" and not (0 <= float(p["card_closure_rate"]) <= 1): problems.append("closure rate")
    if any(float(p["approval_wait_days"] or 0) != 0 for p in pods["n"]): problems.append("an unbounded pod waits for approval")
for p in problems: print("  ", p)
sys.exit(1 if problems else 0)
PY

# A stock rule's metric in an account rule, and a replenishment without the stock scope: exit 2, with pointers.
cat > "$TMP/bad.json" <<'EOF'
{"interventions": {"rules": [{"name": "x", "when": [{"metric": "stock_cover_days", "op": "<", "value": 3}],
                              "then": [{"kind": "replenish"}]}]}}
EOF
expect 2 '/interventions/rules/0/when/0/metric' "$BIN" validate "$TMP/bad.json"
expect 2 '/interventions/rules/0/then/0/kind' "$BIN" validate "$TMP/bad.json"
finish
