// The bottom of the include diamond: shared.thrift and other.thrift both
// include it; it is loaded once.
namespace c inc_base

struct Stamp { 1: i64 seconds, 2: i32 nanos }

service Root {
  Stamp now()
}
