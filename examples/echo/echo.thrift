// The Echo service: the smallest useful RPC, used by the demo and the
// server benchmarks (the same service as the shared load generator speaks).
namespace c echo

struct EchoReq {
  1: string msg
}

struct EchoRes {
  1: string msg
}

service Echo {
  /** Answers with the message it was sent. */
  EchoRes echo(1: EchoReq req)
}
