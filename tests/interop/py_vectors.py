#!/usr/bin/python3
"""Write byte-exact encoding vectors with Apache Thrift's Python library.

    py_vectors.py OUTDIR

For every vector below and each protocol, writes OUTDIR/<name>.<protocol>.bin
(protocol: binary, compact, json, json-python). vectors.c builds the same
values with postern's generated code, encodes them and compares byte for
byte, and decodes these files and compares values.

JSON: postern writes what Thrift C++ 0.17's TJSONProtocol writes. Python's
TJSONProtocol writes the same bytes but in three places, where CppJSON
below writes C++'s instead (facts of TJSONProtocol.cpp):
  * inf, -inf and nan: Python writes them bare (inf, nan; readers of both
    libraries refuse them), C++ as the strings "Infinity", "-Infinity",
    "NaN";
  * base64: Python pads with '=', C++ does not;
  * control characters other than \b \f \n \r \t: Python writes them raw,
    C++ as \\u00xx (lowercase hex).
"json" is CppJSON's bytes, which postern must write exactly and read;
"json-python" is Python's own, which postern must read (its reader is
liberal) but does not write.

Rules that keep the bytes comparable with postern:
  * every default-requiredness field is set (postern always writes them,
    Python skips fields that are None);
  * sets are given as lists and maps as dicts, so the order of elements on
    the wire is the order written here (vectors.c lists them in that order).
If you change a value here, change vectors.c to match.
"""

import base64
import math
import os
import sys

from thrift.Thrift import TApplicationException, TMessageType
from thrift.protocol import TBinaryProtocol, TCompactProtocol, TJSONProtocol
from thrift.transport import TTransport

try:
    from ThriftTest import ThriftTest as TT
    from ThriftTest.ttypes import Insanity, Numberz, Xception2, Xtruct
    from vectors.ttypes import AllTypes, Choice, Color, Deltas, Empty, Inner, Node
except ImportError as e:
    sys.stderr.write("py_vectors: cannot import generated code (set PYTHONPATH "
                     "to the gen-py directory): %s\n" % e)
    sys.exit(2)

I64_MIN, I64_MAX = -2**63, 2**63 - 1
I32_MIN, I32_MAX = -2**31, 2**31 - 1

NON_ASCII = "h\u00e9llo, w\u00f6rld \u2713 \u65e5\u672c\u8a9e \U0001F642"


def all_types_full():
    return AllTypes(
        b_true=True,
        b_false=False,
        byte_val=-128,
        i16_val=-32768,
        i32_val=I32_MAX,
        i64_val=I64_MIN,
        dbl=3.141592653589793,
        str=NON_ASCII,
        bin=b"\x00\x01\xff\x00binary\x00",
        color=Color.BLUE,
        inner=Inner(num=-1, text=""),
        bools=[i % 3 == 0 for i in range(20)],
        ints=[0, -1, 1, 63, -64, 64, -65, I32_MAX, I32_MIN],
        names=["alpha", "", "\u03c9"],
        counts={"one": 1, "minus": -1, "big": I64_MAX},
        nested_lists=[[], [1], [-32768, 32767, 0]],
        map_of_lists={7: ["a", "b"], -7: []},
        inners=[Inner(num=1, text="x"), Inner(num=2, text="y")],
        empty=Empty(),
        doubles=[0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324,
                 1.7976931348623157e308, -2.5],
        flags={-128: True, 0: False, 127: True},
        big_set=[I64_MAX, I64_MIN, 0],
        list_of_maps=[{}, {"k": Inner(num=3, text="z")}],
        blobs=[b"", b"\x00", bytes(range(256))],
        by_color={Color.RED: [1, 2], Color.BLUE: []},
        choice=Choice(text="chosen"),
        chain=Node(value=1, next=Node(value=2, next=Node(value=3))),
        far_bool=True,
        opt_set=17,
        opt_unset=None,
        last_id=-2,
    )


def all_types_zero():
    """What a zero-initialised AllTypes encodes to: every default field written."""
    return AllTypes(
        b_true=False, b_false=False, byte_val=0, i16_val=0, i32_val=0, i64_val=0,
        dbl=0.0, str="", bin=b"", color=0, inner=Inner(num=0, text=""),
        bools=[], ints=[], names=[], counts={}, nested_lists=[], map_of_lists={},
        inners=[], empty=Empty(), doubles=[], flags={}, big_set=[], list_of_maps=[],
        blobs=[], by_color={}, choice=Choice(), chain=Node(value=0), far_bool=False,
        opt_set=None, opt_unset=None, last_id=0)


def full_xtruct(s, b=0, i32=0, i64=0):
    return Xtruct(string_thing=s, byte_thing=b, i32_thing=i32, i64_thing=i64)


def insanity_reply():
    arg = Insanity(userMap={Numberz.FIVE: 5, Numberz.EIGHT: 8},
                   xtructs=[full_xtruct("Goodbye4", 4, 4, 4), full_xtruct("Hello2", 2, 2, 2)])
    r = TT.testInsanity_result()
    r.success = {1: {Numberz.TWO: arg, Numberz.THREE: arg},
                 2: {Numberz.SIX: Insanity(userMap={}, xtructs=[])}}
    return r


