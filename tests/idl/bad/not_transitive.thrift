# Names of a file are visible only where that file is included directly.
# expect: bad/not_transitive.thrift:6:6: unknown type 'base.Stamp'
include "../sub/other.thrift"
struct X {
  1: other.Wrapper w
  2: base.Stamp s
}
