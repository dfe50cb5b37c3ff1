include "a/common.thrift"
struct L { 1: common.A a }
