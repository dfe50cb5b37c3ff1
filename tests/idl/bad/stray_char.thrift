# expect: bad/stray_char.thrift:3:12: unexpected character '@'
struct X {
  1: i32 a @deprecated
}
