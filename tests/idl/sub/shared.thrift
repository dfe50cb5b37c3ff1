// Included by includes.thrift (as "sub/shared.thrift") and by other.thrift
// (as "shared.thrift", next to it).
include "base.thrift"

namespace c inc_shared

typedef i64 Id

const Id FIRST_ID = 1000
const string DEFAULT_NAME = "nobody"

enum Mood { HAPPY, SAD }

struct Thing {
  1: string name
  2: Mood mood
  3: base.Stamp stamp
}

exception Problem { 1: string message }

service BaseService extends base.Root {
  Id next()
}
