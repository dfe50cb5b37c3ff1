#!/usr/bin/python3
"""ThriftTest server on Apache Thrift's Python library (Debian python3-thrift).

The reference peer for postern's client: every method behaves as the comments
in ThriftTest.thrift say. The generated Python package (`thrift --gen py`)
must be importable, e.g. PYTHONPATH=<build>/tests/interop/gen-py.

    py_server.py --port N [--protocol binary|compact|json|header|multi|multic|multij|
                             multih|accel|accelc|multia|multiac]
                 [--transport buffered|framed|http|zlib] [--zlib] [--domain-socket PATH]
                 [--abstract-namespace] [--accelerated] [--nonstrict]
                 [TSimpleServer|TThreadedServer|...]

Options may be written --name=value, as Apache Thrift's cross-test runner
does, and its Python server's flags (--verbose, --genpydir DIR, the server
class as a last word) are taken too (the server is threaded whatever the
word). The multi* protocols serve ThriftTest and SecondService through a
TMultiplexedProcessor (ThriftTest also for bare names); accel and accelc
are Thrift's names for the C-accelerated codecs. --abstract-namespace makes
--domain-socket a Linux abstract socket name.

Prints "ready" on stdout once it listens.
"""

import argparse
import logging
import os
import socket
import sys
import time

from thrift.Thrift import TApplicationException
from thrift.protocol import TBinaryProtocol, TCompactProtocol, THeaderProtocol, TJSONProtocol
from thrift.server import THttpServer, TServer
from thrift.TMultiplexedProcessor import TMultiplexedProcessor
from thrift.transport import TSocket, TSSLSocket, TTransport, TZlibTransport

try:
    from ThriftTest import SecondService, ThriftTest
    from ThriftTest.ttypes import Insanity, Numberz, Xception, Xception2, Xtruct
except ImportError as e:
    sys.stderr.write("py_server: cannot import the generated ThriftTest package "
                     "(set PYTHONPATH to the gen-py directory): %s\n" % e)
    sys.exit(2)

# The message of the application exception testException("TException") asks
# for; the generated processor logs it with a traceback, which is expected.
EXPECTED_APP_ERROR = "This is a TException"


class Handler(ThriftTest.Iface):
    def testVoid(self):
        pass

    def testString(self, thing):
        return thing

    def testBool(self, thing):
        return thing

    def testByte(self, thing):
        return thing

    def testI32(self, thing):
        return thing

    def testI64(self, thing):
        return thing

    def testDouble(self, thing):
        return thing

    def testBinary(self, thing):
        return thing

    def testStruct(self, thing):
        return thing

    def testNest(self, thing):
        return thing

    def testMap(self, thing):
        return thing

    def testStringMap(self, thing):
        return thing

    def testSet(self, thing):
        return thing

    def testList(self, thing):
        return thing

    def testEnum(self, thing):
        return thing

    def testTypedef(self, thing):
        return thing

    def testMapMap(self, hello):
        return {-4: {-4: -4, -3: -3, -2: -2, -1: -1},
                4: {1: 1, 2: 2, 3: 3, 4: 4}}

    def testInsanity(self, argument):
        # The empty Insanity carries an empty map and list (as the C++ peer
        # writes it), not absent fields.
        empty = Insanity(userMap={}, xtructs=[])
        return {1: {Numberz.TWO: argument, Numberz.THREE: argument},
                2: {Numberz.SIX: empty}}

    def testMulti(self, arg0, arg1, arg2, arg3, arg4, arg5):
        return Xtruct(string_thing="Hello2", byte_thing=arg0,
                      i32_thing=arg1, i64_thing=arg2)

    def testException(self, arg):
        if arg == "Xception":
            raise Xception(errorCode=1001, message=arg)
        if arg == "TException":
            raise TApplicationException(TApplicationException.INTERNAL_ERROR,
                                        EXPECTED_APP_ERROR)

    def testMultiException(self, arg0, arg1):
        if arg0 == "Xception":
            raise Xception(errorCode=1001, message="This is an Xception")
        if arg0 == "Xception2":
            raise Xception2(errorCode=2002,
                            struct_thing=Xtruct(string_thing="This is an Xception2"))
        return Xtruct(string_thing=arg1)

    def testOneway(self, secondsToSleep):
        time.sleep(secondsToSleep)


class SecondHandler(SecondService.Iface):
    def secondtestString(self, thing):
        return 'testString("%s")' % thing


class AbstractServerSocket(TSocket.TServerSocket):
    """Listens on a Linux abstract socket name. TServerSocket.listen would
    try to unlink a stale socket file first, which an abstract name (a NUL
    byte first) is not."""

    def listen(self):
        self.handle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.handle.bind(self._unix_socket)
        self.handle.listen(128)


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
SERVER_CLASSES = ["TSimpleServer", "TThreadedServer", "TThreadPoolServer",
                  "TForkingServer", "TProcessPoolServer", "TNonblockingServer"]


class DropExpectedAppError(logging.Filter):
    """Keeps the log readable: the intentional TException is not an error."""

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, TApplicationException)
                    and exc.message == EXPECTED_APP_ERROR)


