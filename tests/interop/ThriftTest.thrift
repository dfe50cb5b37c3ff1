// The interop suite's service: the wire contract of Apache Thrift's
// cross-language test service (ThriftTest), restated. Every name, field id
// and type below must match what the Apache Thrift peers were built from,
// because the peers only agree on bytes: method names, field ids, wire types.
// Behaviour of each method is documented next to it; the postern, Python and
// C++ servers in this directory all implement exactly that.

namespace c tt
namespace cpp thrift.test
namespace py ThriftTest

enum Numberz {
  ONE = 1,
  TWO,          // 2
  THREE,        // 3
  FIVE = 5,
  SIX,          // 6
  EIGHT = 8
}

const Numberz myNumberz = Numberz.ONE

typedef i64 UserId

struct Bonk {
  1: string message,
  2: i32 type
}

typedef map<string, Bonk> MapType

struct Bools {
  1: bool im_true,
  2: bool im_false,
}

// Field ids with gaps on purpose: 1, 4, 9, 11.
struct Xtruct {
  1:  string string_thing,
  4:  i8     byte_thing,
  9:  i32    i32_thing,
  11: i64    i64_thing
}

struct Xtruct2 {
  1: i8     byte_thing,
  2: Xtruct struct_thing,
  3: i32    i32_thing
}

struct Xtruct3 {
  1:  string string_thing,
  4:  i32    changed,
  9:  i32    i32_thing,
  11: i64    i64_thing
}

struct Insanity {
  1: map<Numberz, UserId> userMap,
  2: list<Xtruct> xtructs
}

exception Xception {
  1: i32 errorCode,
  2: string message
}

exception Xception2 {
  1: i32 errorCode,
  2: Xtruct struct_thing
}

struct EmptyStruct {}

struct OneField {
  1: EmptyStruct field
}

service ThriftTest {
  // Returns nothing.
  void testVoid(),

  // Each of these echoes its argument unchanged.
  string testString(1: string thing),
  bool testBool(1: bool thing),
  i8 testByte(1: i8 thing),
  i32 testI32(1: i32 thing),
  i64 testI64(1: i64 thing),
  double testDouble(1: double thing),
  binary testBinary(1: binary thing),
  Xtruct testStruct(1: Xtruct thing),
  Xtruct2 testNest(1: Xtruct2 thing),
  map<i32, i32> testMap(1: map<i32, i32> thing),
  map<string, string> testStringMap(1: map<string, string> thing),
  set<i32> testSet(1: set<i32> thing),
  list<i32> testList(1: list<i32> thing),
  Numberz testEnum(1: Numberz thing),
  UserId testTypedef(1: UserId thing),

  // Ignores `hello` and answers
  //   { -4: {-4: -4, -3: -3, -2: -2, -1: -1}, 4: {1: 1, 2: 2, 3: 3, 4: 4} }
  map<i32, map<i32, i32>> testMapMap(1: i32 hello),

  // Answers { 1: { TWO: argument, THREE: argument },
  //           2: { SIX: Insanity with an empty map and an empty list } }
  map<UserId, map<Numberz, Insanity>> testInsanity(1: Insanity argument),

  // Answers Xtruct{ string_thing: "Hello2", byte_thing: arg0,
  //                 i32_thing: arg1, i64_thing: arg2 }; arg3..arg5 are only
  // there to be decoded.
  Xtruct testMulti(1: i8 arg0, 2: i32 arg1, 3: i64 arg2,
                   4: map<i16, string> arg3, 5: Numberz arg4, 6: UserId arg5),

  // arg "Xception"   -> throws Xception{ errorCode: 1001, message: arg }
  // arg "TException" -> fails with an application exception
  // anything else    -> returns normally
  void testException(1: string arg) throws (1: Xception err1),

  // arg0 "Xception"  -> throws Xception{ 1001, "This is an Xception" }
  // arg0 "Xception2" -> throws Xception2{ 2002,
  //                        Xtruct{ string_thing: "This is an Xception2" } }
  // otherwise        -> returns Xtruct{ string_thing: arg1 }
  Xtruct testMultiException(1: string arg0, 2: string arg1)
      throws (1: Xception err1, 2: Xception2 err2),

  // Sleeps secondsToSleep seconds on the server; the caller does not wait.
  oneway void testOneway(1: i32 secondsToSleep)
}

service SecondService {
  // Echoes its argument.
  string secondtestString(1: string thing)
}
