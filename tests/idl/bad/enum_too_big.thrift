# expect: bad/enum_too_big.thrift:3:18: value 68719476736 of enum value 'foo.bar' does not fit in i32
const i64 fine = 68719476736
enum foo { bar = 68719476736 }
