// The Calc service the processor, client and server tests drive
// (test_calc.h has its handlers). Generated at build time into the
// postern_echotest library (tests/CMakeLists.txt).
namespace c t

exception Oops {
  1: string why
  2: i32 code
}

service Base {
  i32 ping(1: i32 x)
}

service Calc extends Base {
  i32 add(1: i32 a, 2: i32 b)
  string echo(1: string s)
  i32 divide(1: i32 a, 2: i32 b) throws (1: Oops oops)
  /** The handler fails: an INTERNAL_ERROR reply. */
  void fail(1: string why)
  oneway void note(1: i32 v)
  /** Sleeps ms milliseconds, answers ms. */
  i32 slow(1: i32 ms)
}
