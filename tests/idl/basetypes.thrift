// Every base type, as a field, a typedef, a parameter and a return value.
namespace c basetypes

typedef bool Flag
typedef byte OldByte          // `byte` is i8
typedef i8 Tiny
typedef i16 Short
typedef i32 Int
typedef i64 Long
typedef double Real
typedef string Text
typedef binary Blob
typedef uuid Id

struct AllBase {
  1: bool a_bool,
  2: byte a_byte,
  3: i8 an_i8,
  4: i16 an_i16,
  5: i32 an_i32,
  6: i64 an_i64,
  7: double a_double,
  8: string a_string,
  9: binary a_binary,
  10: uuid a_uuid,
}

struct AllTypedefs {
  1: Flag flag
  2: OldByte old
  3: Tiny tiny
  4: Short short_
  5: Int int_
  6: Long long_
  7: Real real
  8: Text text
  9: Blob blob
  10: Id id
}

service BaseEcho {
  bool echoBool(1: bool v)
  byte echoByte(1: byte v)
  i8 echoI8(1: i8 v)
  i16 echoI16(1: i16 v)
  i32 echoI32(1: i32 v)
  i64 echoI64(1: i64 v)
  double echoDouble(1: double v)
  string echoString(1: string v)
  binary echoBinary(1: binary v)
  uuid echoUuid(1: uuid v)
  Long echoTypedef(1: Long v, 2: Text t, 3: Id i)
  AllBase echoAll(1: AllBase v)
}
