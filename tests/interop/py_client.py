#!/usr/bin/python3
"""ThriftTest client on Apache Thrift's Python library (Debian python3-thrift).

The reference peer for postern's servers: calls every ThriftTest method and
checks every answer strictly against what ThriftTest.thrift documents.

    py_client.py [--host H] --port N [--domain-socket PATH] [--abstract-namespace]
                 [--protocol binary|compact|json|header|multi|multic|multij|multih|
                             accel|accelc|multia|multiac]
                 [--transport buffered|framed|http|zlib] [--zlib]
                 [--accelerated] [--nonstrict] [--timeout S]

Options may be written --name=value, as Apache Thrift's cross-test runner
does, and its Python client's flags (--verbose, --genpydir DIR) are taken
too. The multi* protocols call ThriftTest through TMultiplexedProtocol as
service "ThriftTest" and also check SecondService.secondtestString; accel
and accelc are Thrift's names for the C-accelerated binary and compact
codecs (multia, multiac: multiplexed over them). --abstract-namespace makes
--domain-socket a Linux abstract socket name.

Exit status is Thrift's cross-test bitmask of failed groups:
  1 base types, 2 structs (also enums, typedefs, testMulti, testInsanity),
  4 containers, 8 exceptions; 64 when no connection could be made at all.
0 means every check passed. Each failure is printed on stderr.
"""

import argparse
import math
import socket
import ssl
import struct
import sys

from thrift.Thrift import TApplicationException
from thrift.protocol import TBinaryProtocol, TCompactProtocol, THeaderProtocol, TJSONProtocol
from thrift.protocol.TMultiplexedProtocol import TMultiplexedProtocol
from thrift.transport import THttpClient, TSocket, TSSLSocket, TTransport, TZlibTransport

try:
    from ThriftTest import SecondService, ThriftTest
    from ThriftTest.ttypes import Insanity, Numberz, Xception, Xception2, Xtruct, Xtruct2
except ImportError as e:
    sys.stderr.write("py_client: cannot import the generated ThriftTest package "
                     "(set PYTHONPATH to the gen-py directory): %s\n" % e)
    sys.exit(2)

BASETYPES, STRUCTS, CONTAINERS, EXCEPTIONS, UNKNOWN = 1, 2, 4, 8, 64

I32_MIN, I32_MAX = -2**31, 2**31 - 1
I64_MIN, I64_MAX = -2**63, 2**63 - 1

NON_ASCII = "Grüße, Привет, こんにちは, مرحبا, 🙂 \b\t\n/\\\r{}:\""


class Mismatch(Exception):
    pass


def expect_equal(what, got, want):
    if got != want or type(got) is not type(want):
        raise Mismatch("%s: expected %r, got %r" % (what, want, got))


def double_bits(x):
    return struct.pack("<d", x)


def expect_double(what, got, want):
    """Doubles must come back bit for bit (NaN, -0.0 included)."""
    if not isinstance(got, float) or double_bits(got) != double_bits(want):
        raise Mismatch("%s: expected %r (bits %s), got %r" % (
            what, want, double_bits(want).hex(), got))


def expect_xtruct(what, got, string_thing, byte_thing=0, i32_thing=0, i64_thing=0):
    """An Xtruct whose unset numbers may be absent (None) or written as 0:
    Thrift's writers differ in that and readers cannot tell the two apart."""
    if not isinstance(got, Xtruct):
        raise Mismatch("%s: expected an Xtruct, got %r" % (what, got))
    expect_equal(what + ".string_thing", got.string_thing, string_thing)
    for name, want in (("byte_thing", byte_thing), ("i32_thing", i32_thing),
                       ("i64_thing", i64_thing)):
        value = getattr(got, name)
        if value is None and want == 0:
            continue
        expect_equal("%s.%s" % (what, name), value, want)


# ---- the checks, one per method; each raises Mismatch on a wrong answer ----

def check_void(c):
    expect_equal("testVoid()", c.testVoid(), None)


def check_string(c):
    for s in ["Python" * 20, "", NON_ASCII, "x" * 70000 + NON_ASCII]:
        expect_equal("testString(%d chars)" % len(s), c.testString(s), s)


def check_bool(c):
    for b in (True, False):
        expect_equal("testBool(%r)" % b, c.testBool(b), b)


def check_byte(c):
    for v in (63, -127, 0, 127, -128):
        expect_equal("testByte(%d)" % v, c.testByte(v), v)


def check_i32(c):
    for v in (-1, 0, 1, I32_MAX, I32_MIN, 0x12345678):
        expect_equal("testI32(%d)" % v, c.testI32(v), v)


