# expect: bad/field_id_range.thrift:3:3: field id 40000 is out of range (1 to 32767)
struct X {
  40000: i32 far
}
