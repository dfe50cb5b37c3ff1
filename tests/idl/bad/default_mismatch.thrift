# expect: bad/default_mismatch.thrift:3:26: type mismatch in the default of field 'tags' of struct 'S': expected list<string>, found a map
struct S {
  1: list<string> tags = {"a": "b"}
}
