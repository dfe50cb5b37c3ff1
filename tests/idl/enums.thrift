namespace c enums

/** Values with and without explicit numbers. */
enum Mixed {
  /** Zero, implicitly. */
  ZERO,
  ONE,
  TEN = 10,
  ELEVEN,
  MINUS = -3,
  MINUS_TWO,
  HEX = 0x20,
  AFTER_HEX
}

enum Limits {
  LOWEST = -2147483648,
  HIGHEST = 2147483647
}

// Separators: commas, semicolons or nothing.
enum Seps { A; B, C D }

// The same value names may appear in another enum.
enum Again { ZERO = 100, ONE = 101 }

// Two names for one value.
enum Aliases { FIRST = 1, PRIMARY = 1, SECOND = 2 }

enum Annotated {
  PLAIN,
  MARKED (note = "marked", flag),
} (enum.note = "on the enum")

enum Nothing {}

struct UsesEnums {
  1: Mixed mixed = Mixed.TEN
  2: Limits limit = Limits.LOWEST
  3: list<Mixed> many = [Mixed.ZERO, Mixed.AFTER_HEX, 1]
  4: map<Again, Aliases> pairs = {Again.ZERO: Aliases.PRIMARY}
  5: set<Seps> seps
  6: Nothing nothing
  7: optional Annotated annotated
}

service EnumService {
  Mixed flip(1: Mixed m, 2: Again a)
  list<Limits> limits()
}
