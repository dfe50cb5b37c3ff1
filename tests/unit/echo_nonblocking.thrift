// The Echo service the nonblocking server tests drive (test_nonblocking_util.h):
// examples/echo's Echo plus a oneway method. Generated at build time into
// the postern_echotest library (tests/CMakeLists.txt).
namespace c t

struct EchoReq {
  1: string msg
}

struct EchoRes {
  1: string msg
}

service Echo {
  EchoRes echo(1: EchoReq req)
  oneway void note(1: string msg)
}
