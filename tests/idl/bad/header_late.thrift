# expect: bad/header_late.thrift:3:1: 'namespace' must come before all definitions
struct X {}
namespace c late