def multi_args():
    return TT.testMulti_args(arg0=74, arg1=0xff00ff, arg2=0xffffffffd0d0,
                             arg3={0: "abc", -1: NON_ASCII}, arg4=Numberz.FIVE,
                             arg5=0xf0f0f0)


def multi_exception_reply():
    r = TT.testMultiException_result()
    r.err2 = Xception2(errorCode=2002, struct_thing=full_xtruct("This is an Xception2"))
    return r


# name -> (message header or None, value). A header is (method, type, seqid);
# without one the value is a bare struct.
VECTORS = {
    "alltypes_full": (None, all_types_full()),
    "alltypes_zero": (None, all_types_zero()),
    "deltas": (None, Deltas(a=1, b=-1, c=127, d=True, e=False, f=[True, False, True])),
    "deltas_flipped": (None, Deltas(a=0, b=0, c=-128, d=False, e=True, f=[])),
    # 300 elements: compact's long list header with a two-byte size varint.
    "deltas_long_list": (None, Deltas(a=5, b=6, c=7, d=True, e=True,
                                      f=[i % 5 == 0 for i in range(300)])),
    "msg_call_testVoid": (("testVoid", TMessageType.CALL, 0), TT.testVoid_args()),
    "msg_call_testMulti": (("testMulti", TMessageType.CALL, 42), multi_args()),
    "msg_reply_testInsanity": (("testInsanity", TMessageType.REPLY, I32_MAX), insanity_reply()),
    "msg_reply_testMultiException": (("testMultiException", TMessageType.REPLY, 300),
                                     multi_exception_reply()),
    "msg_oneway_testOneway": (("testOneway", TMessageType.ONEWAY, 3),
                              TT.testOneway_args(secondsToSleep=1)),
    "msg_exception_unknown": (("noSuchMethod", TMessageType.EXCEPTION, 7),
                              TApplicationException(TApplicationException.UNKNOWN_METHOD,
                                                    "Invalid method name: 'noSuchMethod'")),
}

class CppJSON(TJSONProtocol.TJSONProtocol):
    """Python's TJSONProtocol writing what Thrift C++ 0.17 writes where the
    two differ (see the top of this file)."""

    def writeDouble(self, dbl):
        if math.isnan(dbl) or math.isinf(dbl):
            self.context.write()
            text = "NaN" if math.isnan(dbl) else ("-Infinity" if dbl < 0 else "Infinity")
            self.trans.write(b'"' + text.encode("ascii") + b'"')
        else:
            TJSONProtocol.TJSONProtocol.writeDouble(self, dbl)

    def writeJSONBase64(self, binary):
        self.context.write()
        self.trans.write(b'"' + base64.b64encode(binary).rstrip(b"=") + b'"')

    def writeJSONString(self, string):
        self.context.write()
        out = ['"']
        for ch in string:
            if ch in TJSONProtocol.ESCAPE_CHAR_VALS:
                out.append(TJSONProtocol.ESCAPE_CHAR_VALS[ch])
            elif ord(ch) < 0x20:
                out.append("\\u%04x" % ord(ch))
            else:
                out.append(ch)
        out.append('"')
        self.trans.write("".join(out).encode("utf-8"))


# name: (writer, a second writer that must agree or None, Python reads it back)
PROTOCOLS = {
    "binary": (TBinaryProtocol.TBinaryProtocol, TBinaryProtocol.TBinaryProtocolAccelerated,
               True),
    "compact": (TCompactProtocol.TCompactProtocol,
                TCompactProtocol.TCompactProtocolAccelerated, True),
    "json": (CppJSON, None, True),
    # Python's own JSON cannot read its bare nan and inf back
    "json-python": (TJSONProtocol.TJSONProtocol, None, False),
}


def encode(proto_cls, header, value):
    buf = TTransport.TMemoryBuffer()
    proto = proto_cls(buf)
    if header is not None:
        proto.writeMessageBegin(*header)
    value.write(proto)
    if header is not None:
        proto.writeMessageEnd()
    return buf.getvalue()


def decode(proto_cls, header, value, data):
    proto = proto_cls(TTransport.TMemoryBuffer(data))
    if header is not None:
        got = proto.readMessageBegin()
        if tuple(got) != tuple(header):
            raise AssertionError("message header %r, expected %r" % (got, header))
    out = type(value)()
    out.read(proto)
    return out


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: py_vectors.py OUTDIR\n")
        return 2
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    failed = 0
    for name, (header, value) in VECTORS.items():
        for pname, (pure, accelerated, reads_back) in PROTOCOLS.items():
            data = encode(pure, header, value)
            # The C-accelerated encoder must agree with the pure one, or the
            # reference itself is in doubt.
            fast = encode(accelerated, header, value) if accelerated else data
            if fast != data:
                sys.stderr.write("py_vectors: %s.%s: accelerated encoder differs from pure "
                                 "Python\n  pure %s\n  fast %s\n"
                                 % (name, pname, data.hex(), fast.hex()))
                failed += 1
            # And Python must read back what it wrote. (Values are not
            # compared: sets come back reordered and NaN != NaN.)
            if reads_back:
                decode(pure, header, value, data)
            with open(os.path.join(outdir, "%s.%s.bin" % (name, pname)), "wb") as f:
                f.write(data)
    print("py_vectors: wrote %d vectors x %d protocols to %s"
          % (len(VECTORS), len(PROTOCOLS), outdir))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
