# expect: include cycle
include "include_cycle_b.thrift"
