/*
 * test_protocol_json_fuzz.c: the libFuzzer target's properties
 * (tests/fuzz/fuzz_decode_target.h with the protocol fixed to JSON, as in
 * fuzz_json_protocol.c) over deterministic inputs: TJSONProtocol encodings
 * of every test type, as structs and as messages, then mutations of them
 * (fuzz_mutate.h's byte edits plus JSON tokens spliced in: brackets,
 * quotes, escapes, type names, huge and special numbers) and random
 * bytes. Fixed seed: a failure is reproducible from its case number.
 * The loops and checks: test_protocol_text_fuzz.h.
 */

#include "test.h"
#define FUZZ_DECODE_PROTOCOL (&pst_protocol_json)
#include "test_protocol_text_fuzz.h"

/* JSON tokens a mutation may splice in. */
static const char *const tokens[] = {
    "[", "]", "{", "}", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00",
    "\\u0000", "\\/", "\"i8\"", "\"i64\"", "\"dbl\"", "\"str\"", "\"rec\"",
    "\"lst\"", "\"set\"", "\"map\"", "\"uid\"", "\"tf\"", "-", "0", "1",
    "2147483647", "2147483648", "-9223372036854775809", "1e999", "nan",
    "-inf", "\"NaN\"", "\"-Infinity\"", "true", "==", " ", "\n", "0x1p3",
    "99999999999999999999999999999999999",
};

static void test_fuzz_cases(void)
{
    text_fuzz_run(0x4a534f4e70726f74ull, tokens, COUNT(tokens));
}

int main(void)
{
    RUN(test_fuzz_cases);
    return test_report();
}
