#!/usr/bin/env bash
# The desktop app, tested without a screen: salesim-gui renders panels under Xvfb to PNG files
# (docs/gui.md). Checks that a screenshot is not blank and that the KPI chart shows the run's data
# (the same numbers the CLI computes, drawn where they belong), that bad input exits with code 2
# before any window opens, that a bad file opened in the app is listed while the last good scenario
# stays loaded, that an invalid edit is refused with the validator's message, that A/B runs share
# a seed, and that edits survive in the recovery file.
# Usage: gui_screenshot.sh SALESIM_BINARY SOURCE_DIR
set -u
BIN=$1; SRC=$2
GUI=$(dirname "$BIN")/../gui/salesim-gui
if [ ! -x "$GUI" ]; then
  echo "SKIP: $GUI was not built (the build needs libimgui-dev, libglfw3-dev and OpenGL; see .ci/install-deps)"
  exit 0
fi
if ! command -v xvfb-run >/dev/null; then
  echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth; 'make test' installs it)"
  exit 1
fi
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/expect.bash"
SCEN=$SRC/scenarios/default.json
# In sanitizer builds Mesa's software GL driver, unloaded at exit, leaks a few hundred bytes that
# LeakSanitizer cannot attribute, so leak checking is off for the app (address and UB errors are
# still fatal); the CLI runs keep it.
GUI_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
guibin() { ASAN_OPTIONS=$GUI_ASAN "$GUI" "$@"; }
xgui() { ASAN_OPTIONS=$GUI_ASAN xvfb-run -a -s '-screen 0 1600x1000x24' "$GUI" "$@"; }
DAYS=120
# A shorter horizon keeps the test quick; the GUI and the CLI get the same override.
gui() { xgui "$SCEN" --set /clock/days=$DAYS --threads 1 --no-recovery "$@"; }


# --- the reference run, by the CLI ---------------------------------------------------------------
"$BIN" run "$SCEN" --set /clock/days=$DAYS --threads 1 --quiet --out "$TMP/cli" >/dev/null || bad "CLI run failed"

# --- the Run panel --------------------------------------------------------------------------------
expect 0 "wrote" gui --screenshot "$TMP/run.png" --frames 3 --panel run
[ -s "$TMP/run.png" ] && ok || bad "no run.png"
[ -s "$TMP/run.png.json" ] && ok || bad "no run.png.json sidecar"

# --- the A/B comparison, a refused edit, a bad file opened in the app ------------------------------
expect 0 "wrote" gui --screenshot "$TMP/ab.png" --panel whatif --set-b /reps/visits_per_day=8
expect 0 "wrote" gui --screenshot "$TMP/edit.png" --family reps --edit /reps/visits_per_day=-3
printf '{"name": "broken", "reps": {"count": -3, "visits_per_dya": 5}}\n' > "$TMP/bad.json"
expect 0 "wrote" gui --screenshot "$TMP/open_bad.png" --open "$TMP/bad.json"
expect 0 "wrote" gui --screenshot "$TMP/graph.png" --panel graph
expect 0 "wrote" gui --screenshot "$TMP/reps.png" --panel reps --rep 3
# Pods with specialists, cards and discounts, in a scenario with intervention rules: the Pods panel
# and a rep's interventions against the CLI's pods.csv and interventions.csv.
AFTER=("$SRC/scenarios/fmcg-after.json" --set /clock/days=60 --set /pods/organisation=pods
  --set /pods/cards/rate=0.05 --set /pods/discounts/ask_probability=0.2 --threads 1)
"$BIN" run "${AFTER[@]}" --quiet --out "$TMP/cli_after" >/dev/null || bad "CLI run of fmcg-after failed"
expect 0 "wrote" xgui "${AFTER[@]}" --no-recovery --screenshot "$TMP/pods.png" --panel pods
IVREP=$(python3 -c 'import csv, sys; print(next((r["rep"] for r in csv.DictReader(open(sys.argv[1])) if r["rep"]), 0))' "$TMP/cli_after/interventions.csv")
expect 0 "wrote" xgui "${AFTER[@]}" --no-recovery --screenshot "$TMP/rep_iv.png" --panel reps --rep "${IVREP:-0}"

