include "b/common.thrift"
struct R { 1: common.B b }
