# expect: bad/missing_brace.thrift:2:10: '{' of struct 'X' is never closed
struct X {
  1: i32 a
