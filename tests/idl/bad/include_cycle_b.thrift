# expect: include cycle
include "include_cycle_a.thrift"
