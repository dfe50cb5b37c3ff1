# expect: bad/throws_struct.thrift:4:23: throws clause of 'S.f' names 'NotAnError', which is a struct, not an exception
struct NotAnError {}
service S {
  void f() throws (1: NotAnError e)
}
