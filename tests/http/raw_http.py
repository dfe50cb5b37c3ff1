#!/usr/bin/python3
"""raw_http.py PORT: the front door's byte-level rules, with raw sockets,
against a thrifttest-server on 127.0.0.1:PORT (any server model).

Request smuggling, limits, malformed requests, pipelining, a byte-by-byte
sender, the exact CONNECT answer and the bytes sent right after it, and
that none of it disturbs another connection or the RPC port. Exit status:
the number of failed checks.
"""
import socket
import struct
import sys
import time

from thrift.protocol import TBinaryProtocol, TCompactProtocol
from thrift.transport import TTransport
from ThriftTest import ThriftTest

PORT = int(sys.argv[1])
# The simple model serves one connection at a time: no connection may stay
# open while the next one is tried.
ONE_AT_A_TIME = "--one-at-a-time" in sys.argv[2:]
failures = 0


def fail(msg):
    global failures
    failures += 1
    sys.stderr.write("FAIL: %s\n" % msg)


def conn():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    return s


def read_all(s, limit=1 << 20):
    """Everything until the server closes (or the timeout)."""
    out = b""
    try:
        while len(out) < limit:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        out += b"<timeout>"
    return out


PENDING = {}  # socket -> bytes read past the last response


def read_response(s):
    """One response with a Content-Length body; returns (status, head, body)."""
    buf = PENDING.pop(s, b"")
    while b"\r\n\r\n" not in buf:
        b = s.recv(65536)
        if not b:
            return 0, buf, b""
        buf += b
    head, rest = buf.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, v = line.split(b":", 1)
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(rest) < length:
        b = s.recv(65536)
        if not b:
            break
        rest += b
    PENDING[s] = rest[length:]
    return status, head, rest[:length]


def expect_close_status(what, raw, want):
    s = conn()
    s.sendall(raw)
    got = read_all(s)
    s.close()
    line = got.split(b"\r\n", 1)[0]
    if not line.startswith(b"HTTP/1.1 %d " % want):
        fail("%s: want %d and close, got %r" % (what, want, got[:200]))
    elif not got.endswith(b"\n") or b"<timeout>" in got:
        fail("%s: the server did not close after %d: %r" % (what, want, got[-80:]))


def thrift_call(proto_cls, framed, name="testString", arg="hi"):
    """A CALL message for ThriftTest.testString, as bytes."""
    buf = TTransport.TMemoryBuffer()
    proto = proto_cls(buf)
    proto.writeMessageBegin(name, 1, 7)
    args = ThriftTest.testString_args(thing=arg)
    args.write(proto)
    proto.writeMessageEnd()
    data = buf.getvalue()
    return struct.pack(">I", len(data)) + data if framed else data


def read_thrift_reply(s, framed, proto_cls):
    if framed:
        n = struct.unpack(">I", recv_exact(s, 4))[0]
        data = recv_exact(s, n)
    else:
        data = b""
        s.settimeout(0.5)
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
                if data.endswith(b"\x00") and len(data) > 10:
                    break
        except socket.timeout:
            pass
        s.settimeout(10)
    proto = proto_cls(TTransport.TMemoryBuffer(data))
    name, mtype, seqid = proto.readMessageBegin()
    res = ThriftTest.testString_result()
    res.read(proto)
    return name, seqid, res.success


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        b = s.recv(n - len(out))
        if not b:
            raise EOFError("closed after %d of %d bytes" % (len(out), n))
        out += b
    return out


# ---- a connection that stays open through the hostile ones below
keeper = conn()
keeper.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
st, _, body = read_response(keeper)
if (st, body) != (200, b"ok\n"):
    fail("keep-alive connection: first /health answered %d %r" % (st, body))
if ONE_AT_A_TIME:
    keeper.close()

# ---- smuggling (RFC 9112 6.1, 6.3): 400 and close
post = b"POST /ThriftTest/testString HTTP/1.1\r\nHost: x\r\n"
expect_close_status("Content-Length and Transfer-Encoding",
                    post + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400)
