// Types for the byte-exact encoding vectors (py_vectors.py writes them with
// Apache Thrift's Python library, vectors.c checks postern against them).
// Chosen to reach every branch of the binary and compact encoders: every
// wire type, bools as fields and as container elements, field-id gaps of
// exactly 15 and of more than 15 (compact's short and long field headers),
// nested and empty containers, unions, optional fields, and a type that
// contains itself.

namespace c vec
namespace py vectors

enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 1000000      // more than one varint byte
}

struct Inner {
  1: i32 num,
  2: string text
}

struct Empty {}

union Choice {
  1: i32 num,
  2: string text,
  3: Inner inner
}

// A linked list: Node contains itself, so postern holds `next` by pointer.
struct Node {
  1: i32 value,
  2: optional Node next
}

struct AllTypes {
  1:  bool b_true,
  2:  bool b_false,
  3:  i8 byte_val,
  4:  i16 i16_val,
  5:  i32 i32_val,
  6:  i64 i64_val,
  7:  double dbl,
  8:  string str,
  9:  binary bin,
  10: Color color,
  11: Inner inner,
  12: list<bool> bools,
  13: list<i32> ints,
  14: set<string> names,
  15: map<string, i64> counts,
  // 15 -> 40: compact switches to the long field header.
  40: list<list<i16>> nested_lists,
  41: map<i32, list<string>> map_of_lists,
  42: list<Inner> inners,
  43: Empty empty,
  44: list<double> doubles,
  45: map<i8, bool> flags,
  46: set<i64> big_set,
  47: list<map<string, Inner>> list_of_maps,
  48: list<binary> blobs,
  49: map<Color, set<i16>> by_color,
  50: Choice choice,
  51: Node chain,
  100: bool far_bool,              // a bool in a long field header
  1000: optional i32 opt_set,
  1001: optional string opt_unset,
  32767: i16 last_id
}

// Field-id deltas at compact's boundary: 15 fits the short header, 16 not.
struct Deltas {
  1: i8 a,
  16: i8 b,      // delta 15
  32: i8 c,      // delta 16
  33: bool d,    // bool, short header
  200: bool e,   // bool, long header
  201: list<bool> f
}
