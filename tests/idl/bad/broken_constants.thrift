# The integer is a little over 2^63; the enum value needs 36 bits.
# expect: bad/broken_constants.thrift:4:20: integer '9876543210987654321' does not fit in 64 bits
const i64 fine = 68719476736
const i64 broken = 9876543210987654321
enum foo { bar = 68719476736 }
