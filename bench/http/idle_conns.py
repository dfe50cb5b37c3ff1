#!/usr/bin/env python3
"""idle_conns.py PORT N http|rpc HOLD_SECONDS

Opens N connections to 127.0.0.1:PORT; on each makes one request and reads
its whole answer: `GET /health` (HTTP/1.1, keep-alive) for http, one framed
binary Echo.echo call for rpc. Then holds them all open, idle, prints
"ready N" on stdout and sleeps HOLD_SECONDS (bench/http/run.sh reads the
server's memory meanwhile and then stops this program)."""
import socket
import struct
import sys
import time


def http_exchange(s):
    s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed before the answer's head")
        buf += chunk
    head, body = buf.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError("unexpected answer: %r" % head[:40])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(body) < length:
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed in the body")
        body += chunk


def rpc_exchange(s, seqid):
    msg = b"m" * 32
    args = (b"\x0c\x00\x01" + b"\x0b\x00\x01" + struct.pack(">i", len(msg)) + msg + b"\x00\x00")
    call = struct.pack(">Ii", 0x80010001, 4) + b"echo" + struct.pack(">i", seqid) + args
    s.sendall(struct.pack(">i", len(call)) + call)
    buf = b""
    while len(buf) < 4 or len(buf) < 4 + struct.unpack(">i", buf[:4])[0]:
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed before the reply")
        buf += chunk
    if struct.unpack(">I", buf[4:8])[0] != 0x80010002:
        raise RuntimeError("not a REPLY: %r" % buf[:16])


def main():
    if len(sys.argv) != 5 or sys.argv[3] not in ("http", "rpc"):
        sys.stderr.write(__doc__)
        return 2
    port, n, kind, hold = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    conns = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if kind == "http":
            http_exchange(s)
        else:
            rpc_exchange(s, i + 1)
        conns.append(s)
    print("ready %d" % len(conns), flush=True)
    time.sleep(hold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
