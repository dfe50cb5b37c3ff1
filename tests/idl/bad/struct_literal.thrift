# expect: bad/struct_literal.thrift:3:14: struct 'P' has no field 'z' (in constant 'X')
struct P { 1: i32 x, 2: i32 y }
const P X = {"z": 1}
