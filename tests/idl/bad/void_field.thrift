# expect: bad/void_field.thrift:3:6: 'void' is only allowed as a method's return type
struct X {
  1: void nothing
}
