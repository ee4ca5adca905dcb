#!/usr/bin/env python3
"""Draws a log-log chart (SVG) of wall time and peak memory against accounts, from the scaling table
of docs/performance.md. Usage: loglog_svg.py OUT.svg  (the data are below, as measured; edit them
with a new measurement)."""
import math, sys

# accounts, wall seconds for 30 simulated days on 1 thread, peak RSS MiB (salesim bench, see docs/performance.md;
# 2026-12-07, session-7 code)
DATA = [(10_000, 0.041, 16), (50_000, 0.205, 31), (200_000, 0.937, 85), (1_000_000, 4.441, 370)]

W, H, L, R, T, B = 720, 400, 70, 200, 30, 60
x0, x1 = 4, 6.2          # log10 accounts
y0 = math.floor(math.log10(min(min(s, m) for _, s, m in DATA)))  # log10 of seconds or MiB
y1 = math.ceil(math.log10(max(max(s, m) for _, s, m in DATA)))
def px(a): return L + (math.log10(a) - x0) / (x1 - x0) * (W - L - R)
def py(v): return H - B - (math.log10(v) - y0) / (y1 - y0) * (H - T - B)

out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>']
for e in range(y0, y1 + 1):
    y = py(10 ** e)
    out.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W-R}" y2="{y:.1f}" stroke="#ddd"/>')
    out.append(f'<text x="{L-8}" y="{y+4:.1f}" text-anchor="end">{10**e:g}</text>')
for a in (1e4, 1e5, 1e6):
    x = px(a)
    out.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{H-B}" stroke="#ddd"/>')
    out.append(f'<text x="{x:.1f}" y="{H-B+18}" text-anchor="middle">{int(a):,}</text>')
out.append(f'<text x="{(L+W-R)/2:.0f}" y="{H-18}" text-anchor="middle">accounts (log scale)</text>')
out.append(f'<text x="16" y="{(T+H-B)/2:.0f}" transform="rotate(-90 16 {(T+H-B)/2:.0f})" text-anchor="middle">seconds / MiB (log scale)</text>')
# the slope-1 reference through the first wall-time point
a0, s0, _ = DATA[0]
out.append(f'<line x1="{px(a0):.1f}" y1="{py(s0):.1f}" x2="{px(1e6):.1f}" y2="{py(s0*1e6/a0):.1f}" stroke="#999" stroke-dasharray="4 4"/>')
for idx, (name, colour) in enumerate((("wall time, 30 days, 1 thread (s)", "#1f77b4"), ("peak memory (MiB)", "#d62728"))):
    pts = [(px(a), py(v[idx])) for a, *v in DATA]
    out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (colour, " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)))
    for x, y in pts:
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
    out.append(f'<rect x="{W-R+10}" y="{T+20+idx*40}" width="12" height="12" fill="{colour}"/>')
    words = name.split(", ", 1)
    out.append(f'<text x="{W-R+28}" y="{T+30+idx*40}">{words[0]}</text>')
    if len(words) > 1:
        out.append(f'<text x="{W-R+28}" y="{T+45+idx*40}">{words[1]}</text>')
out.append(f'<line x1="{W-R+10}" y1="{T+106}" x2="{W-R+22}" y2="{T+106}" stroke="#999" stroke-dasharray="4 4"/>')
out.append(f'<text x="{W-R+28}" y="{T+110}">linear (slope 1)</text>')
out.append('</svg>')
open(sys.argv[1], "w").write("\n".join(out) + "\n")