def check_i64(c):
    for v in (1, -34359738368, 0, -1, I64_MAX, I64_MIN, 0xFEDCBA9876543210 - 2**64):
        expect_equal("testI64(%d)" % v, c.testI64(v), v)


# --finite-doubles: Python's TJSONProtocol writes inf and nan bare (inf,
# nan), which neither its own reader nor Thrift C++'s accepts; pairs of
# those peers leave them out. postern reads them, so its pairs keep them.
SPECIAL_DOUBLES = True


def check_double(c):
    values = [-5.235098235, 0.0, -0.0, -1.0, -0.000341012439638598279,
              1.7976931348623157e308, 5e-324]
    if SPECIAL_DOUBLES:
        values += [math.inf, -math.inf, math.nan]
    for v in values:
        expect_double("testDouble(%r)" % v, c.testDouble(v), v)


def check_binary(c):
    for v in (bytes(range(256)), b"", b"\x00" * 17, bytes(range(255, -1, -1)) * 300):
        expect_equal("testBinary(%d bytes)" % len(v), c.testBinary(v), v)


def check_struct(c):
    x = Xtruct(string_thing="Zero", byte_thing=1, i32_thing=-3, i64_thing=-5)
    expect_equal("testStruct(Zero)", c.testStruct(x), x)
    x = Xtruct(string_thing=NON_ASCII, byte_thing=-128, i32_thing=I32_MIN, i64_thing=I64_MAX)
    expect_equal("testStruct(extremes)", c.testStruct(x), x)


def check_nest(c):
    inner = Xtruct(string_thing="Zero", byte_thing=1, i32_thing=-3, i64_thing=-5)
    x = Xtruct2(byte_thing=1, struct_thing=inner, i32_thing=5)
    expect_equal("testNest", c.testNest(x), x)


def check_map(c):
    for m in ({0: 1, 1: 2, 2: 3, 3: 4, -1: -2}, {}, {I32_MIN: I32_MAX}):
        expect_equal("testMap(%r)" % m, c.testMap(m), m)


def check_string_map(c):
    for m in ({"a": "2", "b": "blah", "some": "thing", "ключ": "значение", "": ""}, {}):
        expect_equal("testStringMap(%r)" % m, c.testStringMap(m), m)


def check_set(c):
    for s in ({8, 1, 42}, set(), {-1, I32_MAX, I32_MIN}, set(range(-20, 20))):
        expect_equal("testSet(%r)" % s, c.testSet(s), s)


def check_list(c):
    for v in ([1, 4, 9, -42], [], list(range(-500, 500)), [7] * 15):
        expect_equal("testList(%d items)" % len(v), c.testList(v), v)


def check_enum(c):
    for v in (Numberz.ONE, Numberz.TWO, Numberz.FIVE, Numberz.EIGHT):
        expect_equal("testEnum(%d)" % v, c.testEnum(v), v)


def check_typedef(c):
    for v in (0xffffffffffffff, -1, I64_MIN):
        expect_equal("testTypedef(%d)" % v, c.testTypedef(v), v)


def check_map_map(c):
    want = {-4: {-4: -4, -3: -3, -2: -2, -1: -1}, 4: {1: 1, 2: 2, 3: 3, 4: 4}}
    expect_equal("testMapMap(42)", c.testMapMap(42), want)


def check_insanity(c):
    arg = Insanity(userMap={Numberz.FIVE: 5, Numberz.EIGHT: 8},
                   xtructs=[Xtruct("Goodbye4", 4, 4, 4), Xtruct("Hello2", 2, 2, 2)])
    got = c.testInsanity(arg)
    what = "testInsanity"
    if not isinstance(got, dict) or sorted(got.keys()) != [1, 2]:
        raise Mismatch("%s: expected keys [1, 2], got %r" % (what, got))
    expect_equal(what + "[1]", got[1], {Numberz.TWO: arg, Numberz.THREE: arg})
    if not isinstance(got[2], dict) or list(got[2].keys()) != [Numberz.SIX]:
        raise Mismatch("%s[2]: expected {SIX: empty Insanity}, got %r" % (what, got[2]))
    empty = got[2][Numberz.SIX]
    # "Empty" is an empty map and list, or (from writers that skip unset
    # fields) no fields at all.
    if not isinstance(empty, Insanity) or empty.userMap not in ({}, None) \
            or empty.xtructs not in ([], None):
        raise Mismatch("%s[2][SIX]: expected an empty Insanity, got %r" % (what, empty))


