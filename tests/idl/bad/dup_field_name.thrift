# expect: bad/dup_field_name.thrift:4:13: duplicate field name 'a' in struct 'S' (first at line 3)
struct S {
  1: i32 a
  2: string a
}
