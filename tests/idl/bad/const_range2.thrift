# expect: bad/const_range2.thrift:2:25: value 300 is out of range for i8 in an element of constant 'SMALL'
const list<i8> SMALL = [300]