# --- save: an edited scenario is written valid by construction and loads back as edited --------------
expect 0 "wrote" gui --screenshot "$TMP/saved.png" --edit /reps/count=50 --save "$TMP/saved.json"
expect 0 "ok" "$BIN" validate "$TMP/saved.json"
grep -q '"count": 50' "$TMP/saved.json" && ok || bad "saved scenario lacks the edit /reps/count=50"
expect 2 "cannot write" guibin "$SCEN" --save "$TMP/no/such/dir/x.json" --screenshot "$TMP/x.png"

# --- bad input: exit code 2 and a message naming the problem, before any window is needed ---------
expect 2 "/reps/count" guibin "$TMP/bad.json" --screenshot "$TMP/x.png"
expect 2 "visits_per_dya" guibin "$TMP/bad.json" --screenshot "$TMP/x.png"
expect 2 "no-such.json" guibin "$TMP/no-such.json" --screenshot "$TMP/x.png"
printf '{"name": "truncated", "reps": {' > "$TMP/trunc.json"
expect 2 "not valid JSON" guibin "$TMP/trunc.json" --screenshot "$TMP/x.png"
expect 2 "--panel" guibin "$SCEN" --panel nope --screenshot "$TMP/x.png"
expect 2 "--size" guibin "$SCEN" --size huge --screenshot "$TMP/x.png"
expect 2 "/reps/count" guibin "$SCEN" --set /reps/count=0 --screenshot "$TMP/x.png"
[ -e "$TMP/x.png" ] && bad "a PNG was written for bad input" || ok

# --- recovery: an accepted edit is autosaved and offered back at the next start --------------------
rec=$TMP/recovery.json
xgui "$SCEN" --set /clock/days=20 --threads 1 --recovery-file "$rec" \
  --edit /reps/count=50 --screenshot "$TMP/rec1.png" >/dev/null 2>&1 || bad "recovery run 1 failed"
xgui "$SCEN" --set /clock/days=20 --threads 1 --recovery-file "$rec" \
  --screenshot "$TMP/rec2.png" >/dev/null 2>&1 || bad "recovery run 2 failed"

python3 - "$TMP" "$DAYS" <<'EOF' || fails=$((fails+1))
import csv, json, struct, sys, zlib
tmp, days = sys.argv[1], int(sys.argv[2])
problems = []
def check(cond, what):
    if not cond: problems.append(what)

def read_png(path):
    """8-bit RGB/RGBA PNG (as stb_image_write makes them) -> (w, h, channels, rows of bytes)."""
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and ctype in (2, 6), 'unexpected PNG format'
            ch = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * ch, [], bytearray(w * ch)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b, c = prev[i], prev[i - ch] if i >= ch else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return w, h, ch, rows

def pixel(img, x, y):
    w, h, ch, rows = img
    return tuple(rows[y][x * ch:x * ch + 3])

def near(p, q, tol=40):
    return all(abs(a - b) <= tol for a, b in zip(p, q))

def hexcolor(s):
    return tuple(int(s[i:i + 2], 16) for i in (1, 3, 5))

# 1. The Run panel is a real picture, 1600x1000, not blank.
img = read_png(f'{tmp}/run.png')
w, h, ch, rows = img
check((w, h) == (1600, 1000), f'run.png is {w}x{h}, wanted 1600x1000')
sample = {pixel(img, x, y) for y in range(0, h, 7) for x in range(0, w, 7)}
check(len(sample) > 200, f'run.png looks blank: {len(sample)} distinct colours')
lum = [sum(pixel(img, x, y)) / 3 for y in range(0, h, 10) for x in range(0, w, 10)]
mean = sum(lum) / len(lum)
check((sum((v - mean) ** 2 for v in lum) / len(lum)) ** 0.5 > 10, 'run.png has almost no contrast')

