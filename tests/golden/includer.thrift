// Types, constants and services from an included file.
include "golden_base.thrift"

namespace c incl

struct Envelope {
  1: golden_base.Header header
  2: list<golden_base.Header> history
  3: golden_base.Kind kind = golden_base.Kind.B
}

const golden_base.Header DEFAULT_HEADER = {"id": golden_base.FIRST}

service Relay extends golden_base.Pinger {
  Envelope relay(1: Envelope e) throws (1: golden_base.Failed failed)
}