def check_multi(c):
    got = c.testMulti(74, 0xff00ff, 0xffffffffd0d0, {0: "abc", -1: "ü"}, Numberz.FIVE, 0xf0f0f0)
    expect_equal("testMulti", got, Xtruct("Hello2", 74, 0xff00ff, 0xffffffffd0d0))


def check_exception(c):
    expect_equal("testException(Safe)", c.testException("Safe"), None)
    try:
        c.testException("Xception")
        raise Mismatch("testException(Xception): returned normally, expected Xception")
    except Xception as x:
        expect_equal("testException(Xception).errorCode", x.errorCode, 1001)
        expect_equal("testException(Xception).message", x.message, "Xception")
    try:
        c.testException("TException")
        raise Mismatch("testException(TException): returned normally, "
                       "expected an application exception")
    except TApplicationException:
        pass
    except Xception as x:
        raise Mismatch("testException(TException): got Xception %r, "
                       "expected an application exception" % x)
    # The connection must survive an application exception.
    expect_equal("testException(success)", c.testException("success"), None)


def check_multi_exception(c):
    what = "testMultiException(Xception)"
    try:
        c.testMultiException("Xception", "ignore")
        raise Mismatch(what + ": returned normally, expected Xception")
    except Xception as x:
        expect_equal(what + ".errorCode", x.errorCode, 1001)
        expect_equal(what + ".message", x.message, "This is an Xception")
    what = "testMultiException(Xception2)"
    try:
        c.testMultiException("Xception2", "ignore")
        raise Mismatch(what + ": returned normally, expected Xception2")
    except Xception2 as x:
        expect_equal(what + ".errorCode", x.errorCode, 2002)
        expect_xtruct(what + ".struct_thing", x.struct_thing, "This is an Xception2")
    except Xception as x:
        raise Mismatch(what + ": got Xception %r, expected Xception2" % x)
    got = c.testMultiException("success", "foobar")
    expect_xtruct("testMultiException(success)", got, "foobar")


def check_oneway(c):
    # No reply may come for a oneway call: the next call must still get its
    # own answer on the same connection.
    expect_equal("testOneway(1)", c.testOneway(1), None)
    expect_equal("testString after testOneway", c.testString("after oneway"), "after oneway")


def check_second_service(client):
    got = SECOND.secondtestString("postern")
    if got != 'testString("postern")':
        raise Mismatch('secondtestString("postern"): got %r, expected %r'
                       % (got, 'testString("postern")'))


# The SecondService client of a multiplexed run (set by Connection.open).
SECOND = None

CHECKS = [
    ("testVoid", BASETYPES, check_void),
    ("testString", BASETYPES, check_string),
    ("testBool", BASETYPES, check_bool),
    ("testByte", BASETYPES, check_byte),
    ("testI32", BASETYPES, check_i32),
    ("testI64", BASETYPES, check_i64),
    ("testDouble", BASETYPES, check_double),
    ("testBinary", BASETYPES, check_binary),
    ("testStruct", STRUCTS, check_struct),
    ("testNest", STRUCTS, check_nest),
    ("testMap", CONTAINERS, check_map),
    ("testStringMap", CONTAINERS, check_string_map),
    ("testSet", CONTAINERS, check_set),
    ("testList", CONTAINERS, check_list),
    ("testEnum", STRUCTS, check_enum),
    ("testTypedef", STRUCTS, check_typedef),
    ("testMapMap", CONTAINERS, check_map_map),
    ("testInsanity", STRUCTS, check_insanity),
    ("testMulti", STRUCTS, check_multi),
    ("testException", EXCEPTIONS, check_exception),
    ("testMultiException", EXCEPTIONS, check_multi_exception),
    ("testOneway", BASETYPES, check_oneway),
]


CONNECTED = b"HTTP/1.0 200 Connected to Go RPC\n\n"


def connect_upgrade(sock, path):
    """The handshake of Go's net/rpc and Vitess: send CONNECT, then read up
    to a literal blank line (two bare LFs, as Vitess's Python client does);
    the answer must be exactly Go's. Reads a byte at a time so nothing after
    the blank line is taken from the RPC stream."""
    sock.sendall(b"CONNECT " + path.encode() + b" HTTP/1.0\n\n")
    got = b""
    while not got.endswith(b"\n\n"):
        b = sock.recv(1)
        if not b:
            raise TTransport.TTransportException(
                message="CONNECT %s: connection closed after %r" % (path, got))
        got += b
        if len(got) > 4096:
            break
    if got != CONNECTED:
        raise TTransport.TTransportException(
            message="CONNECT %s: answered %r" % (path, got))


