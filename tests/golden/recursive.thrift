// Types that contain themselves are held by pointer.
namespace c rec

struct Node {
  1: i32 value
  2: optional Node next
}

struct Tree {
  1: list<Tree> children
  2: string label
}

union Expr {
  1: i64 num
  2: Pair add
}

struct Pair {
  1: Expr left
  2: Expr right
}

const Node CHAIN = {"value": 1, "next": {"value": 2}}

service Walker {
  Node reverse(1: Node list)
}