# 2. The sidecar says what was drawn, and it is the CLI's run.
side = json.load(open(f'{tmp}/run.png.json'))
summary = json.load(open(f'{tmp}/cli/summary.json'))
ts = list(csv.DictReader(open(f'{tmp}/cli/timeseries.csv')))
check(side['panel'] == 'run', f"panel {side['panel']}")
check(side['a']['done'] and side['a']['days_done'] == days, f"run not finished: {side['a'].get('days_done')}")
rev_cli = summary['kpis']['revenue']
rev_cli = rev_cli['value'] if isinstance(rev_cli, dict) else rev_cli
check(abs(side['a']['kpis']['revenue'] - rev_cli) <= 1e-6 * abs(rev_cli), f"GUI revenue {side['a']['kpis']['revenue']} != CLI {rev_cli}")
check(abs(side['a']['revenue_sum'] - sum(float(r['revenue']) for r in ts)) <= 1e-6 * rev_cli, 'daily revenue rows differ from timeseries.csv')
charts = {c['title']: c for c in side['charts']}
for t in ['Revenue per day', 'Gross margin', 'Invalid visit rate', 'Active customers', 'Payouts to reps, cumulative', 'Forecast error (MAPE)']:
    check(t in charts, f'chart {t!r} not drawn')
cust = charts['Active customers']['series'][0]
check(cust['points'] == days, f"customers chart has {cust['points']} points, wanted {days}")
cust_cli = [float(r['customers']) for r in ts]
check((cust['first'], cust['last'], cust['min'], cust['max']) == (cust_cli[0], cust_cli[-1], min(cust_cli), max(cust_cli)),
      'customers chart values differ from timeseries.csv')
rev = charts['Revenue per day']['series'][0]
check(rev['points'] == days and rev['max'] > 0, 'revenue chart is empty')

# 2b. Win rate and forecast vs actual show the run's data: the rolling 28-day first_orders / engaged
#     of timeseries.csv, and each forecast bucket's units held over the days it covers, with the
#     band forecast x (1 +/- mean |actual - forecast| / actual of the previous 8 buckets).
def close(a, b, rel=1e-4):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))
def stats_match(s, vals, what):
    check(s['points'] == len(vals), f"{what}: {s['points']} points, wanted {len(vals)}")
    if vals and s['points'] == len(vals):
        ok = close(s['first'], vals[0]) and close(s['last'], vals[-1]) and close(s['min'], min(vals)) and close(s['max'], max(vals)) and close(s['sum'], sum(vals))
        check(ok, f"{what}: drawn {s['first']}..{s['last']} sum {s['sum']}, timeseries.csv gives {vals[0]}..{vals[-1]} sum {sum(vals)}")
