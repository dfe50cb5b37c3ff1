# expect: bad/oneway_throws.thrift:4:35: oneway method 'S.fire' cannot throw exceptions
exception E {}
service S {
  oneway void fire() throws (1: E e)
}
