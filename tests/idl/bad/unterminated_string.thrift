# expect: bad/unterminated_string.thrift:2:18: string literal runs past the end of the line
const string S = "no end
struct X {}
