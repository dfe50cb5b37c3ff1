// Since Thrift 0.18 (THRIFT-5626) field names may be Thrift keywords.
namespace c kwnames

struct Keywords {
  1: i8 i8
  2: i16 i16
  3: i32 i32
  4: i64 i64
  5: uuid uuid
  6: string string
  7: binary binary
  8: bool bool
  9: byte byte
  10: list<string> list
  11: set<string> set
  12: map<string, string> map
  13: double double
  14: i32 required
  15: i32 optional
  16: i32 struct
  17: i32 union
  18: i32 exception
  19: i32 enum
  20: i32 const
  21: i32 typedef
  22: i32 service
  23: i32 extends
  24: i32 throws
  25: i32 oneway
  26: i32 void
  27: i32 include
  28: i32 namespace
  29: i32 cpp_include
  30: i32 async
}

service Keyed {
  void takes(1: i32 map, 2: string list, 3: bool void)
}