class Connection:
    def __init__(self, opts):
        self.opts = opts
        self.transport = None

    def open(self):
        o = self.opts
        if o.transport == "http":
            # Thrift over HTTP: one POST per call, keep-alive.
            if o.ssl:
                # HTTPS; verified only with --ssl-ca, as the socket below
                ctx = (ssl.create_default_context(cafile=o.ssl_ca) if o.ssl_ca
                       else ssl._create_unverified_context())
                self.transport = THttpClient.THttpClient(
                    "https://%s:%d%s" % (o.host, o.port, o.http_path), ssl_context=ctx)
            else:
                self.transport = THttpClient.THttpClient(
                    "http://%s:%d%s" % (o.host, o.port, o.http_path))
            self.transport.setTimeout(o.timeout * 1000)
            return self.clients(self.protocol(self.transport))
        if o.ssl:
            # Thrift's TSSLSocket; without --ssl-ca nothing is verified, as
            # Thrift's cross-test clients do.
            tls = dict(cert_reqs=ssl.CERT_REQUIRED, ca_certs=o.ssl_ca) if o.ssl_ca \
                else dict(cert_reqs=ssl.CERT_NONE)
            if o.ssl_cert:
                tls.update(certfile=o.ssl_cert, keyfile=o.ssl_key)
            if o.domain_socket:
                sock = TSSLSocket.TSSLSocket(unix_socket=o.domain_socket,
                                             server_hostname="localhost", **tls)
            else:
                sock = TSSLSocket.TSSLSocket(o.host, o.port, **tls)
        elif o.domain_socket:
            path = o.domain_socket
            if o.abstract_namespace:
                path = "\0" + path  # Linux's abstract namespace
            sock = TSocket.TSocket(unix_socket=path)
        else:
            sock = TSocket.TSocket(o.host, o.port)
        sock.setTimeout(o.timeout * 1000)
        if o.connect:
            sock.open()
            connect_upgrade(sock.handle, o.connect)
        if o.transport == "framed" and not o.zlib:
            self.transport = TTransport.TFramedTransport(sock)
        else:
            self.transport = TTransport.TBufferedTransport(sock)
        if o.transport == "zlib" or o.zlib:
            # as Thrift's own TestClient.py: zlib over the buffered socket
            self.transport = TZlibTransport.TZlibTransport(self.transport, 9)
        proto = self.protocol(self.transport)
        if not self.transport.isOpen():
            self.transport.open()
        return self.clients(proto)

    def clients(self, proto):
        """ThriftTest's client; for multiplexed runs also SecondService's,
        both over the one connection, as Thrift's test client does."""
        global SECOND
        if not self.opts.multiplexed:
            return ThriftTest.Client(proto)
        SECOND = SecondService.Client(TMultiplexedProtocol(proto, "SecondService"))
        return ThriftTest.Client(TMultiplexedProtocol(proto, "ThriftTest"))

    def protocol(self, transport):
        o = self.opts
        if o.protocol == "header":
            # THeader over the transport given, as Thrift's test clients
            from thrift.transport.THeaderTransport import (THeaderClientType,
                                                           THeaderSubprotocolID,
                                                           THeaderTransformID)
            inner = (THeaderSubprotocolID.COMPACT if o.header_protocol == "compact"
                     else THeaderSubprotocolID.BINARY)
            proto = THeaderProtocol.THeaderProtocol(
                transport, [THeaderClientType.HEADERS], default_protocol=inner)
            if o.header_zlib:
                proto.trans.add_transform(THeaderTransformID.ZLIB)
            return proto
        if o.protocol == "json":
            return TJSONProtocol.TJSONProtocol(transport)
        if o.protocol == "compact":
            cls = (TCompactProtocol.TCompactProtocolAccelerated if o.accelerated
                   else TCompactProtocol.TCompactProtocol)
        else:
            cls = (TBinaryProtocol.TBinaryProtocolAccelerated if o.accelerated
                   else TBinaryProtocol.TBinaryProtocol)
        kwargs = {"fallback": False} if o.accelerated else {}
        if o.nonstrict:
            kwargs["strictWrite"] = False
        return cls(transport, **kwargs)

    def close(self):
        if self.transport is not None:
            try:
                self.transport.close()
            except Exception:
                pass
            self.transport = None


