#!/usr/bin/env python3
"""png_check.py FILE WIDTH HEIGHT: is FILE a screenshot of the /status page?

Decodes the PNG with the standard library only (zlib and the five row
filters of the PNG specification) and checks: the signature and size; that
the page is not blank (many distinct colours); and that the top band of the
page is the dark header of the status page (#24292f), i.e. its stylesheet
was applied. Exit 0 when all hold, 1 with a message otherwise."""
import struct
import sys
import zlib


def fail(msg):
    print("png_check: " + msg, file=sys.stderr)
    sys.exit(1)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG (bad signature)")
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if not ihdr or not idat:
        fail("no IHDR or IDAT chunk")
    width, height, depth, ctype, _, _, interlace = ihdr
    channels = {2: 3, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        fail("unexpected PNG format (depth %d, colour type %d, interlace %d)"
             % (depth, ctype, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif f == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 0xFF
            elif f != 0:
                fail("bad filter type %d in row %d" % (f, y))
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def main():
    path, want_w, want_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 10000:
        fail("%s is only %d bytes" % (path, len(data)))
    w, h, ch, rows = decode(data)
    if (w, h) != (want_w, want_h):
        fail("size %dx%d, expected %dx%d" % (w, h, want_w, want_h))
    colours = set()
    for y in range(0, h, 3):
        row = rows[y]
        for x in range(0, w, 3):
            colours.add(row[x * ch:x * ch + 3])
    if len(colours) < 20:
        fail("only %d distinct colours: a blank or broken page" % len(colours))
    # The header band: 10 px down, well right of the title text.
    px = rows[10][(w - 20) * ch:(w - 20) * ch + 3]
    if tuple(px) != (0x24, 0x29, 0x2F):
        fail("no dark header at the top (pixel %s): the page's style is missing"
             % tuple(px).__repr__())
    print("png_check: %s %dx%d, %d colours, header present" % (path, w, h, len(colours)))


main()
