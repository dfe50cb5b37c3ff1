# expect: bad/dup_field_id.thrift:4:13: duplicate field id 1 in struct 'S': 'a' and 'b'
struct S {
  1: i32 a
  1: string b
}
