include "shared.thrift"
include "base.thrift"

namespace c inc_other

struct Wrapper {
  1: shared.Thing thing
  2: base.Stamp when
}
