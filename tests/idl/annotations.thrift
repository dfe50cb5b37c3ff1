// Annotations everywhere Thrift takes them; postern keeps them in the
// syntax tree and otherwise ignores them.
namespace c annotations (c.note = "on a namespace")

typedef i32 (cpp.type = "int32_t") Small (typedef.note = "after the name")
typedef list<string (s.note = "element")> (l.note = "list") Strings

enum Status {
  OK (doc = "fine"),
  BAD (a = "1", b = "2"; c = "3" d)
} (enum.note = "yes",)

struct Annotated {
  1: i32 plain (field.note = "x")
  2: string (type.note = "on the type") typed
  3: map<string (k = "key"), i32 (v = "value")> (m = "map") both (f = "field"),
  4: optional Small small (presence = "optional", cpp.use_pointer = "",)
  5: list<i32> flag_only (just_a_flag)
} (
  cpp.type = "DenseAnnotated",
  python.immutable = "",
  annotation.without.value,
)

exception Problem {
  1: string what (x = "y")
} (exception.note = "")

union Either { 1: i32 a, 2: string b } (union.note = "u")

service Annotations {
  void foo() (foo = "bar")
  Annotated get(1: i32 id (arg.note = "id")) (method.note = "m")
  void deprecated() (deprecated = "This method has neither 'x' nor \"y\"")
  void tabs() (deprecated = "tabs (\t) and umlauts (äöü) and 中文")
} (service.note = "s", another)
