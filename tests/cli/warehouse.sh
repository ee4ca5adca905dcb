#!/usr/bin/env bash
# Warehouse staff on the command line (docs/incentives.md#collaboration-bonus): a run writes
# warehouse.csv and staff rows in payouts.csv, `salesim explain --staff REGION/K` prints a staff
# statement that adds up, and asking for both a rep and a staff member, or an unknown one, exits 2.
# Usage: warehouse.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"

expect 0 "warehouse.csv" "$BIN" run "$SRC/scenarios/fmcg-warehouse.json" --set /clock/days=95 --set '/recorder/events=["payout"]' \
  --threads 2 --quiet --out "$TMP/w"
[ "$(wc -l < "$TMP/w/warehouse.csv")" = 41 ] && ok || bad "warehouse.csv should have a header and 4 periods x 10 staff"
head -1 "$TMP/w/payouts.csv" | grep -q '^period,rep,item,basis,rate,amount,explanation,role,staff$' && ok || bad "payouts.csv header"
grep -q '^2025-08,,collaboration_bonus,.*,warehouse,Shanghai/0$' "$TMP/w/payouts.csv" && ok || bad "no staff bonus row in payouts.csv"
grep -q '^2025-08,0,commission,.*,rep,$' "$TMP/w/payouts.csv" && ok || bad "rep rows lost their rep id or role"

expect 0 "Payout statement: warehouse staff Shanghai/0, 2025-08" "$BIN" explain "$TMP/w" --staff Shanghai/0 --period 2025-08
expect 0 "(= the change)" "$BIN" explain "$TMP/w" --staff warehouse:Hefei/1 --period 2025-09
expect 0 "collaboration_bonus" "$BIN" explain "$TMP/w" --staff Nanjing/1 --period 2025-09
expect 0 "Payout statement: rep 3, 2025-09" "$BIN" explain "$TMP/w" --rep 3 --period 2025-09
expect 2 "either --rep ID or --staff REGION/K" "$BIN" explain "$TMP/w" --period 2025-09
expect 2 "no statement for warehouse staff Atlantis/0" "$BIN" explain "$TMP/w" --staff Atlantis/0 --period 2025-09
expect 2 "has no statement for period 2031-01" "$BIN" explain "$TMP/w" --staff Shanghai/1 --period 2031-01
out=$("$BIN" explain "$TMP/w" --rep 1 --staff Shanghai/0 --period 2025-09 2>&1); rc=$?
[ "$rc" != 0 ] && ok || bad "--rep with --staff should be refused"

# A scenario without staff: warehouse.csv is only its header.
expect 0 "wrote" "$BIN" run "$SRC/scenarios/default.json" --set /clock/days=20 --set '/recorder/events=[]' --quiet --out "$TMP/d"
[ "$(wc -l < "$TMP/d/warehouse.csv")" = 1 ] && ok || bad "warehouse.csv without staff should be a header"
finish
