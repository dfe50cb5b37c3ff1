// This file and the one it includes start with a UTF-8 byte order mark,
// which Apache Thrift skips (editors on Windows write one).
include "sub/bom_included.thrift"

namespace c bom

struct WithBom {
  1: bom_included.Marked marked
}
