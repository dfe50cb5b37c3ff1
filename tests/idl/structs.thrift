/**
 * Structs, unions and exceptions: requiredness, defaults, field ids
 * (explicit, implicit, out of order), separators and empty bodies.
 */
namespace c structs

enum Color { RED = 1, GREEN = 2, BLUE = 4 }

struct Point {
  1: required i32 x
  2: required i32 y
}

/** Fields of every requiredness, some with defaults. */
struct Shape {
  /** The name, always sent. */
  1: required string name,
  2: optional Color color = Color.GREEN,
  3: i32 sides = 4;
  4: optional double scale = 1.5
  5: Point origin = {"x": 0, "y": -1}
  6: list<Point> corners = [{"x": 1, "y": 2}, {"x": 3, "y": 4}],
  7: optional bool filled = true
  8: string label = "shape \"one\"\n"
  9: binary bytes = "tab\there"
  10: i64 big = 9223372036854775807
  11: i16 small = -32768
  12: i8 tiny = 0x7f
}

// Ids in any order in the IDL; the descriptor sorts them.
struct Backwards {
  30: i32 third
  2: i32 first
  17: i32 second
}

// No ids at all: Thrift numbers them -1, -2, ... (and warns).
struct Implicit {
  string a,
  string b,
  1: string c
  i32 d
}

// A non-positive id is replaced the same way (with a warning).
struct NonPositive {
  0: i32 zero
  -5: i32 negative
  1: i32 one
}

struct Empty {}

struct Empty2 {
}

union Value {
  1: i32 number
  2: string text
  3: Point point
  4: list<Value> items
  5: map<string, Value> fields
}

union WithDefault {
  1: i32 n = 7
  2: string s
}

exception NotFound {
  1: string what
  2: i32 code = 404
}

exception Boom {}

// More than eight fields: isset_ needs two bytes.
struct Nine {
  1: i8 f1, 2: i8 f2, 3: i8 f3, 4: i8 f4, 5: i8 f5,
  6: i8 f6, 7: i8 f7, 8: i8 f8, 9: i8 f9
}

struct Bounds {
  1: i32 low
  32767: i32 highest_id
}

struct Nest {
  1: Shape shape
  2: Value value
  3: NotFound error
  4: Empty nothing
  5: Nine nine
}
