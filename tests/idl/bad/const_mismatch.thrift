# expect: bad/const_mismatch.thrift:2:18: type mismatch in constant 'PORT': expected i32, found a string
const i32 PORT = "8080"
