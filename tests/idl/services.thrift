/** Services: inheritance, oneway, void, exceptions, defaults. */
namespace c services

struct Request { 1: string text }
struct Response { 1: string text, 2: i32 length }
exception Invalid { 1: string reason }
exception Overloaded { 1: i32 retry_after_ms }
typedef Invalid AlsoInvalid

service Base {
  /** Health check. */
  void ping()
  i32 version()
}

/**
 * The main service.
 * It extends Base, so a Main handler starts with a Base handler.
 */
service Main extends Base {
  Response call(1: Request req) throws (1: Invalid invalid, 2: Overloaded busy)
  void fire(1: Request req) throws (1: AlsoInvalid invalid);
  oneway void notify(1: string event, 2: i64 at)
  oneway void bare()
  i32 add(1: i32 a, 2: i32 b = 1),
  list<Response> many(1: list<Request> reqs, 2: map<string, string> opts, 3: bool strict = true)
  // ids out of order and implicit
  string mixed(3: string third, 1: string first, string implicit)
  Request implicitThrows() throws (Invalid first_implicit, Overloaded second_implicit)
  void optionalArg(1: optional i32 ignored_optional)
}

service Leaf extends Main {
  void leaf()
}

service Empty {}

service EmptyChild extends Empty {}

service Annotated {
  void old() (deprecated = "use new")
  void flagged() (deprecated)
} (service.note = "x")

// A service may extend one defined later: the header still declares the
// base's handler first.
service Early extends Late {
  void early()
}

service Late {
  void late()
}
