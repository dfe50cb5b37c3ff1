# expect: postern: 'bad/same_prefix/a/common.thrift' and 'bad/same_prefix/b/common.thrift' both use the C prefix 'common'; give one a different 'namespace c'
// Two files named common.thrift in different directories, each included
// by a different file: Thrift 0.17 accepts this, but their C names would
// collide (a documented limit, compiler/README.md).
include "same_prefix/left.thrift"
include "same_prefix/right.thrift"

struct Top {
  1: left.L l
  2: right.R r
}
