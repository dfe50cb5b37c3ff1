/**
 * Where postern behaves as Apache Thrift 0.17 (C++ and Python) does, for
 * the IDL and for what comes off the wire (compat_decode.c runs the
 * generated code).
 */
namespace c compat

/** `required` on a union member is ignored: it is optional (with a warning). */
union UR {
  1: required i32 a
  2: i32 b
}

/** Thrift writes a union's default member as well as the one set. */
union UD {
  1: i32 i = 7
  2: string s
}

/** The default member after the one set: Thrift writes `s`, then `i = 7`. */
union UE {
  1: string s
  2: i32 i = 7
}

/** A required field with a default must still be on the wire. */
struct RD {
  1: required i32 a = 5
  2: i32 b
}

struct Outer {
  1: RD rd
  2: list<RD> rds
}

/** Duplicate set elements and map keys on the wire. */
struct Dups {
  1: set<i32> ints
  2: set<string> strs
  3: map<string, i32> counts
  4: map<i64, string> names
  5: list<i32> seq
  6: set<double> reals
  7: set<bool> flags
  8: map<binary, i8> blobs
  9: set<list<i32>> lists
}

/** Integers as bools: true when greater than zero, as Thrift renders them. */
const bool B_MINUS_ONE = -1
const bool B_ZERO = 0
const bool B_ONE = 1
const bool B_TWO = 2
struct Flags {
  1: bool neg = -1
  2: bool pos = 2
}
