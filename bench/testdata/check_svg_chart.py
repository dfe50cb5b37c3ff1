#!/usr/bin/python3
"""Checks bench/svg_chart.py on fixed trial lines: the SVG parses, has one
bar per (load, server) and per codec row, and the values in the bars' titles
are the medians of the rounds (so chart and table agree)."""
import os
import subprocess
import sys
import tempfile
import xml.dom.minidom

here = os.path.dirname(os.path.abspath(__file__))
chart = os.path.join(here, "..", "svg_chart.py")
failures = 0


def titles(path):
    doc = xml.dom.minidom.parse(path)
    return sorted(t.firstChild.data for t in doc.getElementsByTagName("title"))


def expect(what, got, want):
    global failures
    if got != want:
        failures += 1
        print(f"FAIL {what}:\n  got  {got}\n  want {want}")


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "s.svg")
    subprocess.run([sys.executable, chart, "servers", os.path.join(here, "servers-raw.txt"), out],
                   check=True)
    t = titles(out)
    expect("servers: six QPS and six p99 bars", len(t), 12)
    expect("servers: pst-nb QPS at c=64", "pst-nb c=64 d=1 s=32: 95000.0" in t, True)
    expect("servers: limit-1t p99 at c=16", "limit-1t c=16 d=16 s=32: 900.0" in t, True)

    out = os.path.join(tmp, "c.svg")
    subprocess.run([sys.executable, chart, "codec", os.path.join(here, "codec-raw.txt"), out],
                   check=True)
    # encode: median C++ 35 / median postern 18 = 1.94x; decode 75 / 30 = 2.50x
    expect("codec: speed-ups", titles(out),
           ["xtruct binary decode: 2.50x", "xtruct binary encode: 1.94x"])

    bad = subprocess.run([sys.executable, chart, "codec", os.path.join(here, "servers-raw.txt"),
                          out], capture_output=True, text=True)
    expect("codec chart of server lines fails", bad.returncode != 0, True)
    expect("and says why", "no pairs" in bad.stderr, True)

print("svg_chart: ok" if not failures else f"svg_chart: {failures} failures")
sys.exit(1 if failures else 0)