WR, FVA = 'Win rate, rolling 28 days', 'Forecast vs actual'
check(WR in charts and FVA in charts, 'win rate or forecast vs actual chart not drawn')
eng = [float(r['engaged']) for r in ts]; won = [float(r['first_orders']) for r in ts]
wr = [sum(won[max(0, i - 27):i + 1]) / sum(eng[max(0, i - 27):i + 1]) for i in range(days) if sum(eng[max(0, i - 27):i + 1]) > 0]
check(len(wr) > days // 2, f'win rate defined on only {len(wr)} days: the scenario opens too few deals')
stats_match(charts[WR]['series'][0], wr, 'win rate')
closes = [i for i, r in enumerate(ts) if r['forecast_units'] != '']
check(len(closes) >= 4, f'only {len(closes)} forecast buckets closed in {days} days')
fc_days, ac_days, band = [], [], []
blen = min([closes[0] + 1] + [b - a for a, b in zip(closes, closes[1:])])
apes = []
for k, c in enumerate(closes):
    f, a = float(ts[c]['forecast_units']), float(ts[c]['actual_units'])
    n = c - max(closes[k - 1] + 1 if k else 0, c - blen + 1) + 1
    fc_days += [f] * n; ac_days += [a] * n
    if apes:
        m = sum(apes[-8:]) / len(apes[-8:])
        band += [(max(0, f * (1 - m)), f * (1 + m))] * n
    if a > 0: apes.append(abs(a - f) / a)
fva = charts[FVA]
check([s['label'] for s in fva['series']] == ['forecast', 'actual'], f"forecast chart series {[s['label'] for s in fva['series']]}")
stats_match(fva['series'][0], fc_days, 'forecast units')
stats_match(fva['series'][1], ac_days, 'actual units')
b = fva['bands'][0] if fva.get('bands') else {'points': 0}
check(b['points'] == len(band) and band and close(b['lo_min'], min(x for x, _ in band)) and close(b['hi_max'], max(y for _, y in band)),
      f"error band: {b}, wanted {len(band)} days from {min(x for x, _ in band) if band else None} to {max(y for _, y in band) if band else None}")

# 3. The pixels show it: the series colour runs across the plot, and the last customer count is
#    drawn at the height the axis gives it.
def line_columns(chart):
    x0, y0, x1, y1 = [int(round(v)) for v in chart['plot']]
    col = hexcolor(chart['series'][0]['color'])
    cols = [x for x in range(x0 + 1, x1 - 1) if any(near(pixel(img, x, y), col) for y in range(y0 + 1, y1 - 1))]
    return cols, (x0, y0, x1, y1), col
for t in ['Revenue per day', 'Active customers', 'Invalid visit rate']:
    cols, (x0, y0, x1, y1), col = line_columns(charts[t])
    check(len(cols) > 0.8 * (x1 - x0 - 2), f'{t}: the line covers {len(cols)} of {x1 - x0} columns')
# The new charts' lines run across the part of the plot their data spans.
def plot_x(chart, day):
    x0, _, x1, _ = chart['plot']
    return x0 + day / (days - 1) * (x1 - x0)
for t, k, d0, d1 in [(WR, 0, next(i for i in range(days) if sum(eng[max(0, i - 27):i + 1]) > 0), days - 1),
                     (FVA, 1, 0, closes[-1] if closes else 0), (FVA, 0, 0, closes[-1] if closes else 0)]:
    ch = charts[t]
    _, y0, _, y1 = [int(round(v)) for v in ch['plot']]
    col = hexcolor(ch['series'][k]['color'])
    xs = range(int(plot_x(ch, d0)) + 2, int(plot_x(ch, d1)) - 1)
    hit = [x for x in xs if any(near(pixel(img, x, y), col, 30) for y in range(y0 + 1, y1 - 1))]
    check(len(xs) > 20 and len(hit) > 0.8 * len(xs), f"{t} / {ch['series'][k]['label']}: line in {len(hit)} of {len(xs)} columns")
c = charts['Active customers']
x0, y0, x1, y1 = c['plot']
lo, hi = c['y_range']
y_last = y1 - (cust['last'] - lo) / (hi - lo) * (y1 - y0)
xe = int(x1) - 2
col = hexcolor(cust['color'])
check(any(near(pixel(img, x, y), col) for x in range(xe - 3, xe + 1) for y in range(int(y_last) - 4, int(y_last) + 5)),
      f'no line pixel near the last customer count ({xe}, {y_last:.0f})')

# 4. A/B: both runs finished with the same seed; B differs; the charts overlay two series.
ab = json.load(open(f'{tmp}/ab.png.json'))
check(ab['panel'] == 'whatif', 'ab: wrong panel')
check(ab['a']['seed'] == ab['b']['seed'], 'A and B seeds differ')
check(ab['a']['done'] and ab['b']['done'], 'A/B runs not finished')
check(ab['b']['kpis']['revenue'] != ab['a']['kpis']['revenue'], 'B revenue equals A revenue')
check(any(d['path'] == '/reps/visits_per_day' for d in ab.get('parameter_differences', [])), 'parameter difference not listed')
check(all(len(c['series']) == (4 if c['title'] == FVA else 2) for c in ab['charts']), 'A/B charts do not overlay A and B')
check([s['label'] for s in next(c for c in ab['charts'] if c['title'] == FVA)['series']] == ['A forecast', 'A actual', 'B forecast', 'B actual'],
      'A/B forecast chart does not overlay both runs')
check(any(c['title'] == WR for c in ab['charts']), 'A/B has no win-rate chart')
check(len(ab.get('kpi_differences', [])) > 10, 'no KPI differences table')

# 5. An invalid edit is refused with the validator's message; the run goes on.
ed = json.load(open(f'{tmp}/edit.png.json'))
check(ed['refused'] and ed['refused']['pointer'] == '/reps/visits_per_day' and 'must be > 0' in ed['refused']['message'],
      f"edit not refused as expected: {ed.get('refused')}")
check(ed['a']['done'], 'the run did not go on after a refused edit')

# 6. A bad file opened in the app: problems listed, last good scenario kept and still finished.
ob = json.load(open(f'{tmp}/open_bad.png.json'))
check(any('/reps/count' in p for p in ob['problems']) and any('visits_per_dya' in p for p in ob['problems']),
      f"problems of the bad file not listed: {ob['problems']}")
check(ob['a']['scenario'] != 'broken' and ob['a']['done'], 'the last good scenario was not kept')

# 7. Buying centre and reps panels drew their subjects.
g = json.load(open(f'{tmp}/graph.png.json'))
check(g['panel'] == 'graph' and len(g.get('contacts', [])) >= 1, 'buying centre drew no contacts')
r = json.load(open(f'{tmp}/reps.png.json'))
check(r['panel'] == 'reps' and r.get('rep') == 3 and r.get('statements', 0) >= 4, f"reps panel: {r.get('rep')}, {r.get('statements')}")

# 7b. The pods table shows the engine's per-pod figures (pods.csv); the rep detail lists the
#     rep's interventions (interventions.csv).
pd = json.load(open(f'{tmp}/pods.png.json'))
pods_cli = {int(r['pod']): r for r in csv.DictReader(open(f'{tmp}/cli_after/pods.csv'))}
check(pd['panel'] == 'pods' and len(pd.get('pods', [])) == len(pods_cli), f"pods table has {len(pd.get('pods', []))} rows, pods.csv {len(pods_cli)}")
for row in pd.get('pods', []):
    cli = pods_cli[row['pod']]
    for col, key in [('revenue CNY', 'revenue'), ('margin', 'gross_margin'), ('win rate', 'win_rate'), ('cycle days', 'cycle_days'),
                     ('cards', 'cards_raised'), ('response h', 'card_response_hours'), ('reuse', 'knowledge_reuse'),
                     ('discounts', 'discounts'), ('mean disc.', 'mean_discount'), ('specialists', 'specialists')]:
        want = float(cli[key]) if cli[key] not in ('', 'nan') else None
        got = row.get(col)
        check((want is None and got is None) or (want is not None and got is not None and close(got, want)),
              f"pod {row['pod']} {col}: GUI {got}, pods.csv {want}")
check(sum(float(r['cards_raised']) for r in pods_cli.values()) > 0 and sum(float(r['discounts']) for r in pods_cli.values()) > 0,
      'no cards or discounts in the pods run: the pods test is weak')
ri = json.load(open(f'{tmp}/rep_iv.png.json'))
ivs = list(csv.DictReader(open(f'{tmp}/cli_after/interventions.csv')))
ivrep = ri.get('rep')
want = sum(1 for r in ivs if r['rep'] == str(ivrep))
check(want > 0 and ri.get('rep_interventions') == want, f"rep {ivrep}: {ri.get('rep_interventions')} interventions listed, interventions.csv has {want}")

# 8. Recovery: the accepted edit was autosaved, and offered back at the next start.
rec = json.load(open(f'{tmp}/recovery.json'))
check(rec['a']['reps']['count'] == 50, 'recovery file lacks the edit')
r2 = json.load(open(f'{tmp}/rec2.png.json'))
check(r2['recovery_offered'], 'recovered edits were not offered at the next start')

for p in problems: print('FAIL:', p)
print(f'python checks: {len(problems)} failed')
sys.exit(1 if problems else 0)
EOF

echo "gui_screenshot: $passes shell checks passed, $fails failed"
[ "$fails" -eq 0 ]
