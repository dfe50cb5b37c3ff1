// Types that contain themselves by value are held by pointer; lists, sets
// and maps of themselves are fine as they are.
namespace c recursive

struct Tree {
  1: list<Tree> children
  2: i32 value
}

struct Node {
  1: i32 value
  2: optional Node & next
}

struct Self {
  1: Self self_
}

struct A { 1: B b, 2: i32 n }
struct B { 1: C c }
struct C { 1: optional A a }

union Expr {
  1: i64 literal
  2: Binary binary
  3: Expr negate
}

struct Binary {
  1: Expr left
  2: Expr right
  3: string op
}

exception Chain {
  1: string message
  2: optional Chain cause
}

typedef Loop LoopAlias
struct Loop { 1: optional LoopAlias again }

// Holds recursive types without being recursive itself.
struct Holder {
  1: Node head
  2: list<Node> nodes
  3: Tree tree
  4: map<string, Expr> exprs
}

const Node LIST = {"value": 1, "next": {"value": 2, "next": {"value": 3}}}
const Expr EXPR = {"binary": {"left": {"literal": 1}, "right": {"negate": {"literal": 2}}, "op": "+"}}

service Recursion {
  Tree echoTree(1: Tree tree)
  Node echoNode(1: Node node)
  Expr simplify(1: Expr e) throws (1: Chain chain)
}

// A default of the struct's own type: written once, with the inner
// occurrence of the field left unset (NULL), not infinitely deep.
struct SelfDefault {
  1: optional SelfDefault next = {"value": 2}
  2: i32 value = 1
}
