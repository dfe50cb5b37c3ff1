# expect: bad/bad_escape.thrift:2:19: bad escape '\x' in string literal
const string S = "\x41"
