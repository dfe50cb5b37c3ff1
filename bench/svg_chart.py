#!/usr/bin/python3
"""svg_chart.py: charts of benchmark results as plain SVG (no plotting library).

  svg_chart.py servers RAW OUT.svg [--title T]
      RAW: the raw trial lines bench/servers/compare.sh collects
      ("name=pst-nb round=1 c=64 d=1 s=32 qps=... p99_us=..."). Draws the
      median QPS and the median p99 per load, one bar per server.
  svg_chart.py codec RAW OUT.svg [--title T] [--goal X]
      RAW: the lines bench/codec/run.sh collects ("# lib=cpp msg=xtruct
      proto=binary op=encode ns_op=..."). Draws postern's speed-up over
      Thrift C++ per message, protocol and operation, with the goal as a line.

Medians are taken over the rounds in RAW, as the scripts' tables do, so the
chart and the table beside it agree.
"""
import statistics
import sys
from xml.sax.saxutils import escape

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
           "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
FONT = 'font-family="sans-serif"'


def fields(line):
    out = {}
    for tok in line.split():
        k, eq, v = tok.partition("=")
        if eq:
            out[k] = v
    return out


def text(x, y, s, anchor="start", extra="", size=12):
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} font-size="{size}" '
            f'{extra}>{escape(str(s))}</text>')


def fmt(v):
    if v >= 10000:
        return f"{v / 1000:.0f}k"
    if v >= 1000:
        return f"{v / 1000:.1f}k"
    return f"{v:.0f}" if v >= 10 else f"{v:.2f}"


def bar_panel(x0, y0, w, h, groups, series, values, unit, colors):
    """Grouped vertical bars: values[(group, series)] -> number."""
    out = []
    top = max([v for v in values.values()] + [1e-9]) * 1.15
    out.append(f'<line x1="{x0}" y1="{y0 + h}" x2="{x0 + w}" y2="{y0 + h}" stroke="#333"/>')
    out.append(text(x0, y0 - 6, unit, extra='font-weight="bold"'))
    gw = w / max(len(groups), 1)
    bw = gw * 0.8 / max(len(series), 1)
    for gi, g in enumerate(groups):
        gx = x0 + gi * gw + gw * 0.1
        for si, s in enumerate(series):
            v = values.get((g, s))
            if v is None:
                continue
            bh = h * v / top
            x = gx + si * bw
            out.append(f'<rect x="{x:.1f}" y="{y0 + h - bh:.1f}" width="{bw * 0.9:.1f}" '
                       f'height="{bh:.1f}" fill="{colors[s]}"><title>{escape(s)} {escape(g)}: '
                       f'{v:.1f}</title></rect>')
            out.append(text(x + bw * 0.45, y0 + h - bh - 3, fmt(v), "middle", size=9))
        out.append(text(x0 + gi * gw + gw / 2, y0 + h + 16, g, "middle"))
    return out


def servers_chart(raw, title):
    qps, p99, loads, names = {}, {}, [], []
    for line in raw:
        f = fields(line)
        if "name" not in f or "qps" not in f:
            continue
        load = f"c={f.get('c')} d={f.get('d')} s={f.get('s')}"
        if load not in loads:
            loads.append(load)
        if f["name"] not in names:
            names.append(f["name"])
        qps.setdefault((load, f["name"]), []).append(float(f["qps"]))
        p99.setdefault((load, f["name"]), []).append(float(f["p99_us"]))
    if not qps:
        raise SystemExit("svg_chart.py: no trial lines (name=... qps=...) in the input")
    med_q = {k: statistics.median(v) for k, v in qps.items()}
    med_p = {k: statistics.median(v) for k, v in p99.items()}
    colors = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}
    width = max(640, 140 + len(loads) * (len(names) * 26 + 30))
    ph = 220
    out = [text(20, 24, title, extra='font-weight="bold"', size=15)]
    out += bar_panel(60, 60, width - 90, ph, loads, names, med_q, "QPS (median of rounds)", colors)
    out += bar_panel(60, 60 + ph + 70, width - 90, ph, loads, names, med_p,
                     "p99 latency, us (median of rounds)", colors)
    ly = 60 + 2 * ph + 120
    for i, n in enumerate(names):
        x = 60 + (i % 5) * 150
        y = ly + (i // 5) * 18
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colors[n]}"/>')
        out.append(text(x + 18, y, n))
    height = ly + ((len(names) + 4) // 5) * 18 + 10
    return width, height, out


def codec_chart(raw, title, goal):
    ns = {}
    rows = []
    for line in raw:
        f = fields(line)
        if "lib" not in f or "ns_op" not in f:
            continue
        row = (f["msg"], f["proto"], f["op"])
        if row not in rows:
            rows.append(row)
        ns.setdefault((f["lib"],) + row, []).append(float(f["ns_op"]))
    speed = []
    for row in rows:
        c, p = ns.get(("cpp",) + row), ns.get(("postern",) + row)
        if c and p:
            speed.append((" ".join(row), statistics.median(c) / statistics.median(p)))
    if not speed:
        raise SystemExit("svg_chart.py: no pairs of lib=cpp and lib=postern lines in the input")
    top = max(max(s for _, s in speed), goal) * 1.1
    x0, w, rh = 190, 520, 18
    out = [text(20, 24, title, extra='font-weight="bold"', size=15)]
    y0 = 50
    for i, (label, s) in enumerate(speed):
        y = y0 + i * rh
        bw = w * s / top
        color = PALETTE[0] if s >= goal else PALETTE[3]
        out.append(text(x0 - 8, y + 12, label, "end"))
        out.append(f'<rect x="{x0}" y="{y + 2}" width="{bw:.1f}" height="{rh - 4}" fill="{color}">'
                   f'<title>{escape(label)}: {s:.2f}x</title></rect>')
        out.append(text(x0 + bw + 4, y + 12, f"{s:.2f}x", size=10))
    gx = x0 + w * goal / top
    bottom = y0 + len(speed) * rh
    out.append(f'<line x1="{gx:.1f}" y1="{y0 - 4}" x2="{gx:.1f}" y2="{bottom + 4}" '
               f'stroke="#333" stroke-dasharray="4 3"/>')
    out.append(text(gx, bottom + 18, f"goal {goal:g}x", "middle"))
    out.append(text(x0, bottom + 36, "speed-up = Thrift C++ ns/op / postern ns/op (median of runs)"))
    return x0 + w + 80, bottom + 50, out


def main(argv):
    if len(argv) < 4 or argv[1] not in ("servers", "codec"):
        sys.stderr.write(__doc__)
        return 2
    kind, raw_path, out_path = argv[1], argv[2], argv[3]
    title = kind == "servers" and "Echo servers" or "Codec speed-up over Thrift C++"
    goal = 2.0
    rest = argv[4:]
    while rest:
        if rest[0] == "--title" and len(rest) > 1:
            title = rest[1]
        elif rest[0] == "--goal" and len(rest) > 1:
            goal = float(rest[1])
        else:
            sys.stderr.write(f"svg_chart.py: unknown option {rest[0]!r}\n")
            return 2
        rest = rest[2:]
    with open(raw_path, encoding="utf-8") as f:
        raw = [line.lstrip("# ").strip() for line in f]
    if kind == "servers":
        width, height, body = servers_chart(raw, title)
    else:
        width, height, body = codec_chart(raw, title, goal)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
                f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">\n')
        f.write(f'<rect width="100%" height="100%" fill="white"/>\n')
        f.write("\n".join(body))
        f.write("\n</svg>\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