# --protocol names (Apache Thrift's cross-test names) -> (codec, accelerated,
# multiplexed).
PROTOCOLS = {
    "binary": ("binary", False, False), "compact": ("compact", False, False),
    "json": ("json", False, False), "accel": ("binary", True, False),
    "accelc": ("compact", True, False), "multi": ("binary", False, True),
    "multic": ("compact", False, True), "multij": ("json", False, True),
    "multia": ("binary", True, True), "multiac": ("compact", True, True),
    "header": ("header", False, False), "multih": ("header", False, True),
}


def main():
    p = argparse.ArgumentParser(description="ThriftTest client (Apache Thrift Python)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9090)
    p.add_argument("--domain-socket", default=None, help="connect to this Unix socket path")
    p.add_argument("--abstract-namespace", action="store_true",
                   help="--domain-socket is a Linux abstract socket name")
    p.add_argument("--protocol", choices=sorted(PROTOCOLS), default="binary")
    p.add_argument("--verbose", "-v", action="store_true", help="(accepted; always verbose)")
    p.add_argument("--genpydir", default=None, help="(accepted; see PYTHONPATH)")
    p.add_argument("--header-protocol", choices=["binary", "compact"], default="binary",
                   help="--protocol header: the protocol inside the frames")
    p.add_argument("--header-zlib", action="store_true",
                   help="--protocol header: the zlib transform on every message")
    p.add_argument("--transport", choices=["buffered", "framed", "http", "zlib"],
                   default="buffered")
    p.add_argument("--zlib", action="store_true",
                   help="TZlibTransport over the socket (as --transport zlib)")
    p.add_argument("--http-path", default="/", help="path for --transport http")
    p.add_argument("--connect", default=None, metavar="PATH",
                   help="upgrade with CONNECT PATH HTTP/1.0 before speaking Thrift")
    p.add_argument("--accelerated", action="store_true",
                   help="use the C-accelerated protocol codecs (fastbinary)")
    p.add_argument("--nonstrict", action="store_true",
                   help="binary: write old-style message headers (no version word)")
    p.add_argument("--timeout", type=float, default=20, help="socket timeout, seconds")
    p.add_argument("--ssl", action="store_true", help="TLS (TSSLSocket)")
    p.add_argument("--ssl-ca", default=None,
                   help="with --ssl: verify the server against this CA (else no check)")
    p.add_argument("--ssl-cert", default=None, help="with --ssl: a client certificate")
    p.add_argument("--ssl-key", default=None, help="with --ssl: its key")
    p.add_argument("--finite-doubles", action="store_true",
                   help="testDouble without inf and nan (see SPECIAL_DOUBLES)")
    opts = p.parse_args()
    global SPECIAL_DOUBLES
    SPECIAL_DOUBLES = not opts.finite_doubles
    opts.protocol, accel, opts.multiplexed = PROTOCOLS[opts.protocol]
    opts.accelerated = opts.accelerated or accel
    if opts.accelerated and opts.protocol == "json":
        p.error("--accelerated has no JSON codec")
    if opts.nonstrict and opts.protocol != "binary":
        p.error("--nonstrict needs --protocol binary")

    conn = Connection(opts)
    try:
        client = conn.open()
    except (TTransport.TTransportException, OSError) as e:
        sys.stderr.write("py_client: cannot connect: %s\n" % e)
        return UNKNOWN

    status = 0
    failures = 0
    checks = CHECKS + ([("SecondService.secondtestString", BASETYPES, check_second_service)]
                       if opts.multiplexed else [])
    for name, group, check in checks:
        try:
            check(client)
            print("ok   %s" % name)
            continue
        except Mismatch as e:
            msg = str(e)
            broken = False
        except (TTransport.TTransportException, OSError, EOFError, socket.timeout) as e:
            msg = "%s: transport error: %s" % (name, e)
            broken = True
        except TApplicationException as e:
            msg = "%s: unexpected application exception type %d: %s" % (name, e.type, e.message)
            broken = False
        except Exception as e:  # a decode error or anything else: the stream is suspect
            msg = "%s: %s: %s" % (name, type(e).__name__, e)
            broken = True
        failures += 1
        status |= group
        print("FAIL %s" % name)
        sys.stderr.write("FAIL %s\n" % msg)
        if broken:
            conn.close()
            try:
                client = conn.open()
            except (TTransport.TTransportException, OSError) as e:
                sys.stderr.write("py_client: cannot reconnect: %s\n" % e)
                return status | UNKNOWN
    conn.close()
    print("%d of %d checks failed, exit status %d" % (failures, len(checks), status))
    return status


if __name__ == "__main__":
    sys.exit(main())
