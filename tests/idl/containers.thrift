// Containers of every element kind, nested to some depth, with the
// C++-only cpp_type hints and annotations Thrift accepts on them.
namespace c containers

enum Kind { A, B }
struct Item { 1: string name }
exception Oops { 1: string why }

typedef list<i32> Ints
typedef map<string, Ints> IntsByName
typedef set<IntsByName> Everything

struct Lists {
  1: list<bool> bools
  2: list<i8> i8s
  3: list<i16> i16s
  4: list<i32> i32s
  5: list<i64> i64s
  6: list<double> doubles
  7: list<string> strings
  8: list<binary> blobs
  9: list<uuid> uuids
  10: list<Kind> kinds
  11: list<Item> items
  12: list<Oops> oopses
  13: list<list<i32>> nested
}

struct Sets {
  1: set<i32> i32s
  2: set<string> strings
  3: set<Item> items
  4: set<set<Kind>> nested
}

struct Maps {
  1: map<i32, string> by_number
  2: map<string, Item> by_name
  3: map<Kind, list<Item>> by_kind
  4: map<Item, Kind> struct_keys
  5: map<list<i32>, set<string>> container_keys
  6: map<uuid, binary> blobs
  7: map<bool, double> truth
}

struct Deep {
  1: list<list<list<list<list<list<list<list<i32>>>>>>>> eight
  2: map<string, map<string, map<string, list<set<Item>>>>> mixed
  3: Everything everything
  4: list<Everything> more
}

struct Hints {
  1: list cpp_type "std::deque<int>" <i32> before
  2: list<i32> cpp_type "std::deque<int>" after
  3: set cpp_type "std::unordered_set<int>" <i32> set_hint
  4: map cpp_type "std::unordered_map<int, int>" <i32, i32> map_hint
  5: list<i32 (cpp.fixed = "1")> (python.immutable = "") annotated
  6: map<string (a = "b"), list<double (cpp.fixed_point = "16")>> inner
}

service Containers {
  Lists echoLists(1: Lists l)
  map<string, list<Item>> group(1: list<Item> items, 2: set<Kind> kinds)
  list<map<i32, i32>> split(1: map<i32, i32> m) throws (1: Oops oops)
  Everything everything(1: Everything e)
}
