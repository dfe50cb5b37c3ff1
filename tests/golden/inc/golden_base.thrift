namespace c gbase

enum Kind { A, B }
const i64 FIRST = 1
struct Header { 1: i64 id, 2: Kind kind }
exception Failed { 1: string why }
service Pinger { void ping() }
