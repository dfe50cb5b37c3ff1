// The Bag service test_server_call_memory drives: lists of small structs
// that decode to much more memory than they take on the wire. Generated at
// build time into the postern_echotest library (tests/CMakeLists.txt).
namespace c bag

struct Item {
  1: optional string name
  2: optional i64 id
}

service Bag {
  /** Answers items.size(). */
  i32 count(1: list<Item> items)
  /** Answers lists.size(). */
  i32 nest(1: list<list<Item>> lists)
  /** Answers n empty Items. */
  list<Item> make(1: i32 n)
}
