# expect: bad/const_range.thrift:2:18: value 300 is out of range for i8 in constant 'SMALL'
const i8 SMALL = 300
