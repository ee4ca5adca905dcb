#!/usr/bin/env bash
# salesim run on a busy machine (docs/performance.md#noise): with every core taken by another program,
# a run of 2 threads warns that its threads wait for each other and suggests fewer; a run of one
# thread does not warn. Both still finish with the same outputs (results never depend on threads).
# Usage: busy_machine.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
source "$(dirname "$0")/lib/expect.bash"
cd "$SRC"
TMP=$(mktemp -d); hogs=()
trap 'kill "${hogs[@]}" 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq "$(nproc)"); do (while :; do :; done) & hogs+=($!); done
sleep 0.3

two=$("$BIN" run scenarios/default.json --quiet --threads 2 --set /clock/days=120 --out "$TMP/two" 2>&1); rc=$?
[ "$rc" = 0 ] && ok || bad "two-thread run exited $rc"
grep -qE "^warning: other programs kept [0-9.]+ of this machine's [0-9]+ cores busy during" <<<"$two" \
  && ok || { bad "no busy-machine warning at 2 threads"; echo "$two" | head -5; }
grep -qE -- "--threads [0-9]+ may be faster" <<<"$two" && ok || bad "no suggestion of fewer threads"

one=$("$BIN" run scenarios/default.json --quiet --threads 1 --set /clock/days=120 --out "$TMP/one" 2>&1); rc=$?
[ "$rc" = 0 ] && ok || bad "one-thread run exited $rc"
grep -q "warning: other programs" <<<"$one" && bad "a one-thread run warned" || ok

kill "${hogs[@]}" 2>/dev/null; hogs=()
for f in summary.json timeseries.csv events.csv; do cmp -s "$TMP/one/$f" "$TMP/two/$f" && ok || bad "$f differs between 1 and 2 threads"; done
finish
