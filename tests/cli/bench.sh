#!/usr/bin/env bash
# salesim bench (docs/performance.md): the machine reference, the throughput table for each thread
# count with best and median times and both speed-ups, the machine's drift over the rounds, and with
# --phases the best run's time by phase, whose parts add up to the run's wall time; bad input exits 2.
# Usage: bench.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
source "$(dirname "$0")/lib/expect.bash"
cd "$SRC"

out=$("$BIN" bench scenarios/default.json --threads 1,2 --repeat 2 --phases --set /clock/days=20 2>&1); rc=$?
[ "$rc" = 0 ] && ok || { bad "bench exited $rc"; echo "$out" | head; }
grep -qE '^machine reference: [0-9.]+ M steps/s on one thread; 2 copies at once do [0-9.]+x the work of one' <<<"$out" \
  && ok || bad "no machine reference line"
grep -qE '^scenarios/default.json +1 +13462 +120 +[0-9.]+ +[0-9.]+ +[0-9.e+]+ +[0-9]+ +[0-9]+$' <<<"$out" && ok || bad "no one-thread row"
grep -qE '^scenarios/default.json +2 +13462 +120 .*speed-up [0-9.]+x best, [0-9.]+x median of rounds$' <<<"$out" \
  && ok || bad "no two-thread row with both speed-ups"
grep -qE "^  the machine's own speed \(reference kernel, before each round\) varied [0-9.]+x" <<<"$out" && ok || bad "no drift line"
grep -q "peak RSS is each thread count's own" <<<"$out" && ok || bad "peak RSS is not per run"
# Which form of the loops compiled twice runs (sim/simd.hpp), and SALESIM_NO_AVX512 picks the baseline.
grep -qE '^loops compiled twice run the (AVX-512 form|baseline form \(this CPU has no AVX-512\))$' <<<"$out" \
  && ok || bad "no line saying which loop forms run"
SALESIM_NO_AVX512=1 "$BIN" bench scenarios/default.json --threads 1 --repeat 1 --no-reference --set /clock/days=20 2>&1 \
  | grep -qE '^loops compiled twice run the baseline form \((SALESIM_NO_AVX512 is set|this CPU has no AVX-512)\)$' \
  && ok || bad "SALESIM_NO_AVX512=1 did not select the baseline forms"
# The median is never below the best.
python3 - "$out" <<'PY' && ok || bad "median below best"
import sys
rows = [l.split() for l in sys.argv[1].splitlines() if l.startswith("scenarios/default.json")]
sys.exit(0 if len(rows) == 2 and all(float(r[5]) >= float(r[4]) for r in rows) else 1)
PY
# Peak memory is the run's own: the reference kernel's 64 MiB tables (one, then two) are not in it.
# (Compared with a run without the kernel, so it holds under a sanitizer's larger footprint too.)
quiet=$("$BIN" bench scenarios/default.json --threads 1,2 --repeat 2 --no-reference --set /clock/days=20 2>&1)
grep -q "machine reference" <<<"$quiet" && bad "--no-reference still ran the reference" || ok
python3 - "$out" "$quiet" <<'PY' && ok || bad "the reference kernel's tables counted in a scenario's peak RSS"
import sys
rss = lambda text: [float(l.split()[7]) for l in text.splitlines() if l.startswith("scenarios/default.json")]
with_ref, without = rss(sys.argv[1]), rss(sys.argv[2])
sys.exit(0 if len(with_ref) == 2 == len(without) and all(a - b < 32 for a, b in zip(with_ref, without)) else 1)
PY
for phase in "world build" "day start" "pay signals" "specialists" "reps" "orders" "fulfilment" "day end" "final pay"; do
  grep -q "^  $phase " <<<"$out" && ok || bad "no phase row '$phase'"
done
# The one-thread phases (world build included) add up to the one-thread wall time, within clock reads.
python3 - "$out" <<'PY' && ok || bad "phases do not add up to the wall time"
import re, sys
lines = sys.argv[1].splitlines()
best = float(next(l.split()[4] for l in lines if re.match(r"^scenarios/default.json +1 ", l)))
table = lines[lines.index(next(l for l in lines if l.startswith("  phase"))) + 1:][:9]
total = sum(float(re.split(r"\s{2,}", l.strip())[1]) for l in table)
sys.exit(0 if 0.9 * best <= total <= best + 1e-3 else 1)
PY

expect 2 "threads" "$BIN" bench scenarios/default.json --threads 0
expect 2 "no-such.json" "$BIN" bench no-such.json
finish
