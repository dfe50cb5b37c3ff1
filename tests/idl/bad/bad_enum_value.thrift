# expect: bad/bad_enum_value.thrift:3:13: 7 is not a value of enum 'E' (in constant 'X')
enum E { A = 1 }
const E X = 7
