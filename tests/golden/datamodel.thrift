/** A little of everything a data model uses. */
namespace c feat

/** How urgent. */
enum Priority {
  LOW = 1,
  /** The default. */
  NORMAL,
  HIGH = 10
}

typedef i64 Timestamp
typedef list<string> Tags

struct Point {
  1: required double x
  2: required double y
}

/** A task in a list. */
struct Task {
  1: required string title
  2: optional string notes
  3: Priority priority = Priority.NORMAL
  4: Tags tags = ["new"]
  5: map<string, i32> counters
  6: set<Timestamp> reminders
  7: Point where = {"x": 1.5, "y": -2}
  8: uuid id
  9: binary attachment
  10: bool done = false
  11: i8 i8_field
  12: i16 i16_field
}

union Contact {
  1: string email = "nobody@example.com"
  2: i64 phone
}

exception NotFound {
  1: string what
  2: i32 code = 404
}

const i32 MAX_TASKS = 1000
const string OWNER = "feat \"owner\""
const list<Priority> ORDER = [Priority.HIGH, Priority.NORMAL, Priority.LOW]
const map<string, Point> PLACES = {"origin": {"x": 0, "y": 0}}
const Task TEMPLATE = {"title": "todo", "tags": ["a", "b"]}
const uuid NIL = "00000000-0000-0000-0000-000000000000"
