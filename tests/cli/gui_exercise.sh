#!/usr/bin/env bash
# salesim-gui --exercise (docs/gui.md#exercise): the play view at a given turn and the debrief, rendered
# under Xvfb from a recorded decisions file of the tiny test exercise; bad input exits 2 before a window.
# Usage: gui_exercise.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
GUI=$(dirname "$BIN")/../gui/salesim-gui
if [ ! -x "$GUI" ]; then echo "SKIP: $GUI was not built"; exit 0; fi
if ! command -v xvfb-run >/dev/null; then echo "FAIL: xvfb-run is missing"; exit 1; fi
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"
GUI_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
xgui() { ASAN_OPTIONS=$GUI_ASAN xvfb-run -a -s '-screen 0 1600x1000x24' "$GUI" "$@"; }
EX=$SRC/tests/data/exercises/tiny.json
DEC=$SRC/tests/data/exercises/tiny.decisions.json
expect 0 "wrote" xgui --exercise "$EX" --decisions "$DEC" --panel play --turn 3 --threads 1 --screenshot "$TMP/play.png"
expect 0 "wrote" xgui --exercise "$EX" --decisions "$DEC" --panel debrief --threads 1 --screenshot "$TMP/debrief.png"
"$BIN" exercise "$EX" --decisions "$DEC" --threads 1 --json --no-key-moments > "$TMP/cli.json" || bad "CLI play failed"
expect 2 "/turns/0/decisions/visit_plan" bash -c "printf '{\"turns\":[{\"turn\":1,\"decisions\":{\"visit_plan\":1}}]}' > $TMP/bad.json; ASAN_OPTIONS=$GUI_ASAN $GUI --exercise $EX --decisions $TMP/bad.json --screenshot $TMP/x.png"
expect 2 "--turn 9" env ASAN_OPTIONS=$GUI_ASAN "$GUI" --exercise "$EX" --turn 9 --screenshot "$TMP/x.png"
expect 2 "need --exercise" env ASAN_OPTIONS=$GUI_ASAN "$GUI" --panel debrief --screenshot "$TMP/x.png"
python3 - "$TMP" <<'PY' && ok || bad "sidecar checks"
import json, sys
t = sys.argv[1]
p, d, c = (json.load(open(f'{t}/{n}')) for n in ('play.png.json', 'debrief.png.json', 'cli.json'))
assert p['panel'] == 'play' and p['turn'] == 3 and p['turns_done'] == 2, p
assert p['decisions']['breaker']['value'] is False and p['decisions']['breaker']['in_force'] is True  # turn 3's choice shown
titles = [x['title'] for x in p['charts']]
assert 'Score so far, by turn' in titles and 'Invalid visit rate' in titles, titles
assert d['panel'] == 'debrief' and d['ready'] and d['key_moments'] == 2, d
assert abs(d['score'] - c['trainee_play']['score']) < 1e-9, (d['score'], c['trainee_play']['score'])  # the CLI's score
assert abs(d['nothing_score'] - c['nothing_play']['score']) < 1e-9
assert any(x['title'].startswith('Score by turn') and len(x['series']) == 2 for x in d['charts'])
PY
finish
