# expect: bad/unqualified_enum.thrift:3:27: enum value 'ONE' must be qualified: write 'Numberz.ONE'
enum Numberz { ONE = 1 }
const Numberz urNumberz = ONE
