# expect: bad/dup_method.thrift:4:8: method 'ping' is already defined in service 'S' (line 3)
service S {
  void ping()
  void ping(1: i32 x)
}
