/*
 * fuzz_debug_protocol.c: libFuzzer harness for the debug protocol's read_struct,
 * skip_struct and message_length: the properties of fuzz_decode_target.h
 * with the protocol fixed to debug (the selector byte still picks the
 * descriptor, the limits and struct or message). Build and run with
 *   tests/fuzz/fuzz_run.sh fuzz_debug_protocol 600
 * or by hand as in tests/fuzz/README.md.
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_debug_protocol: %s\n", what);                     \
        abort();                                                               \
    } while (0)
#include "postern/debug.h"
#define FUZZ_DECODE_PROTOCOL (&pst_protocol_debug)

#include "fuzz_decode_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_decode_one(data, size);
    return 0;
}
