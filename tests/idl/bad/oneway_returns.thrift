# expect: bad/oneway_returns.thrift:3:10: oneway method 'S.get' must return void
service S {
  oneway i32 get()
}