def main():
    p = argparse.ArgumentParser(description="ThriftTest server (Apache Thrift Python)")
    p.add_argument("--port", type=int, default=9090)
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--domain-socket", default=None, help="listen on this Unix socket path")
    p.add_argument("--abstract-namespace", action="store_true",
                   help="--domain-socket is a Linux abstract socket name")
    p.add_argument("--protocol", choices=sorted(PROTOCOLS), default="binary")
    p.add_argument("--verbose", "-v", action="store_true", help="(accepted)")
    p.add_argument("--genpydir", default=None, help="(accepted; see PYTHONPATH)")
    p.add_argument("server_class", nargs="?", choices=SERVER_CLASSES,
                   help="(accepted; the server is threaded)")
    p.add_argument("--transport", choices=["buffered", "framed", "http", "zlib"],
                   default="buffered")
    p.add_argument("--zlib", action="store_true",
                   help="TZlibTransport over the socket (as --transport zlib)")
    p.add_argument("--accelerated", action="store_true",
                   help="use the C-accelerated protocol codecs (fastbinary)")
    p.add_argument("--nonstrict", action="store_true",
                   help="binary: write old-style message headers (no version word)")
    keys = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "keys")
    p.add_argument("--ssl", action="store_true", help="TLS (TSSLServerSocket)")
    p.add_argument("--ssl-cert", default=os.path.join(keys, "server.crt"))
    p.add_argument("--ssl-key", default=os.path.join(keys, "server.key"))
    opts = p.parse_args()
    opts.protocol, accel, multiplexed = PROTOCOLS[opts.protocol]
    opts.accelerated = opts.accelerated or accel
    if opts.ssl and opts.transport == "http":
        p.error("--ssl does not go with --transport http here")
    if opts.accelerated and opts.protocol == "json":
        p.error("--accelerated has no JSON codec")
    if opts.nonstrict and (opts.protocol != "binary" or opts.accelerated):
        p.error("--nonstrict needs --protocol binary and no --accelerated")

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger().addFilter(DropExpectedAppError())
    for h in logging.getLogger().handlers:
        h.addFilter(DropExpectedAppError())

    if opts.ssl:
        if opts.domain_socket:
            listener = TSSLSocket.TSSLServerSocket(unix_socket=opts.domain_socket,
                                                   certfile=opts.ssl_cert,
                                                   keyfile=opts.ssl_key)
        else:
            listener = TSSLSocket.TSSLServerSocket(host=opts.bind, port=opts.port,
                                                   certfile=opts.ssl_cert,
                                                   keyfile=opts.ssl_key)
    elif opts.domain_socket and opts.abstract_namespace:
        listener = AbstractServerSocket(unix_socket="\0" + opts.domain_socket)
    elif opts.domain_socket:
        listener = TSocket.TServerSocket(unix_socket=opts.domain_socket)
    else:
        listener = TSocket.TServerSocket(host=opts.bind, port=opts.port)
    if opts.transport == "zlib" or opts.zlib:
        # as Thrift's C++ TestServer: zlib straight over the socket
        tfactory = TZlibTransport.TZlibTransportFactory()
    elif opts.transport == "framed":
        tfactory = TTransport.TFramedTransportFactory()
    else:
        tfactory = TTransport.TBufferedTransportFactory()
    if opts.protocol == "header":
        # THeader frames itself; like Thrift's header servers it also
        # answers plain framed and unframed binary and compact clients
        from thrift.transport.THeaderTransport import THeaderClientType
        pfactory = THeaderProtocol.THeaderProtocolFactory(allowed_client_types=[
            THeaderClientType.HEADERS, THeaderClientType.FRAMED_BINARY,
            THeaderClientType.UNFRAMED_BINARY, THeaderClientType.FRAMED_COMPACT,
            THeaderClientType.UNFRAMED_COMPACT])
    elif opts.protocol == "json":
        pfactory = TJSONProtocol.TJSONProtocolFactory()
    elif opts.protocol == "compact":
        pfactory = (TCompactProtocol.TCompactProtocolAcceleratedFactory(fallback=False)
                    if opts.accelerated else TCompactProtocol.TCompactProtocolFactory())
    else:
        pfactory = (TBinaryProtocol.TBinaryProtocolAcceleratedFactory(fallback=False)
                    if opts.accelerated
                    else TBinaryProtocol.TBinaryProtocolFactory(strictWrite=not opts.nonstrict))

    processor = ThriftTest.Processor(Handler())
    if multiplexed:
        test_processor = processor
        processor = TMultiplexedProcessor()
        processor.registerDefault(test_processor)
        processor.registerProcessor("ThriftTest", test_processor)
        processor.registerProcessor("SecondService", SecondService.Processor(SecondHandler()))
    if opts.transport == "http":
        if opts.domain_socket:
            p.error("THttpServer listens on TCP only, not on --domain-socket")
        # Thrift over HTTP: THttpServer answers each POST (HTTP/1.0, one
        # request per connection). It listens as it is made.
        server = THttpServer.THttpServer(processor, (opts.bind, opts.port), pfactory)
        print("ready", flush=True)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        return
    server = TServer.TThreadedServer(processor, listener, tfactory, pfactory, daemon=True)
    # Listen before announcing readiness; serve() calls listen() again, so
    # make that second call a no-op.
    listener.listen()
    listener.listen = lambda: None
    print("ready", flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