expect_close_status("two different Content-Length",
                    post + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", 400)
expect_close_status("non-numeric Content-Length", post + b"Content-Length: 1x\r\n\r\n{}", 400)
expect_close_status("bad chunk size",
                    post + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400)
expect_close_status("obs-fold", b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\n\r\n", 400)
expect_close_status("bare CR", b"GET /health HTTP/1.1\r\nHost: x\rY: 1\r\n\r\n", 400)
expect_close_status("space before colon", b"GET /health HTTP/1.1\r\nHost : x\r\n\r\n", 400)
expect_close_status("garbage request line", b"GET /health\r\n\r\n", 400)

# ---- limits
expect_close_status("request line over 8 KiB",
                    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", 414)
expect_close_status("101 header fields",
                    b"GET /health HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n",
                    431)
expect_close_status("header block over 64 KiB",
                    b"GET /health HTTP/1.1\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"v" * 1000) for i in range(70)) + b"\r\n",
                    431)
expect_close_status("body over the message limit",
                    post + b"Content-Length: 999999999999\r\n\r\n", 413)

# ---- pipelining: three requests in one write, answered in order
s = conn()
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
          b"POST /ThriftTest/testString HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\n{\"thing\":\"p2\"}"
          b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
answers = [read_response(s) for _ in range(3)]
if [a[0] for a in answers] != [200, 200, 404] or answers[1][2] != b'"p2"\n':
    fail("pipelined: got %r" % [(a[0], a[2][:40]) for a in answers])
s.close()

# ---- a byte-by-byte sender
s = conn()
for b in b"POST /ThriftTest/testString HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n{\"thing\":\"slow\"}":
    s.send(bytes([b]))
    time.sleep(0.001)
st, _, body = read_response(s)
if (st, body) != (200, b'"slow"\n'):
    fail("byte by byte: %d %r" % (st, body))
s.close()

# ---- CONNECT: the exact answer, LF or CRLF, with the first call in the same write
for req, proto, framed in ((b"CONNECT /_thrift_rpc_ HTTP/1.0\n\n", TBinaryProtocol.TBinaryProtocol, True),
                           (b"CONNECT /_thrift_rpc_ HTTP/1.1\r\nHost: x\r\n\r\n", TCompactProtocol.TCompactProtocol, False),
                           (b"CONNECT /_thrift_rpc_ HTTP/1.0\r\n\r\n", TBinaryProtocol.TBinaryProtocol, False)):
    s = conn()
    s.sendall(req + thrift_call(proto, framed, arg="after-connect"))
    want = b"HTTP/1.0 200 Connected to Go RPC\n\n"
    got = recv_exact(s, len(want))
    if got != want:
        fail("CONNECT %r: answered %r" % (req, got))
        continue
    try:
        name, seqid, value = read_thrift_reply(s, framed, proto)
        if (name, seqid, value) != ("testString", 7, "after-connect"):
            fail("after CONNECT %r: reply %r" % (req, (name, seqid, value)))
    except Exception as e:  # noqa: BLE001 - any failure is a failed check
        fail("after CONNECT %r: %s" % (req, e))
    s.close()
s = conn()
s.sendall(b"CONNECT /nope HTTP/1.0\n\n")
got = read_all(s)
if not got.startswith(b"HTTP/1.1 404 ") or b"/_thrift_rpc_" not in got or b"/_json_rpc_" not in got:
    fail("CONNECT to an unknown path: %r" % got[:300])
s.close()

# ---- Thrift over HTTP POST (what THttpClient sends)
body = thrift_call(TBinaryProtocol.TBinaryProtocol, False, arg="posted")
s = conn()
s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-thrift\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
st, head, data = read_response(s)
if st != 200 or b"application/x-thrift" not in head:
    fail("Thrift POST: %d %r" % (st, head))
else:
    proto = TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(data))
    name, _, seqid = proto.readMessageBegin()
    res = ThriftTest.testString_result()
    res.read(proto)
    if res.success != "posted":
        fail("Thrift POST: reply %r" % res.success)
s.close()

# ---- the keeper and the RPC port are undisturbed
if ONE_AT_A_TIME:
    keeper = conn()
keeper.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
st, _, body = read_response(keeper)
if (st, body) != (200, b"ok\n"):
    fail("keep-alive connection after the hostile ones: %d %r" % (st, body))
keeper.close()
s = conn()
s.sendall(thrift_call(TBinaryProtocol.TBinaryProtocol, True, arg="rpc"))
name, seqid, value = read_thrift_reply(s, True, TBinaryProtocol.TBinaryProtocol)
if value != "rpc":
    fail("framed binary RPC on the same port after HTTP: %r" % value)
s.close()

print("raw_http: %d failure(s)" % failures)
sys.exit(min(failures, 100))
