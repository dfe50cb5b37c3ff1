// Names that are fine in Thrift but not as they are in C: keywords, macros
// of the standard headers, names the generated code uses itself.
namespace c names

enum int { char, long }

struct auto {
  1: i32 int
  2: bool bool
  3: bool bool_
  4: string char
  5: i32 default
  6: i32 register
  7: i32 restrict
  8: i32 _Bool
  9: i32 isset_
  10: i32 NULL
  11: i32 errno
  12: i32 linux
  13: i32 INT32_MAX
  14: i32 offsetof
  15: double complex
  16: i32 inline
  17: i32 BIG_ENDIAN
  18: i32 INT_FAST8_MAX
  19: i32 PST_STR
  20: i32 PST_CODEC_CONFIG_INIT
  21: i32 UINT64_C
}

struct while { 1: auto auto, 2: int int }

typedef auto goto

const auto CONST_AUTO = {"int": 1, "bool": true, "bool_": false, "isset_": 2}
const int ENUM_CONST = int.long

service switch {
  // parameters named like the stub's own parameters and locals
  i32 clash(1: i32 c, 2: i32 a, 3: i32 result, 4: i32 call, 5: i32 args, 6: i32 int)
  void params(1: auto int32_t, 2: string pst_str, 3: i64 handler)
  // a result field named like the return value
  i32 success(1: i32 success) throws (1: SwitchError success_)
}

exception SwitchError { 1: string static }

service case extends switch {
  // `base` is the handler member holding the base service's functions
  void base()
  void unsigned(1: i32 signed)
}
