/*
 * debug.c: the debug protocol, text for logs and people in the look of
 * Apache Thrift C++'s TDebugProtocol, on the generic walker (walk.h).
 * Unlike Thrift's, it reads back: what it prints parses to the same value.
 *
 *   Xtruct {
 *     01: string_thing (string) = "Zero\n",
 *     02: byte_thing (byte) = 0x01,
 *     04: i64_thing (i64) = -5,
 *     05: list_thing (list) = list<i32>[2] {
 *       [0] = 1,
 *       [1] = 2,
 *     },
 *     06: map_thing (map) = map<i32,string>[1] {
 *       1 -> "one",
 *     },
 *     07: set_thing (set) = set<double>[2] {
 *       0.1,
 *       -inf,
 *     },
 *   }
 *
 * Where this departs from Thrift's text, it is to read back: doubles are
 * the shortest text that reads back to the same bits (Thrift rounds to
 * 6 digits), NaNs other than the plain one carry their payload
 * ("nan(0x1)"), a message header carries its seqid
 * ("(call seqid=5) testStruct(args {...})"), uuids print as 8-4-4-4-12,
 * and no string is shortened (unless pst_debug_print is asked to, and
 * then the text says so and does not read back). Strings and binaries are
 * quoted with \\ \" \a \b \f \n \r \t \v and \xNN for every other byte
 * outside printable ASCII, as Thrift escapes them.
 *
 * The reader takes any whitespace between tokens, the trailing commas as
 * optional, field names as optional (fields are found by id), bytes in hex
 * or decimal, and checks counts and list indexes against what it reads.
 */
#include "protocol/debug_internal.h"

const char *const pst__debug_type_names[17] = {
    [PST_TT_BOOL] = "bool",     [PST_TT_I8] = "byte",     [PST_TT_I16] = "i16",
    [PST_TT_I32] = "i32",       [PST_TT_I64] = "i64",     [PST_TT_DOUBLE] = "double",
    [PST_TT_STRING] = "string", [PST_TT_STRUCT] = "struct", [PST_TT_MAP] = "map",
    [PST_TT_SET] = "set",       [PST_TT_LIST] = "list",   [PST_TT_UUID] = "uuid",
};

const char pst__debug_hex[17] = "0123456789abcdef";

const pst_protocol pst_protocol_debug = {
    .name = "debug",
    .write_message_begin = pst__debug_write_message_begin,
    .read_message_begin = pst__debug_read_message_begin,
    .write_struct = pst__debug_write_struct,
    .read_struct = pst__debug_read_struct,
    .skip_struct = pst__debug_skip_struct,
    .message_length = pst__debug_message_length,
    .write_message_end = pst__debug_write_message_end,
    .read_message_end = pst__debug_read_message_end,
};
