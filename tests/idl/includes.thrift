// Includes: next to this file (sub/...), through the -I search path
// (searched.thrift lives in search/), and the same file reached twice.
include "sub/shared.thrift"
include "sub/other.thrift"
include "searched.thrift"

namespace c includes

typedef shared.Id LocalId

struct UsesIncluded {
  1: shared.Thing thing
  2: list<shared.Thing> things
  3: shared.Mood mood = shared.Mood.HAPPY
  4: other.Wrapper wrapper
  5: searched.Found found
  6: LocalId id = shared.FIRST_ID
  7: map<shared.Id, other.Wrapper> by_id
}

const shared.Thing THING = {"name": shared.DEFAULT_NAME, "mood": shared.Mood.SAD}
const i64 ID_PLUS = shared.FIRST_ID
const list<shared.Mood> MOODS = [shared.Mood.HAPPY, shared.Mood.SAD]

service Derived extends shared.BaseService {
  shared.Thing get(1: shared.Id id) throws (1: shared.Problem problem)
  other.Wrapper wrap(1: searched.Found found)
}
