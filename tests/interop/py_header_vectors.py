#!/usr/bin/python3
"""Write THeader frames with Apache Thrift's Python library, byte for byte.

    py_header_vectors.py OUTDIR

For each protocol inside (binary, compact) and each variant below, writes
OUTDIR/header_<variant>.<protocol>.bin: one testString("hello header")
call, seqid 7, as THeaderProtocol over THeaderTransport frames it.
header_vectors.c writes the same frames with postern and compares, and
reads these back. Keep the two in step.
"""

import os
import sys

from thrift.Thrift import TMessageType
from thrift.protocol import THeaderProtocol
from thrift.transport import TTransport
from thrift.transport.THeaderTransport import (THeaderClientType, THeaderSubprotocolID,
                                               THeaderTransformID, THeaderTransport)

try:
    from ThriftTest import ThriftTest as TT
except ImportError as e:
    sys.stderr.write("py_header_vectors: cannot import generated code (set PYTHONPATH "
                     "to the gen-py directory): %s\n" % e)
    sys.exit(2)

PROTOCOLS = {"binary": THeaderSubprotocolID.BINARY, "compact": THeaderSubprotocolID.COMPACT}
# variant: (transforms, info headers in order)
VARIANTS = {
    "plain": ([], []),
    "zlib": ([THeaderTransformID.ZLIB], []),
    "info": ([], [(b"client", b"postern"), (b"trace", b"abc-123"), (b"empty", b"")]),
    "zlib_info": ([THeaderTransformID.ZLIB], [(b"k", b"v" * 200)]),
}


def frame(proto_id, transforms, headers):
    buf = TTransport.TMemoryBuffer()
    trans = THeaderTransport(buf, [THeaderClientType.HEADERS], default_protocol=proto_id)
    for t in transforms:
        trans.add_transform(t)
    for k, v in headers:
        trans.set_header(k, v)
    proto = THeaderProtocol.THeaderProtocol(trans, [THeaderClientType.HEADERS],
                                            default_protocol=proto_id)
    proto.writeMessageBegin("testString", TMessageType.CALL, 7)
    TT.testString_args(thing="hello header").write(proto)
    proto.writeMessageEnd()
    trans.flush()
    data = buf.getvalue()
    # and Python reads it back
    back = THeaderTransport(TTransport.TMemoryBuffer(data), [THeaderClientType.HEADERS])
    back.readFrame(0)
    if back.sequence_id != 7 or back.protocol_id != proto_id:
        raise AssertionError("read back: seqid %d protocol %d" % (back.sequence_id,
                                                                  back.protocol_id))
    if back.get_headers() != dict(headers):
        raise AssertionError("read back: headers %r" % back.get_headers())
    return data


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: py_header_vectors.py OUTDIR\n")
        return 2
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for vname, (transforms, headers) in VARIANTS.items():
        for pname, pid in PROTOCOLS.items():
            with open(os.path.join(outdir, "header_%s.%s.bin" % (vname, pname)), "wb") as f:
                f.write(frame(pid, transforms, headers))
    print("py_header_vectors: wrote %d frames to %s" % (len(VARIANTS) * len(PROTOCOLS), outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
