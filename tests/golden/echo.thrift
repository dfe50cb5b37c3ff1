// The Echo service: the smallest useful RPC.
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
