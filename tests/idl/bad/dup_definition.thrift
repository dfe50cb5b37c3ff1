# expect: bad/dup_definition.thrift:3:8: 'Thing' is already defined (as struct at line 2)
struct Thing {}
struct Thing {}
