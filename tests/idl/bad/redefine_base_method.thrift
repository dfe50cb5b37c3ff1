# expect: bad/redefine_base_method.thrift:7:37: method 'f' is already defined in base service 'Base' (bad/redefine_base_method.thrift:5); service 'Derived' cannot redefine it
# expect: bad/redefine_base_method.thrift:11:35: method 'g' is already defined in base service 'Middle' (bad/redefine_base_method.thrift:9); service 'Leaf' cannot redefine it
// Apache Thrift rejects these too ("Function f is already defined").
service Base {
  void f()
}
service Derived extends Base { void f(1: i32 x) }
service Middle extends Base {
  void g()
}
service Leaf extends Middle { i32 g() }
