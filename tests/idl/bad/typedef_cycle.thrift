# expect: bad/typedef_cycle.thrift:2:11: typedef 'A' refers to itself
typedef B A
typedef A B
