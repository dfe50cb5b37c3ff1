# expect: bad/unknown_type.thrift:5:6: unknown type 'Strng'
namespace c bad

struct User {
  1: Strng name
}
