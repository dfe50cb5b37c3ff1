// A byte order mark is skipped only at the very start of a file.
# expect: bad/bom_position.thrift:3:8: unexpected character byte 0xef
struct ﻿S {}
