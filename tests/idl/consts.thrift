# Constants of every kind: scalars, strings, uuids, containers nested in
# containers, struct literals (maps of field name to value), and
# references to other constants and to enum values.
namespace c consts

enum Level { LOW = 1, MID = 5, HIGH = 10 }

typedef i32 Count
typedef list<string> Names

struct Pair {
  1: string key
  2: i32 value = 1
}

struct Holder {
  1: Pair pair
  2: list<Pair> pairs
  3: map<string, Pair> by_name
  4: optional Level level
  5: set<i64> numbers
}

const bool YES = true
const bool NO = false
const bool ONE_IS_TRUE = 1
const byte SMALLEST_BYTE = -128
const i8 BIGGEST_I8 = 127
const i16 I16_MIN = -32768
const i32 I32_MIN = -2147483648
const i32 I32_MAX = 2147483647
const i32 HEX = 0x7fFFffFF
const i32 NEG_HEX = -0x10
const i32 LEADING_ZERO = 0099
const i64 I64_MIN = -9223372036854775808
const i64 I64_MAX = 9223372036854775807
const double PI = 3.14159265358979
const double AVOGADRO = 6.02214076e23
const double TINY = -1.5E-300
const double FROM_INT = 42
const double HALF = .5
const string GREETING = "hello, world"
const string SINGLE_QUOTED = 'it said "hi"'
const string ESCAPES = "tab\tnewline\nquote\"backslash\\cr\r'"
const string TRIGRAPH_BAIT = "??=??/??'??(??)??!??<??>??-"
const string UTF8 = "grüße, 世界"
const string EMPTY = ""
const binary BYTES = "\\x00 is not an escape here"
const uuid ID = "00112233-4455-6677-8899-aabbccddeeff"
const uuid BRACED_ID = '{01234567-89AB-CDEF-0123-456789abcdef}'

const Count COUNT = 3;
const Level DEFAULT_LEVEL = Level.MID,
const Level LEVEL_BY_NUMBER = 10
const i32 LEVEL_AS_INT = Level.HIGH
const i64 WIDENED = I32_MAX
const double WIDENED_DOUBLE = COUNT
const i32 SAME = COUNT

const list<i32> PRIMES = [2, 3, 5, 7, 11; 13 17]
const list<i32> NO_PRIMES = []
const set<string> COLORS = ["red", "green", "red", "blue"]
const set<i32> EMPTY_SET = {}
const map<string, i32> AGES = {"ann": 31, "bob": 42, "ann": 32}
const map<i32, string> EMPTY_MAP = []
const map<Level, list<string>> BY_LEVEL = {
  Level.LOW: ["a", "b"],
  Level.HIGH: [],
}
const list<list<list<i64>>> CUBE = [[[1, 2], [3]], [], [[I64_MIN]]]
const map<string, map<string, set<i32>>> DEEP = {"x": {"y": [1, 2, 2]}}
const list<double> DOUBLES = [1, 2.5, -0.0, 1e10]
const list<uuid> IDS = [ID, "ffffffff-ffff-ffff-ffff-ffffffffffff"]
const list<Level> LEVELS = [Level.LOW, DEFAULT_LEVEL, 10]
const Names NAMES = ["x", "y"]
const list<string> NAMES_AGAIN = NAMES
const list<i32> REFERENCES = [COUNT, I32_MAX, Level.MID, LEVEL_AS_INT]

const Pair PAIR = {"key": "k"}
const Pair PAIR_FULL = {"key": "k", "value": 9}
const Pair PAIR_COPY = PAIR
const Holder HOLDER = {
  "pair": {"key": "inner", "value": 2},
  "pairs": [{"key": "a"}, PAIR, {"value": -1}],
  "by_name": {"p": PAIR_FULL},
  "level": Level.HIGH,
  "numbers": [1, 2, 3, 1],
}
const list<Holder> HOLDERS = [{}, HOLDER]
const map<Pair, Level> KEYED_BY_STRUCT = {{"key": "a"}: Level.LOW}
