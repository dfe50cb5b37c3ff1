# expect: bad/union_defaults.thrift:4:10: union 'U' has default values for both 'a' and 'b'
union U {
  1: i32 a = 1
  2: i32 b = 2
}
