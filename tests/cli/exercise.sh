#!/usr/bin/env bash
# salesim exercise (docs/exercises.md): the brief and the template, playing a recorded decisions file
# (text, JSON and --out files), the same score at 1 and 2 threads, and every bad-input path (exit 2
# with the JSON pointer of the problem). Uses the tiny test exercise to stay quick.
# Usage: exercise.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"
EX=$SRC/tests/data/exercises/tiny.json
DEC=$SRC/tests/data/exercises/tiny.decisions.json

expect 0 "Your decisions" "$BIN" exercise "$EX" --brief
expect 0 "Try value-based planning" "$BIN" exercise "$EX" --brief
expect 0 '"visit_planning": "route"' "$BIN" exercise "$EX" --template
"$BIN" exercise "$EX" --template > "$TMP/template.json" && ok || bad "template"
expect 0 "score" "$BIN" exercise "$EX" --decisions "$TMP/template.json" --threads 1 --no-key-moments
expect 0 "Key moments" "$BIN" exercise "$EX" --decisions "$DEC" --threads 2 --out "$TMP/out"
[ -s "$TMP/out/debrief.json" ] && [ -s "$TMP/out/turns.csv" ] && ok || bad "no debrief.json / turns.csv"
[ "$(wc -l < "$TMP/out/turns.csv")" = 4 ] && ok || bad "turns.csv should have a header and 3 turns"
"$BIN" exercise "$EX" --decisions "$DEC" --threads 1 --json --no-key-moments > "$TMP/t1.json" || bad "json run"
"$BIN" exercise "$EX" --decisions "$DEC" --threads 2 --json --no-key-moments > "$TMP/t2.json" || bad "json run"
python3 - "$TMP" <<'PY' && ok || bad "JSON debrief checks"
import json, sys
t = sys.argv[1]
a, b = json.load(open(f'{t}/t1.json')), json.load(open(f'{t}/t2.json'))
assert a['trainee_play']['score'] == b['trainee_play']['score'], 'score differs between 1 and 2 threads'
assert a['trainee_play']['state_hash'] == b['trainee_play']['state_hash']
assert len(a['trainee_play']['turns']) == 3 and a['trainee_play']['turns'][1]['changes'] == {'visit_planning': 'value', 'visits_per_day': 5}
d = json.load(open(f'{t}/out/debrief.json'))
assert d['trainee_play']['score'] == a['trainee_play']['score']
assert len(d['key_moments']) == 2
PY

# --- bad input: exit 2, the file and the JSON pointer -----------------------------------------------
bad_dec() { printf '%s\n' "$1" > "$TMP/bad.json"; expect 2 "$2" "$BIN" exercise "$EX" --decisions "$TMP/bad.json"; }
bad_dec '{"turns": [{"turn": 1, "decisions": {"visit_plan": "value"}}]}' "/turns/0/decisions/visit_plan: unknown decision"
bad_dec '{"turns": [{"turn": 1, "decisions": {"visits_per_day": 12}}]}' "/turns/0/decisions/visits_per_day: must be between 3 and 9, got 12"
bad_dec '{"turns": [{"turn": 7}]}' "/turns/0/turn: the exercise has turns 1 to 3, got 7"
bad_dec '{"turns": [' "bad.json:2:1: not valid JSON"
expect 2 "cannot open" "$BIN" exercise "$EX" --decisions "$TMP/none.json"
expect 2 "cannot open" "$BIN" exercise "$TMP/none.json" --brief
python3 -c "
import json; d = json.load(open('$EX')); d['scenario'] = '$SRC/scenarios/default.json'
d['decisions'][1]['pointer'] = '/reps/count'; d['decisions'][1]['type'] = 'integer'; d['decisions'][1]['default'] = 5
d['objectives'][0]['kpi'] = 'happiness'
json.dump(d, open('$TMP/badex.json', 'w'))"
expect 2 "/objectives/0/kpi" "$BIN" exercise "$TMP/badex.json" --brief
python3 -c "
import json; d = json.load(open('$EX')); d['scenario'] = '$SRC/scenarios/default.json'
d['decisions'][1]['pointer'] = '/reps/count'; d['decisions'][1]['type'] = 'integer'; d['decisions'][1]['default'] = 5
json.dump(d, open('$TMP/badex2.json', 'w'))"
expect 2 "/decisions/1/pointer: value 3 changes /reps/count" "$BIN" exercise "$TMP/badex2.json" --brief
expect 2 "--out /proc/no-such-dir: cannot create" "$BIN" exercise "$EX" --decisions "$DEC" --no-key-moments --out /proc/no-such-dir
finish
