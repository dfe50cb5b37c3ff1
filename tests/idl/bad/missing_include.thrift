# expect: bad/missing_include.thrift:2:9: cannot find included file 'nowhere.thrift'
include "nowhere.thrift"
