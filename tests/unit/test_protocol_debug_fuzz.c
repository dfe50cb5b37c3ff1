/*
 * test_protocol_debug_fuzz.c: the libFuzzer target's properties
 * (tests/fuzz/fuzz_decode_target.h with the protocol fixed to debug, as in
 * fuzz_debug_protocol.c) over deterministic inputs: the debug text of
 * every test type, as structs and as messages, then mutations of it
 * (fuzz_mutate.h's byte edits plus debug tokens spliced in: braces, list
 * indexes, arrows, escapes, type names, huge and special numbers) and
 * random bytes. Fixed seed: a failure is reproducible from its case number.
 * The loops and checks: test_protocol_text_fuzz.h.
 */

#include "test.h"
#include "postern/debug.h"
#define FUZZ_DECODE_PROTOCOL (&pst_protocol_debug)
#include "test_protocol_text_fuzz.h"

/* Debug-text tokens a mutation may splice in. */
static const char *const tokens[] = {
    "{", "}", "(", ")", ",", ":", "=", "->", "\"", "\\", "\\x", "\\x0",
    "\\q", "[0] = ", "[1] = ", "[99] = ", "list<i32>[1] {", "set<string>[2] {",
    "map<i32,i64>[1] {", "map<struct,list>[3] {", "list<struct>[2] {",
    "(i32)", "(string)", "(struct)", "(map)", "(bool)", "(uuid)", "(stop)",
    "01: x ", "-1: ", "32768: ", "Inner {", "-", "0", "1", "0x80", "0x100",
    "2147483647", "2147483648", "-9223372036854775809", "1e999", "nan",
    "-nan(0x1)", "nan(0x0)", "inf", "true", "false", " ", "\n", "...(9 bytes)",
    "00112233-4455-6677-8899-aabbccddeeff", "[4294967295]", "[2147483647]",
    "99999999999999999999999999999999999", "(call seqid=", "(reply)",
};

static void test_fuzz_cases(void)
{
    text_fuzz_run(0x64656275672d7478ull, tokens, COUNT(tokens));
}

int main(void)
{
    RUN(test_fuzz_cases);
    return test_report();
}
