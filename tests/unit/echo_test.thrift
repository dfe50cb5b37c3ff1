// The Echo service the pipeline, deadline, pool and client tests drive
// (tests/CMakeLists.txt generates it into the postern_echotest library).
namespace c tst

exception Oops {
  1: string why
}

service Echo {
  string echo(1: string msg)
  string fail(1: string why) throws (1: Oops oops)
  oneway void poke(1: i32 n)
  /** The real test server waits on a gate before answering. */
  string hold(1: string msg)
  void ping()
}
